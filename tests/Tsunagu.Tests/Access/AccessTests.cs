using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tsunagu.Access;
using Tsunagu.Tests.Infrastructure;
using Tsunagu.Tests.Web;
using WebClient = Tsunagu.Tests.Web.WebClient;

namespace Tsunagu.Tests.Access;

public class AccessTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/reports/2024")]
    [InlineData("/reports/2024?handler=download&format=xlsx")]
    [InlineData("/programs/P001")]
    [InlineData("/reports/upload")]
    [InlineData("/users")]
    [InlineData("/account/change-password")]
    [InlineData("/no-such-page")]
    public async Task Anonymous_Page_RedirectsToSignIn(string url)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        await using var factory = await TsunaguFactory.StartAsync(database);
        var client = factory.CreateClient(new() { AllowAutoRedirect = false });

        var response = await client.GetAsync(url);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/login", response.Headers.Location!.AbsolutePath);
    }

    [Theory]
    [InlineData("GET", "/api/v1/reports")]
    [InlineData("GET", "/api/v1/reports/2024")]
    [InlineData("GET", "/api/v1/reports/2024/files/figures-csv")]
    [InlineData("GET", "/api/v1/programs/P001")]
    [InlineData("GET", "/api/v1/openapi.json")]
    [InlineData("GET", "/api/v1/no-such-thing")]
    [InlineData("PUT", "/api/v1/reports/2024/programs/P001/evaluation")]
    [InlineData("POST", "/api/v1/reports/2024/status")]
    [InlineData("POST", "/api/v1/people/1/subsidies")]
    [InlineData("DELETE", "/api/v1/placements/1")]
    public async Task Anonymous_Api_Gets401NotARedirect(string method, string url)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        await using var factory = await TsunaguFactory.StartAsync(database);
        var client = factory.CreateClient(new() { AllowAutoRedirect = false });

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url)
        {
            Content = method == "GET" ? null : JsonContent.Create(new { text = "x", to = "bureauCheck" }),
        });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Anonymous_GetsTheSignInPageAndStylesheet_WithSecurityHeaders()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        await using var factory = await TsunaguFactory.StartAsync(database);
        var client = factory.CreateClient(new() { AllowAutoRedirect = false });

        var login = await client.GetAsync("/account/login");
        var css = await client.GetAsync("/css/site.css");

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains("サインイン", await login.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        var csp = login.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.Equal("nosniff", login.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("same-origin", login.Headers.GetValues("Referrer-Policy").Single());
        var html = await login.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotContain("style=\"", html);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org", ""));
    }

    [Fact]
    public async Task SignIn_WrongPasswordFiveTimes_LocksTheAccount()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        await using var factory = await TsunaguFactory.StartAsync(database);
        var email = await factory.AddUserAsync(Roles.Viewer);
        var client = new WebClient(factory.CreateClient(new() { AllowAutoRedirect = false }));

        string? lastMessage = null;
        for (var i = 0; i < 5; i++)
        {
            var failed = await client.SubmitAsync("/account/login", "form", new() { ["Email"] = email, ["Password"] = "wrong-password" });
            Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
            lastMessage = (await WebClient.ParseAsync(failed)).QuerySelector(".errors")!.TextContent;
        }
        var right = await client.SubmitAsync("/account/login", "form", new() { ["Email"] = email, ["Password"] = TsunaguFactory.Password });

        Assert.Contains("ロック", lastMessage);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode); // still the sign-in page: locked even with the right password
        Assert.Contains("ロック", (await WebClient.ParseAsync(right)).QuerySelector(".errors")!.TextContent);
    }

    [Fact]
    public async Task FirstSignIn_ChangesTheOneTimePassword_ThenRegistersAnAuthenticator_BeforeAnythingElse()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        await using var factory = await TsunaguFactory.StartAsync(database);
        var cli = await CliRun.RunAsync(database, "users", "add", "first.admin@city.example.jp", "--role", "admin");
        var oneTime = cli.Out.Split('\n').Single(l => l.StartsWith("一時パスワード: ", StringComparison.Ordinal))["一時パスワード: ".Length..].Trim();
        var client = await WebClient.SignInAsync(factory, "first.admin@city.example.jp", oneTime);

        var blocked = await client.Http.GetAsync("/reports/2024");
        var apiBlocked = await client.Http.GetAsync("/api/v1/reports");
        var common = await WebClient.ParseAsync(await client.SubmitAsync("/account/change-password", "main form",
            new() { ["Current"] = oneTime, ["Next"] = "baseball2024!", ["Confirm"] = "baseball2024!" }));
        var changed = await client.SubmitAsync("/account/change-password", "main form",
            new() { ["Current"] = oneTime, ["Next"] = "仙台の子ども食堂は火曜日", ["Confirm"] = "仙台の子ども食堂は火曜日" });
        var stillBlocked = await client.Http.GetAsync("/reports/2024");
        var stillBlockedApi = await client.Http.GetAsync("/api/v1/reports");
        var setup = await client.GetDocumentAsync("/account/mfa-setup");
        var key = setup.QuerySelector("code.mfa-key")!.TextContent.Replace(" ", "").ToUpperInvariant();
        var wrong = await WebClient.ParseAsync(await client.SubmitAsync("/account/mfa-setup", "main form", new() { ["Code"] = "000000" }));
        // Typed as a phone shows it, in full-width digits with a space.
        var code = Infrastructure.TestAccounts.CodeFor(key);
        var registered = await WebClient.ParseAsync(await client.SubmitAsync("/account/mfa-setup", "main form",
            new() { ["Code"] = new string(code.Select(c => (char)(c - '0' + '０')).ToArray()).Insert(3, " ") }));
        var open = await client.Http.GetAsync("/reports/2024");

        Assert.Equal("/account/change-password", blocked.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Forbidden, apiBlocked.StatusCode);
        Assert.Contains("よく使われるパスワード", common.QuerySelector(".errors")!.TextContent);
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal("/account/mfa-setup", stillBlocked.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Forbidden, stillBlockedApi.StatusCode);
        Assert.StartsWith("data:image/png;base64,", setup.QuerySelector("img.qr")!.GetAttribute("src"));
        Assert.Equal(32, key.Length);
        Assert.Contains("確認コードが正しくありません", wrong.QuerySelector(".errors")!.TextContent);
        var recoveryCodes = registered.QuerySelectorAll("ul.recovery-codes code").Select(c => c.TextContent).ToList();
        Assert.Equal(10, recoveryCodes.Distinct().Count());
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var user = await scope.ServiceProvider.GetRequiredService<UserManager<TsunaguUser>>().FindByEmailAsync("first.admin@city.example.jp");
            Assert.False(user!.MustChangePassword);
            Assert.True(user.TwoFactorEnabled);
            Assert.DoesNotContain(oneTime, user.PasswordHash);
        }

        // The next sign-in asks for the code; a recovery code works once, never twice.
        Infrastructure.TestAccounts.RememberAuthenticator("first.admin@city.example.jp", key);
        var again = await WebClient.SignInAsync(factory, "first.admin@city.example.jp", "仙台の子ども食堂は火曜日");
        Assert.Equal(HttpStatusCode.OK, (await again.Http.GetAsync("/reports/2024")).StatusCode);
        async Task<HttpResponseMessage> WithRecoveryAsync()
        {
            var browser = new WebClient(factory.CreateClient(new() { AllowAutoRedirect = false }));
            var password = await browser.SubmitAsync("/account/login", "form", new() { ["Email"] = "first.admin@city.example.jp", ["Password"] = "仙台の子ども食堂は火曜日" });
            return await browser.SubmitAsync(password.Headers.Location!.OriginalString, "details form", new() { ["Code"] = recoveryCodes[0] });
        }
        var recovered = await WithRecoveryAsync();
        var reused = await WithRecoveryAsync();
        Assert.Equal("/", recovered.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, reused.StatusCode);
        Assert.Contains("使用済み", (await WebClient.ParseAsync(reused)).QuerySelector(".errors")!.TextContent);
        await using var db = database.NewDb();
        Assert.Equal(["mfa.enable", "mfa.recovery-used"],
            await db.AuditEntries.Where(a => a.Action.StartsWith("mfa.")).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
    }

    [Fact]
    public async Task SignIn_SameAnswerForAnUnknownAccountAWrongPasswordAndALockedAccount_AndAResetNeverHandsOverTheSecondFactor()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        await using var factory = await TsunaguFactory.StartAsync(database);
        var caseworker = await factory.AddUserAsync(Roles.Caseworker);
        var admin = await WebClient.SignInAsync(factory, await factory.AddUserAsync(Roles.Admin));

        async Task<(HttpStatusCode, string?)> TryAsync(string email, string password)
        {
            var client = new WebClient(factory.CreateClient(new() { AllowAutoRedirect = false }));
            var response = await client.SubmitAsync("/account/login", "form", new() { ["Email"] = email, ["Password"] = password });
            return (response.StatusCode, response.StatusCode == HttpStatusCode.OK ? (await WebClient.ParseAsync(response)).QuerySelector(".errors")!.TextContent : null);
        }
        var unknown = await TryAsync("nobody@city.example.jp", "Some-Password-123");
        var wrong = await TryAsync(caseworker, "Some-Password-123");
        // The administrator resets the worker's password and tries to sign in as them with it.
        var reset = await WebClient.ParseAsync(await admin.SubmitAsync("/users", $"form[action$='handler=reset']:has(input[value='{caseworker}'])", []));
        var oneTime = reset.QuerySelector(".onetime")!.TextContent.Trim();
        var asTheWorker = new WebClient(factory.CreateClient(new() { AllowAutoRedirect = false }));
        var password = await asTheWorker.SubmitAsync("/account/login", "form", new() { ["Email"] = caseworker, ["Password"] = oneTime });
        var withoutCode = await asTheWorker.Http.GetAsync("/people");
        var guessed = await asTheWorker.SubmitAsync(password.Headers.Location!.OriginalString, "form", new() { ["Code"] = "123456" });
        for (var i = 0; i < 5; i++)
        {
            await TryAsync(caseworker, "Still-Wrong-Password");
        }
        var locked = await TryAsync(caseworker, oneTime);

        Assert.Equal((HttpStatusCode.OK, PasswordSignIn.FailedMessage), unknown);
        Assert.Equal(unknown, wrong);
        Assert.Equal(unknown, locked);
        Assert.StartsWith("/account/mfa?", password.Headers.Location!.OriginalString);
        Assert.Equal("/account/login", withoutCode.Headers.Location?.AbsolutePath);
        Assert.Contains("確認コードが正しくありません", (await WebClient.ParseAsync(guessed)).QuerySelector(".errors")!.TextContent);
        await using var db = database.NewDb();
        Assert.True(await db.Users.Where(u => u.Email == caseworker).Select(u => u.TwoFactorEnabled).SingleAsync());
        Assert.Contains(await db.AuditEntries.Where(a => a.Subject == caseworker).Select(a => a.Action).ToListAsync(), a => a == "account.lock");
    }

    [Fact]
    public async Task SignIn_IsRateLimitedPerAccountName_BeforeAnyPasswordIsChecked()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        await using var factory = await TsunaguFactory.StartAsync(database, settings: new Dictionary<string, string> { ["Limits:SignInsPerMinutePerAccount"] = "3" });
        var viewer = await factory.AddUserAsync(Roles.Viewer);
        var client = new WebClient(factory.CreateClient(new() { AllowAutoRedirect = false }));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await client.SubmitAsync("/account/login", "form", new() { ["Email"] = "nobody@city.example.jp", ["Password"] = "Wrong-Password-1" })).StatusCode);
        }
        var fourth = await client.SubmitAsync("/account/login", "form", new() { ["Email"] = "NOBODY@city.example.jp", ["Password"] = "Wrong-Password-1" });
        var otherAccount = await client.SubmitAsync("/account/login", "form", new() { ["Email"] = viewer, ["Password"] = TsunaguFactory.Password });

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, fourth.StatusCode);
        Assert.Contains("1分ほど待って", (await WebClient.ParseAsync(fourth)).QuerySelector(".errors")!.TextContent);
        Assert.Equal(HttpStatusCode.Redirect, otherAccount.StatusCode);
    }

    [Fact]
    public async Task SignOut_EndsTheSession()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        await using var factory = await TsunaguFactory.StartAsync(database);
        var client = await WebClient.SignInAsync(factory, await factory.AddUserAsync(Roles.Viewer));

        var signOut = await client.SubmitAsync("/", "form.signout", []);
        var after = await client.Http.GetAsync("/");

        Assert.Equal("/account/login", signOut.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
    }

    [Fact]
    public async Task Users_OnlyAdministratorsManageAccounts_AndTheChangeIsAudited()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        await using var factory = await TsunaguFactory.StartAsync(database);
        var planner = await WebClient.SignInAsync(factory, await factory.AddUserAsync(Roles.Planner));
        var adminEmail = await factory.AddUserAsync(Roles.Admin);
        var admin = await WebClient.SignInAsync(factory, adminEmail);

        var refused = await planner.Http.GetAsync("/users");
        var created = await admin.SubmitAsync("/users", "form[action*=add]", new() { ["email"] = "new.viewer@city.example.jp", ["role"] = "viewer" });

        Assert.Equal("/account/denied", refused.Headers.Location!.AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var page = await WebClient.ParseAsync(created);
        Assert.Equal(16, page.QuerySelector(".onetime")!.TextContent.Trim().Length);
        await using var db = database.NewDb();
        var audit = await db.AuditEntries.SingleAsync(a => a.Action == "account.create" && a.Subject == "new.viewer@city.example.jp");
        Assert.Equal(adminEmail, audit.Actor);
        Assert.Equal("viewer", audit.After);
    }

    /// <summary>An error page's way out is a page the reader may open: the start page once signed in, else sign-in.</summary>
    [Fact]
    public async Task TheErrorPage_LinksToAPageTheReaderMayOpen()
    {
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite);
        var caseworker = await world.SignInAsync("caseworkerA");
        var anonymous = world.Factory.CreateClient(new() { AllowAutoRedirect = false });

        var missing = await caseworker.Http.GetAsync("/people/999999");
        var link = (await WebClient.ParseAsync(missing)).QuerySelector("main a")!;
        // The start page shows each role its way in: a case worker's is their people list.
        var start = await caseworker.Http.GetAsync(link.GetAttribute("href"));
        if (start.StatusCode == HttpStatusCode.Redirect)
        {
            start = await caseworker.Http.GetAsync(start.Headers.Location);
        }
        var error = await WebClient.ParseAsync(await anonymous.GetAsync("/error?status=404"));

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(("/", "はじめのページへ戻る"), (link.GetAttribute("href"), link.TextContent));
        Assert.Equal(HttpStatusCode.OK, start.StatusCode);
        Assert.Equal("/account/login", error.QuerySelector("main a")!.GetAttribute("href"));
    }
}
