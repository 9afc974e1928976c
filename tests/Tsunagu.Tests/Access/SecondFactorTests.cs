using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tsunagu.Access;
using Tsunagu.Tests.Infrastructure;
using Tsunagu.Tests.Web;
using WebClient = Tsunagu.Tests.Web.WebClient;

namespace Tsunagu.Tests.Access;

/// <summary>The second factor is good once, kept unreadable in the database, and reset only by two people.</summary>
public class SecondFactorTests
{
    [Fact]
    public async Task AnAuthenticatorCode_IsGoodOnce_ASecondSignInWithItIsRefused()
    {
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite);
        var email = world.Users["caseworkerA"];
        await world.SignInAsync("caseworkerA");

        // Someone who saw the code typed tries it at once, with the password.
        var thief = new WebClient(world.Factory.CreateClient(new() { AllowAutoRedirect = false }));
        var password = await thief.SubmitAsync("/account/login", "form", new() { ["Email"] = email, ["Password"] = TsunaguFactory.Password });
        var replay = await thief.SubmitAsync(password.Headers.Location!.OriginalString, "form", new() { ["Code"] = TestAccounts.LastCodeFor(TestAccounts.KeyOf(email)) });
        var fresh = await thief.SubmitAsync(password.Headers.Location!.OriginalString, "form", new() { ["Code"] = TestAccounts.Code(email) });

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Contains("確認コードが正しくありません", (await WebClient.ParseAsync(replay)).QuerySelector(".errors")!.TextContent);
        Assert.Equal("/", fresh.Headers.Location?.OriginalString);
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task TheAuthenticatorKeyAndRecoveryCodes_AreNotInTheDatabaseAsTheyAre_YetWorkOnceEach(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind, migrate: false);
        await using var factory = await TsunaguFactory.StartAsync(database);
        var email = await factory.AddUserAsync(Roles.Caseworker);
        List<string> codes;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<TsunaguUser>>();
            codes = [.. (await users.GenerateNewTwoFactorRecoveryCodesAsync((await users.FindByEmailAsync(email))!, 10))!];
        }

        string stored;
        await using (var db = database.NewDb())
        {
            stored = string.Join("|", await db.Set<IdentityUserToken<string>>().Select(t => t.Value).ToListAsync());
        }
        bool first, second;
        int left;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<TsunaguUser>>();
            var user = (await users.FindByEmailAsync(email))!;
            first = (await users.RedeemTwoFactorRecoveryCodeAsync(user, codes[3])).Succeeded;
            second = (await users.RedeemTwoFactorRecoveryCodeAsync(user, codes[3])).Succeeded;
            left = await users.CountRecoveryCodesAsync(user);
        }

        Assert.DoesNotContain(TestAccounts.KeyOf(email), stored);
        Assert.All(codes, code => Assert.DoesNotContain(code, stored));
        Assert.Equal((true, false, 9), (first, second, left));
        // And the key still signs in (read back through the data protection key ring).
        await WebClient.SignInAsync(factory, email);
    }

    [Fact]
    public async Task AnAuthenticatorKeyThatCannotBeRead_StillAsksForACode_NeverLetsThePasswordAloneIn()
    {
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite);
        var email = world.Users["caseworkerA"];
        await using (var db = world.Database.NewDb())
        {
            // As after a lost key ring: the stored key no longer decrypts.
            var userId = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
            await db.Set<IdentityUserToken<string>>().Where(t => t.UserId == userId && t.Name == "AuthenticatorKey")
                .ExecuteUpdateAsync(t => t.SetProperty(x => x.Value, "CfDJ8-not-a-key-any-more"));
        }
        var client = new WebClient(world.Factory.CreateClient(new() { AllowAutoRedirect = false }));

        var password = await client.SubmitAsync("/account/login", "form", new() { ["Email"] = email, ["Password"] = TsunaguFactory.Password });
        var page = await client.Http.GetAsync($"/people/{world.Alice}");
        var code = await client.SubmitAsync(password.Headers.Location!.OriginalString, "form", new() { ["Code"] = TestAccounts.Code(email) });

        Assert.StartsWith("/account/mfa", password.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/account/login", page.Headers.Location?.AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, code.StatusCode);
        Assert.Contains("確認コードが正しくありません", (await WebClient.ParseAsync(code)).QuerySelector(".errors")!.TextContent);
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task ALostPhone_IsResetOnlyWhenASecondAdministratorApproves_ThenTheOwnerEnrolsAgain(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var email = world.Users["caseworkerA"];
        var owner = await world.SignInAsync("caseworkerA");
        var admin = await world.SignInAsync("admin");
        var secondAdmin = await WebClient.SignInAsync(world.Factory, await world.Factory.AddUserAsync(Roles.Admin));

        await admin.SubmitAsync("/users", $"form[action$='handler=secondFactor']:has(input[value='{email}'])", []);
        var stillEnrolled = await owner.Http.GetAsync($"/people/{world.Alice}");
        var ownApproval = await admin.GetDocumentAsync("/approvals");
        var approved = await secondAdmin.SubmitAsync("/approvals", "main form", new() { ["approve"] = "true" });
        var afterReset = await owner.Http.GetAsync($"/people/{world.Alice}");
        var again = new WebClient(world.Factory.CreateClient(new() { AllowAutoRedirect = false }));
        var signIn = await again.SubmitAsync("/account/login", "form", new() { ["Email"] = email, ["Password"] = TsunaguFactory.Password });
        var next = await again.Http.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, stillEnrolled.StatusCode);
        Assert.Empty(ownApproval.QuerySelectorAll("main form"));
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, afterReset.StatusCode);
        Assert.Equal("/", signIn.Headers.Location?.OriginalString);
        Assert.Equal("/account/mfa-setup", next.Headers.Location?.OriginalString);
        await using var db = world.Database.NewDb();
        var audit = await db.AuditEntries.Where(a => a.Subject == email && (a.Action == "mfa.reset" || a.Action.StartsWith("grant."))).OrderBy(a => a.Id)
            .Select(a => new { a.Action, a.Actor }).ToListAsync();
        Assert.Equal([("grant.request", world.Users["admin"]), ("mfa.reset", "second"), ("grant.approve", "second")],
            audit.Select(a => (a.Action, a.Actor.StartsWith("admin-", StringComparison.Ordinal) && a.Actor != world.Users["admin"] ? "second" : a.Actor)));
    }

    [Fact]
    public async Task TheServersOperator_ResetsASecondFactorFromTheCommandLine_Audited()
    {
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite);
        var email = world.Users["caseworkerA"];

        var result = await CliRun.RunAsync(world.Database, "users", "reset-mfa", email);

        Assert.Equal(0, result.ExitCode);
        await using var db = world.Database.NewDb();
        Assert.False(await db.Users.Where(u => u.Email == email).Select(u => u.TwoFactorEnabled).SingleAsync());
        Assert.StartsWith("cli:", await db.AuditEntries.Where(a => a.Action == "mfa.reset").Select(a => a.Actor).SingleAsync());
    }
}
