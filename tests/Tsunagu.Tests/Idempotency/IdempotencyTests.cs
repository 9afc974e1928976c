using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Idempotency;

/// <summary>A client that lost the answer to a write sends it again with the same Idempotency-Key: it is done once.</summary>
public class IdempotencyTests
{
    static object Contact(string note) => new { ProgramCode = "P001", Date = "2024-06-19", Kind = "StudySession", Channel = "Visit", Notes = new { PersonSaid = note } };

    static HttpRequestMessage Post(int person, object body, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/people/{person}/contacts") { Content = JsonContent.Create(body) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }
        return request;
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task AWriteSentAgainWithItsKey_IsDoneOnce_AndAnsweredAsTheFirstTime(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var client = await world.SignInAsync("caseworkerA");
        var colleague = await world.SignInAsync("managerA");
        async Task<int> ContactsAsync()
        {
            await using var db = world.Database.NewDb();
            return await db.Contacts.CountAsync();
        }
        var before = await ContactsAsync();

        var first = await client.Http.SendAsync(Post(world.Alice, Contact("一回目"), "7c1e2a10-retry-1"));
        var retried = await client.Http.SendAsync(Post(world.Alice, Contact("一回目"), "7c1e2a10-retry-1"));
        var otherBody = await client.Http.SendAsync(Post(world.Alice, Contact("別の内容"), "7c1e2a10-retry-1"));
        var badKey = await client.Http.SendAsync(Post(world.Alice, Contact("一回目"), "空白 を含む"));
        // A key is the account's own: another account's identical key is another request.
        var colleagues = await colleague.Http.SendAsync(Post(world.Alice, Contact("一回目"), "7c1e2a10-retry-1"));
        // A request refused before it changed anything leaves no key behind: corrected, it goes through with the same key.
        var refused = await client.Http.SendAsync(Post(world.Alice, new { ProgramCode = "P001", Date = "2099-01-01", Kind = "StudySession", Channel = "Visit" }, "fix-then-retry"));
        var corrected = await client.Http.SendAsync(Post(world.Alice, Contact("直して再送"), "fix-then-retry"));
        // Two sends at once: one change.
        var together = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => client.Http.SendAsync(Post(world.Alice, Contact("同時"), "both-at-once"))));
        var without = await client.Http.SendAsync(Post(world.Alice, Contact("キーなし"), null));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.Equal("true", retried.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.Headers.Location, retried.Headers.Location);
        // Not a second copy of the contact's notes: the replay says what happened and where.
        Assert.Contains("一回目", await first.Content.ReadAsStringAsync());
        Assert.Equal("", await retried.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, otherBody.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badKey.StatusCode);
        Assert.Equal(HttpStatusCode.Created, colleagues.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Created, corrected.StatusCode);
        Assert.Contains(HttpStatusCode.Created, together.Select(t => t.StatusCode));
        Assert.All(together.Select(t => t.StatusCode), s => Assert.Contains(s, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        Assert.Equal(HttpStatusCode.Created, without.StatusCode);
        // 一回目, the colleague's, the corrected one, one of the two at once, and the one without a key.
        Assert.Equal(before + 5, await ContactsAsync());
        await using var db = world.Database.NewDb();
        Assert.Equal(4, await db.Set<Tsunagu.Idempotency.IdempotentRequest>().CountAsync());
    }
}
