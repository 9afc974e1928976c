using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tsunagu.Access;
using Tsunagu.Tests.Infrastructure;
using Tsunagu.Tests.Web;
using WebClient = Tsunagu.Tests.Web.WebClient;

namespace Tsunagu.Tests.Access;

/// <summary>What travels between the browser and Tsunagu: HTTPS-only cookies and HSTS over HTTPS, nothing kept in a cache.</summary>
public class TransportTests
{
    [Fact]
    public async Task OverHttps_EveryCookieIsHostPrefixedAndSecure_HstsIsSent_AndPlainHttpIsRedirected()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        await using var factory = await TsunaguFactory.StartAsync(database, settings: new Dictionary<string, string> { ["Transport:Https"] = "true" });
        var viewer = await factory.AddUserAsync(Roles.Viewer);
        var https = new WebClient(factory.CreateClient(new() { AllowAutoRedirect = false, BaseAddress = new Uri("https://tsunagu.city.example.jp") }));

        var login = await https.Http.GetAsync("/account/login");
        var signedIn = await https.SubmitAsync("/account/login", "form", new() { ["Email"] = viewer, ["Password"] = TsunaguFactory.Password });
        var plain = await factory.CreateClient(new() { AllowAutoRedirect = false, BaseAddress = new Uri("http://tsunagu.city.example.jp") }).GetAsync("/account/login");

        Assert.Equal("max-age=31536000", login.Headers.GetValues("Strict-Transport-Security").Single());
        var cookies = login.Headers.GetValues("Set-Cookie").Concat(signedIn.Headers.GetValues("Set-Cookie")).ToList();
        Assert.Equal(["__Host-tsunagu", "__Host-tsunagu-csrf"], cookies.Select(c => c.Split('=')[0]).Distinct().Order());
        Assert.All(cookies, c => Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase));
        Assert.All(cookies, c => Assert.Contains("; path=/", c, StringComparison.OrdinalIgnoreCase));
        Assert.All(cookies, c => Assert.DoesNotContain("domain=", c, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(HttpStatusCode.TemporaryRedirect, plain.StatusCode);
        Assert.Equal("https://tsunagu.city.example.jp/account/login", plain.Headers.Location!.ToString());
    }

    [Fact]
    public async Task AnswersCarryingAPerson_AreNeverStored_StaticFilesMayBeRevalidated()
    {
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite);
        var caseworker = await world.SignInAsync("caseworkerA");

        var page = await caseworker.Http.GetAsync($"/people/{world.Alice}");
        var api = await caseworker.Http.GetAsync($"/api/v1/people/{world.Alice}");
        var search = await caseworker.Http.PostAsJsonAsync("/api/v1/people/search", new { q = "たかはし" });
        var refused = await caseworker.Http.GetAsync("/api/v1/people/999999");
        var css = await caseworker.Http.GetAsync("/css/site.css");

        Assert.All([page, api, search, refused], r => Assert.True(r.Headers.CacheControl?.NoStore, r.RequestMessage!.RequestUri!.ToString()));
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("no-cache", css.Headers.CacheControl?.ToString());
    }

    /// <summary>The test host has no network connection: this puts the request behind a proxy at 10.0.0.5.</summary>
    sealed class FromProxy : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, following) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse("10.0.0.5");
                return following(context);
            });
            next(app);
        };
    }

    [Theory]
    [InlineData("10.0.0.5", "203.0.113.7")]
    [InlineData("", "10.0.0.5")]
    public async Task ForwardedAddresses_AreBelievedOnlyFromAKnownProxy(string knownProxy, string recorded)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        var settings = knownProxy == "" ? new Dictionary<string, string>() : new Dictionary<string, string> { ["Transport:KnownProxies:0"] = knownProxy };
        await using var factory = await TsunaguFactory.StartAsync(database, settings: settings,
            services: s => s.AddSingleton<IStartupFilter, FromProxy>());
        var viewer = await factory.AddUserAsync(Roles.Viewer);
        var client = new WebClient(factory.CreateClient(new() { AllowAutoRedirect = false }));
        client.Http.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");

        await client.SubmitAsync("/account/login", "form", new() { ["Email"] = viewer, ["Password"] = TsunaguFactory.Password });

        await using var db = database.NewDb();
        Assert.Equal(recorded, await db.Set<UserSession>().Select(s => s.ClientAddress).SingleAsync());
    }
}
