using System.Net;
using System.Net.Http.Headers;
using Tsunagu.People;

namespace Tsunagu.Notices;

/// <summary>The city's LINE official account (`Outreach:Line:*`): the channel access token and the API's address.</summary>
public sealed record LineSettings(string ChannelToken, Uri BaseUrl)
{
    public static LineSettings From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Outreach:Line");
        return string.IsNullOrWhiteSpace(section["ChannelToken"])
            ? throw new RelayStoppedException("LINE のチャネルアクセストークンが設定されていません（Outreach:Line:ChannelToken）。")
            : new LineSettings(section["ChannelToken"]!, new Uri((section["BaseUrl"] ?? "https://api.line.me").TrimEnd('/') + "/"));
    }
}

/// <summary>
/// Sends LINE deliveries through the Messaging API's push endpoint (POST /v2/bot/message/push), as its reference
/// documents it: the channel token as a bearer token, one text message, and the delivery's key as X-Line-Retry-Key —
/// so that a push retried after a timeout or a crash is executed once: LINE answers 409 to a key it has accepted,
/// which means it was sent. 429 (the rate limit) and 5xx are tried again later with the same key; 400 is LINE refusing
/// the user id (permanent for that household); 401 and 403 are the city's token, and stop the relay. A user who blocked
/// the account is not told by the push (LINE accepts it and does not deliver): that arrives as an unfollow event at
/// the webhook, which the city's account manager sees.
/// </summary>
public sealed class LineSender(HttpClient http, LineSettings settings) : INoticeSender
{
    /// <summary>A text message's limit in the Messaging API.</summary>
    public const int TextMax = 5_000;

    public ReachChannel Channel => ReachChannel.Line;

    public async Task<SendResult> SendAsync(Delivery delivery, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(settings.BaseUrl, "v2/bot/message/push"))
        {
            Content = JsonContent.Create(new
            {
                to = delivery.Address,
                messages = new[] { new { type = "text", text = delivery.Message.Length > TextMax ? delivery.Message[..TextMax] : delivery.Message } },
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.ChannelToken);
        request.Headers.Add("X-Line-Retry-Key", delivery.Key.ToString("D"));
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            // A timeout may have been accepted: the retry with the same key settles it.
            return new SendResult(SendOutcome.Retry, "LINE に届きませんでした（接続）");
        }
        using (response)
        {
            var code = (int)response.StatusCode;
            // A 400 about the `to` property is the household's user id; any other 400 is the request, the same for all.
            var refusedUser = response.StatusCode == HttpStatusCode.BadRequest && (await response.Content.ReadAsStringAsync(ct)).Contains("'to'", StringComparison.Ordinal);
            return response.StatusCode switch
            {
                HttpStatusCode.OK => SendResult.Sent,
                HttpStatusCode.Conflict => SendResult.Sent, // accepted before, by this key
                HttpStatusCode.BadRequest when refusedUser => new SendResult(SendOutcome.Permanent, $"LINE {code}"),
                HttpStatusCode.BadRequest => throw new RelayStoppedException($"LINE がお知らせを受け付けません（{code}）。"),
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                    throw new RelayStoppedException($"LINE がチャネルアクセストークンを受け付けません（{code}）。Outreach:Line:ChannelToken を確かめてください。"),
                _ => new SendResult(SendOutcome.Retry, $"LINE {code}"),
            };
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
