using System.Net;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Access;

/// <summary>Staff appear by their name (氏名), set by an administrator on the accounts page or at the command line.</summary>
public class StaffNameTests
{
    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task TheOperator_GivesAccountsTheirNames_AsTyped_AndAnEmptyNameIsRefused(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);

        var added = await CliRun.RunAsync(database, "users", "add", "takahashi@city.example", "--role", "caseworker", "--name", "髙橋 𠮷子");
        var renamed = await CliRun.RunAsync(database, "users", "set-name", "takahashi@city.example", " 髙橋 𠮷子（福祉） ");
        var empty = await CliRun.RunAsync(database, "users", "set-name", "takahashi@city.example", " ");
        var nobody = await CliRun.RunAsync(database, "users", "set-name", "nobody@city.example", "名前");
        var list = await CliRun.RunOkAsync(database, "users", "list");

        Assert.Equal(0, added.ExitCode);
        Assert.Equal(0, renamed.ExitCode);
        Assert.Equal(1, empty.ExitCode);
        Assert.StartsWith("氏名: ", empty.Error);
        Assert.Equal(1, nobody.ExitCode);
        Assert.Contains("takahashi@city.example\tcaseworker\t要パスワード変更\t\t髙橋 𠮷子（福祉）", list.Out);
        await using var db = database.NewDb();
        Assert.Equal("髙橋 𠮷子（福祉）", await db.Users.Where(u => u.Email == "takahashi@city.example").Select(u => u.DisplayName).SingleAsync());
        var audit = await db.AuditEntries.Where(a => a.Action == "account.name").SingleAsync();
        Assert.Equal(("takahashi@city.example", "髙橋 𠮷子", "髙橋 𠮷子（福祉）"), (audit.Subject, audit.Before, audit.After));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task AnAdministratorNamesACaseworker_OnTheAccountsPage_AndTheirNextContactCarriesTheName(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var admin = await world.SignInAsync("admin");
        var email = world.Users["caseworkerA"];

        var accounts = await admin.GetDocumentAsync("/users");
        var form = accounts.QuerySelectorAll("form[action*=name]").OfType<IHtmlFormElement>()
            .Single(f => f.QuerySelector("input[name=email]")!.GetAttribute("value") == email);
        var named = await admin.SubmitAsync(form, "/users", new() { ["name"] = "山田 春子" });
        var caseworker = await world.SignInAsync("caseworkerA");
        var recorded = await caseworker.SubmitAsync($"/people/{world.Alice}", "form[action*=contact]", new()
        {
            ["Contact.Date"] = "2024-06-15",
            ["Contact.Kind"] = "Consultation",
            ["Contact.Channel"] = "Visit",
            ["Contact.Duration"] = "30",
        });
        var timeline = await caseworker.GetDocumentAsync($"/people/{world.Alice}");

        Assert.Equal(HttpStatusCode.OK, named.StatusCode);
        Assert.Contains($"{email} の氏名を設定しました。", (await Web.WebClient.ParseAsync(named)).QuerySelector("main")!.TextContent);
        Assert.Equal(HttpStatusCode.Redirect, recorded.StatusCode);
        Assert.Contains("山田 春子", timeline.QuerySelector("main")!.TextContent);
        // Signed in after the naming, the header greets them by it.
        Assert.Equal("山田 春子", timeline.QuerySelector("header a.who")!.TextContent);
        await using var db = world.Database.NewDb();
        var contact = await db.Contacts.OrderByDescending(c => c.Id).FirstAsync();
        Assert.Equal(("山田 春子", new DateOnly(2024, 6, 15)), (contact.StaffName, contact.Date));
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == "account.name" && a.Subject == email));
    }
}
