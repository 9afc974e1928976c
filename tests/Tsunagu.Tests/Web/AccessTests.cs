using System.Net;
using System.Net.Http.Json;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tsunagu.Access;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Web;

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
    [InlineData("GET", "/api/v1/programs/P001")]
    [InlineData("GET", "/api/v1/openapi.json")]
    [InlineData("GET", "/api/v1/no-such-thing")]
    [InlineData("PUT", "/api/v1/reports/2024/programs/P001/evaluation")]
    [InlineData("POST", "/api/v1/reports/2024/status")]
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
    public async Task OneTimePassword_MustBeChangedBeforeAnythingElse()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        await using var factory = await TsunaguFactory.StartAsync(database);
        var cli = await CliRun.RunAsync(database, "users", "add", "first.admin@city.example.jp", "--role", "admin");
        var oneTime = cli.Out.Split('\n').Single(l => l.StartsWith("一時パスワード: ", StringComparison.Ordinal))["一時パスワード: ".Length..].Trim();
        var client = await WebClient.SignInAsync(factory, "first.admin@city.example.jp", oneTime);

        var blocked = await client.Http.GetAsync("/reports/2024");
        var apiBlocked = await client.Http.GetAsync("/api/v1/reports");
        var changed = await client.SubmitAsync("/account/change-password", "main form",
            new() { ["Current"] = oneTime, ["Next"] = "Sendai-Kodomo-2025!", ["Confirm"] = "Sendai-Kodomo-2025!" });
        var open = await client.Http.GetAsync("/reports/2024");

        Assert.Equal("/account/change-password", blocked.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Forbidden, apiBlocked.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        await using var scope = factory.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<TsunaguUser>>().FindByEmailAsync("first.admin@city.example.jp");
        Assert.False(user!.MustChangePassword);
        Assert.DoesNotContain(oneTime, user.PasswordHash);
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
}
