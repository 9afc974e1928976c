using System.Security.Cryptography.X509Certificates;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Tsunagu.People;

namespace Tsunagu.Notices;

/// <summary>
/// The city's SMTP relay (`Outreach:Smtp:*`): host and port, STARTTLS (required unless `Security` says `None`, for a
/// relay on the same machine), the account, the sender address, the address families write to for 配信停止, and
/// optionally the relay's certificate file, pinned, when it is not signed by a CA the server trusts.
/// </summary>
public sealed record SmtpSettings(string Host, int Port, SecureSocketOptions Security, string? User, string? Password, MailboxAddress From, string? Unsubscribe, string? TrustedCertificate, bool Pipelining = true)
{
    public static SmtpSettings Read(IConfiguration configuration)
    {
        var section = configuration.GetSection("Outreach:Smtp");
        var host = section["Host"];
        var from = section["From"];
        if (string.IsNullOrWhiteSpace(host) || string.IsNullOrWhiteSpace(from) || !MailboxAddress.TryParse(from, out var sender))
        {
            throw new RelayStoppedException("メールの中継サーバーが設定されていません（Outreach:Smtp:Host と Outreach:Smtp:From、例 \"仙台市 子供未来局 <kodomo@city.example.jp>\"）。");
        }
        var security = section["Security"] switch
        {
            null or "" or "StartTls" => SecureSocketOptions.StartTls,
            "SslOnConnect" => SecureSocketOptions.SslOnConnect,
            "None" => SecureSocketOptions.None,
            var other => throw new RelayStoppedException($"Outreach:Smtp:Security「{other}」は StartTls・SslOnConnect・None のどれかです。"),
        };
        if (security == SecureSocketOptions.None && !string.IsNullOrEmpty(section["User"]))
        {
            throw new RelayStoppedException("Outreach:Smtp:Security が None のまま、パスワードを平文で送ることはしません。StartTls にするか、User を外してください（同じ機械の中継サーバーなど）。");
        }
        if (section["Port"] is { } port && !int.TryParse(port, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            throw new RelayStoppedException($"Outreach:Smtp:Port「{port}」は番号で書いてください。");
        }
        // MAIL FROM and RCPT TO sent together where the relay offers PIPELINING (RFC 2920; MailKit sends DATA after their
        // replies): one round trip fewer per message (1,427 → 1,629 a second, bench notices). A relay that writes each
        // reply on its own with Nagle's algorithm on makes every message wait for a delayed ACK (~40 ms): "false" sends
        // one command at a time.
        var pipelining = section["Pipelining"] switch
        {
            null or "" or "true" => true,
            "false" => false,
            var other => throw new RelayStoppedException($"Outreach:Smtp:Pipelining「{other}」は true か false です。"),
        };
        return new SmtpSettings(host, section.GetValue("Port", security == SecureSocketOptions.SslOnConnect ? 465 : 587), security,
            section["User"], section["Password"], sender, section["Unsubscribe"], section["TrustedCertificate"], pipelining);
    }
}

/// <summary>
/// Sends e-mail deliveries with MailKit over one connection kept open between them. The Message-ID is the delivery's
/// key, so a delivery sent again after a crash is the same message to the receiving systems. A 5xx answer about the
/// recipient is permanent (the address does not exist); a 4xx, or a dropped connection, is tried again later.
/// </summary>
public sealed class EmailSender(SmtpSettings settings) : INoticeSender
{
    readonly SmtpClient client = new();

    public ReachChannel Channel => ReachChannel.Email;

    public async Task<SendResult> SendAsync(Delivery delivery, CancellationToken ct)
    {
        if (!MailboxAddress.TryParse(delivery.Address, out var to) || to.Address != delivery.Address)
        {
            return new SendResult(SendOutcome.Permanent, "メールアドレスとして読めません");
        }
        try
        {
            await ConnectAsync(ct);
            // Disposed: a message's parts hold pooled buffers that only go back to the pool when it is disposed.
            using var message = Message(delivery, to);
            await client.SendAsync(message, ct);
            return SendResult.Sent;
        }
        catch (SmtpCommandException e)
        {
            var code = (int)e.StatusCode;
            var error = $"SMTP {code}";
            // A refusal of the city's sender, of the message, or by policy (5.7.x: relaying denied, SPF/DMARC) would
            // refuse every household alike: the relay stops with the reason instead of marking addresses invalid.
            if (e.ErrorCode == SmtpErrorCode.SenderNotAccepted || code >= 500 && (e.ErrorCode == SmtpErrorCode.MessageNotAccepted || e.Message.Contains("5.7.", StringComparison.Ordinal)))
            {
                throw new RelayStoppedException($"中継サーバーがお知らせを受け付けません（{error}）。中継サーバーの認証・差出人（Outreach:Smtp:From）・送信の方針を確かめてください。");
            }
            // Only a refused mailbox is the household's address: it is not used again until its consent is recorded anew.
            return code >= 500 && e.ErrorCode == SmtpErrorCode.RecipientNotAccepted ? new SendResult(SendOutcome.Permanent, error) : new SendResult(SendOutcome.Retry, error);
        }
        catch (AuthenticationException)
        {
            throw new RelayStoppedException("中継サーバーがアカウントを受け付けません。Outreach:Smtp:User と Password を確かめてください。");
        }
        catch (Exception e) when (e is IOException or ServiceNotConnectedException or SmtpProtocolException or System.Net.Sockets.SocketException)
        {
            // The connection is gone; the next delivery connects again.
            await client.DisconnectAsync(false, CancellationToken.None).ConfigureAwait(false);
            return new SendResult(SendOutcome.Retry, "接続が切れました");
        }
    }

    async Task ConnectAsync(CancellationToken ct)
    {
        if (client.IsConnected)
        {
            return;
        }
        if (settings.TrustedCertificate is { } path)
        {
            // The relay's own certificate (self-signed, or from the city's own CA), pinned: trusted by its exact bytes, nothing else.
            var trusted = X509CertificateLoader.LoadCertificateFromFile(path);
            client.ServerCertificateValidationCallback = (_, certificate, _, errors) =>
                errors == System.Net.Security.SslPolicyErrors.None || certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(trusted.RawData);
        }
        try
        {
            // Our own socket, to turn Nagle's algorithm off on our side too (a message is several small writes).
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(settings.Host, settings.Port, ct);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
            await client.ConnectAsync(socket, settings.Host, settings.Port, settings.Security, ct);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or SslHandshakeException or IOException)
        {
            throw new RelayStoppedException($"メールの中継サーバー {settings.Host}:{settings.Port} につながりません（{e.GetType().Name}）。");
        }
        if (settings.User is { Length: > 0 } user)
        {
            await client.AuthenticateAsync(user, settings.Password ?? "", ct);
        }
        if (!settings.Pipelining)
        {
            client.Capabilities &= ~SmtpCapabilities.Pipelining;
        }
    }

    MimeMessage Message(Delivery delivery, MailboxAddress to)
    {
        var message = new MimeMessage
        {
            Subject = delivery.Subject,
            MessageId = $"{delivery.Key:N}@{settings.From.Domain}",
            Date = delivery.QueuedAt,
            Body = new TextPart("plain") { Text = delivery.Message },
        };
        // A new address each time: a message's address list subscribes to its addresses' Changed events, so one shared
        // MailboxAddress kept every message sent alive (~8 KB a message, 1 GiB at 100,000; found with dotnet-dump gcroot).
        message.From.Add(new MailboxAddress(settings.From.Name, settings.From.Address));
        message.To.Add(to);
        if (settings.Unsubscribe is { Length: > 0 } unsubscribe)
        {
            // RFC 2369: mail clients show 配信停止 beside the message; the mailbox is read by the program's staff, who
            // find the household by the sender's address and record the withdrawal of its consent.
            message.Headers.Add(HeaderId.ListUnsubscribe, $"<mailto:{unsubscribe}?subject=unsubscribe>");
        }
        message.Headers.Add("Auto-Submitted", "auto-generated");
        return message;
    }

    public async ValueTask DisposeAsync()
    {
        if (client.IsConnected)
        {
            await client.DisconnectAsync(true, CancellationToken.None);
        }
        client.Dispose();
    }
}
