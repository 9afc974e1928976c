using System.Net;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Tests.Infrastructure;
using Tsunagu.Tests.Web;
using WebClient = Tsunagu.Tests.Web.WebClient;

namespace Tsunagu.Tests.Access;

/// <summary>Sessions are kept on the server: ending one there ends it for the browser, whatever cookie it keeps.</summary>
public class SignInSessionsTests
{
    static async Task<HttpStatusCode> WithCookieAsync(TsunaguFactory factory, string cookie, string url = "/")
    {
        var raw = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("Cookie", cookie);
        return (await raw.SendAsync(request)).StatusCode;
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task SignOut_EndsTheSessionOnTheServer_SoAKeptCookieOpensNothing(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind, migrate: false);
        await using var factory = await TsunaguFactory.StartAsync(database);
        var viewer = await factory.AddUserAsync(Roles.Viewer);
        var client = new WebClient(factory.CreateClient(new() { AllowAutoRedirect = false }));
        var signedIn = await client.SubmitAsync("/account/login", "form", new() { ["Email"] = viewer, ["Password"] = TsunaguFactory.Password });
        // The cookie as a browser (or a thief) would keep it after signing out.
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("tsunagu=", StringComparison.Ordinal)).Split(';')[0];

        var before = await WithCookieAsync(factory, cookie);
        var signedOut = await client.SubmitAsync("/", "form.signout", []);
        var after = await WithCookieAsync(factory, cookie);

        Assert.Equal(HttpStatusCode.OK, before);
        Assert.Equal("/account/login", signedOut.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, after);
        await using var db = database.NewDb();
        Assert.Equal(0, await db.Set<UserSession>().CountAsync());
    }

    [Fact]
    public async Task Session_EndsEightHoursAfterSignIn_EvenWithActivityEveryTwentyMinutes()
    {
        var clock = new MovableTime(new DateTimeOffset(2024, 6, 20, 8, 30, 0, TimeSpan.FromHours(9)));
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        await using var factory = await TsunaguFactory.StartAsync(database, clock);
        var client = await WebClient.SignInAsync(factory, await factory.AddUserAsync(Roles.Viewer));

        var statuses = new List<HttpStatusCode>();
        for (var minutes = 20; minutes <= 8 * 60 + 20; minutes += 20)
        {
            clock.Advance(TimeSpan.FromMinutes(20));
            statuses.Add((await client.Http.GetAsync("/")).StatusCode);
        }

        // 24 requests within the eight hours answer; the one at 8 h 20 min is sent to sign in again.
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, 23), statuses.Take(23));
        Assert.Equal(HttpStatusCode.Redirect, statuses[^1]);
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task DisablingALeaver_EndsEverySessionAtOnce_AndTheSignInAnswersAsForAWrongPassword(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var leaver = await world.SignInAsync("caseworkerA");
        var admin = await world.SignInAsync("admin");
        var email = world.Users["caseworkerA"];

        var before = await leaver.Http.GetAsync($"/people/{world.Alice}");
        var disabled = await admin.SubmitAsync("/users", $"form[action$='handler=disable']:has(input[value='{email}'])", []);
        var page = await leaver.Http.GetAsync($"/people/{world.Alice}");
        var api = await leaver.Http.GetAsync($"/api/v1/people/{world.Alice}");
        var again = new WebClient(world.Factory.CreateClient(new() { AllowAutoRedirect = false }));
        var signIn = await WebClient.ParseAsync(await again.SubmitAsync("/account/login", "form", new() { ["Email"] = email, ["Password"] = TsunaguFactory.Password }));

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        Assert.Equal("/account/login", page.Headers.Location?.AbsolutePath);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal(PasswordSignIn.FailedMessage, signIn.QuerySelector(".errors")!.TextContent);
        await using var db = world.Database.NewDb();
        Assert.Equal("account.disable", await db.AuditEntries.Where(a => a.Subject == email).OrderBy(a => a.Id).Select(a => a.Action).LastAsync());
    }

    [Fact]
    public async Task User_SeesTheirOwnSessions_AndEndsTheOthers()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        await using var factory = await TsunaguFactory.StartAsync(database);
        var viewer = await factory.AddUserAsync(Roles.Viewer);
        var other = await factory.AddUserAsync(Roles.Viewer);
        var office = await WebClient.SignInAsync(factory, viewer);
        var home = await WebClient.SignInAsync(factory, viewer);
        var someoneElse = await WebClient.SignInAsync(factory, other);

        var list = await office.GetDocumentAsync("/account/sessions");
        var ended = await office.SubmitAsync("/account/sessions", "form.others", []);

        Assert.Equal(2, list.QuerySelectorAll("table.sessions tbody tr").Length);
        Assert.Equal(["この端末", "終了する"], list.QuerySelectorAll("table.sessions tbody tr td:last-child").Select(td => td.TextContent.Trim()).Order());
        Assert.Equal(HttpStatusCode.Redirect, ended.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await office.Http.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await home.Http.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await someoneElse.Http.GetAsync("/")).StatusCode);
    }
}
