using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Tsunagu.Tests.Infrastructure;

/// <summary>A message as the server stored it: its envelope recipient and its bytes, read as MIME when a test looks.</summary>
public sealed class ReceivedMail(string to, byte[] data)
{
    readonly Lazy<MimeMessage> message = new(() => MimeMessage.Load(new MemoryStream(data)));

    public string To => to;
    public string MessageId => message.Value.MessageId ?? "";
    public string Subject => message.Value.Subject ?? "";
    public string Text => message.Value.TextBody ?? "";
    public string? ListUnsubscribe => message.Value.Headers[HeaderId.ListUnsubscribe];
    public string From => message.Value.From.Mailboxes.Single().Address;
}

/// <summary>
/// A real SMTP server on 127.0.0.1 (the SmtpServer library): STARTTLS with a self-signed certificate (written to a file
/// the relay is told to trust), AUTH required, and mailboxes that answer as a city's relay would — an address starting
/// with "bounce" is refused for good (550), one starting with "busy" for now (450), one starting with "policy" by the
/// relay's policy (550 5.7.1, as when relaying is denied).
/// </summary>
public sealed class SmtpTestServer : IAsyncDisposable
{
    public const string User = "tsunagu-relay";
    public const string Password = "relay-password";

    readonly CancellationTokenSource stop = new();
    readonly Task running;
    readonly string folder;

    public int Port { get; }
    public string CertificateFile { get; }
    public ConcurrentQueue<ReceivedMail> Received { get; } = new();

    /// <summary>Called with each message after it is stored and before the server answers 250: the kill test stops the relay there.</summary>
    public Action<int>? AfterStore { get; set; }

    SmtpTestServer(int port, X509Certificate2 certificate, string folder)
    {
        Port = port;
        this.folder = folder;
        CertificateFile = Path.Combine(folder, "relay.crt");
        File.WriteAllBytes(CertificateFile, certificate.Export(X509ContentType.Cert));
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(b => b.Endpoint(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port))
                .AllowUnsecureAuthentication(false)
                .AuthenticationRequired(true)
                .Certificate(certificate))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        services.Add(new Filter());
        services.Add(new Authenticator());
        services.Add((SmtpServer.Net.IEndpointListenerFactory)new NoDelayListeners());
        running = new SmtpServer.SmtpServer(options, services).StartAsync(stop.Token);
    }

    public static SmtpTestServer Start()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Exported and loaded again so that the private key is usable by SslStream on every platform.
        var certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
        var folder = Directory.CreateTempSubdirectory("tsunagu-smtp-").FullName;
        return new SmtpTestServer(PostgresServer.FreePort(), certificate, folder);
    }

    /// <summary>The relay's settings for this server (`Outreach:Smtp:*`).</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Outreach:Smtp:Host"] = "localhost",
        ["Outreach:Smtp:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Outreach:Smtp:User"] = User,
        ["Outreach:Smtp:Password"] = Password,
        ["Outreach:Smtp:From"] = "仙台市 子供未来局 <kodomo@city.example.jp>",
        ["Outreach:Smtp:Unsubscribe"] = "teishi@city.example.jp",
        ["Outreach:Smtp:TrustedCertificate"] = CertificateFile,
    };

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await running;
        }
        catch (OperationCanceledException)
        {
        }
        stop.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    sealed class Store(SmtpTestServer server) : MessageStore
    {
        int count;

        public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            // Stored as received, as an MTA queues a message; parsed only when a test reads it, so that the server's
            // share of the two cores measured by the benchmark is the SMTP exchange rather than MIME parsing.
            var data = buffer.ToArray();
            foreach (var to in transaction.To)
            {
                server.Received.Enqueue(new ReceivedMail(to.AsAddress(), data));
            }
            server.AfterStore?.Invoke(Interlocked.Increment(ref count));
            return Task.FromResult(SmtpResponse.Ok);
        }
    }

    /// <summary>
    /// Replies sent at once (TCP_NODELAY, which accepted sockets inherit from the listening one on Linux), as an MTA
    /// answering pipelined commands does: the library writes each reply on its own, and with Nagle's algorithm the
    /// second of two replies waited for our delayed ACK (~40 ms a message).
    /// </summary>
    sealed class NoDelayListeners : SmtpServer.Net.EndpointListenerFactory
    {
        public override SmtpServer.Net.IEndpointListener CreateListener(SmtpServer.IEndpointDefinition endpointDefinition)
        {
            var listener = base.CreateListener(endpointDefinition);
            var socket = (System.Net.Sockets.TcpListener)typeof(SmtpServer.Net.EndpointListener)
                .GetField("_tcpListener", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(listener)!;
            socket.Server.NoDelay = true;
            return listener;
        }
    }

    sealed class Filter : IMailboxFilter
    {
        public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken) => Task.FromResult(true);

        public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken) =>
            to.User.StartsWith("busy", StringComparison.Ordinal)
                ? throw new SmtpResponseException(new SmtpResponse(SmtpReplyCode.MailboxUnavailable - 100, "mailbox busy, try later"))
                : to.User.StartsWith("policy", StringComparison.Ordinal)
                ? throw new SmtpResponseException(new SmtpResponse(SmtpReplyCode.MailboxUnavailable, "5.7.1 Relaying denied"))
                : Task.FromResult(!to.User.StartsWith("bounce", StringComparison.Ordinal));
    }

    sealed class Authenticator : IUserAuthenticator
    {
        public Task<bool> AuthenticateAsync(ISessionContext context, string user, string password, CancellationToken cancellationToken) =>
            Task.FromResult(user == User && password == Password);
    }
}
