using System.Net;
using System.Net.Http.Json;

namespace Tsunagu.Tests.Infrastructure;

/// <summary>A contact recorded through the API with an Idempotency-Key, as a client that sends again until answered does.</summary>
public static class KeyedContact
{
    /// <summary>
    /// Sends it once: the answer's status, or null when none came (the server or its database died under it) — not
    /// acknowledged, so the client sends it again with the same key. The note says <paramref name="said"/>.
    /// </summary>
    public static async Task<HttpStatusCode?> SendAsync(HttpClient http, int person, string key, string said)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/people/{person}/contacts")
        {
            Content = JsonContent.Create(new
            {
                ProgramCode = "P001",
                Date = "2024-06-19",
                Kind = "StudySession",
                Channel = "Visit",
                Notes = new Dictionary<string, string> { ["PersonSaid"] = said },
            }),
        };
        request.Headers.Add("Idempotency-Key", key);
        try
        {
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }
}
