using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Caseload;

/// <summary>担当ケース: a worker's own cases, the referrals waiting, the manager's view of the program, and 担当替え.</summary>
public class CaseloadTests
{
    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Caseworker_LandsOnTheirCases_ManagerSeesTheProgramAndTheLoad_AndACaseIsHandedOver(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        string caseworkerId, managerId;
        await using (var db = world.Database.NewDb())
        {
            caseworkerId = await db.Users.Where(u => u.Email == world.Users["caseworkerA"]).Select(u => u.Id).SingleAsync();
            managerId = await db.Users.Where(u => u.Email == world.Users["managerA"]).Select(u => u.Id).SingleAsync();
            (await db.Users.SingleAsync(u => u.Id == managerId)).DisplayName = "管理 花子";
            var alice = await db.Enrollments.SingleAsync(e => e.Id == world.AliceEnrollment);
            alice.OwnerUserId = caseworkerId;
            await db.SaveChangesAsync();
        }
        var caseworker = await world.SignInAsync("caseworkerA");
        var manager = await world.SignInAsync("managerA");
        var edu = await world.SignInAsync("caseworkerEdu");
        var p001 = (await world.ProgramIdAsync("P001")).ToString(CultureInfo.InvariantCulture);
        var p003 = (await world.ProgramIdAsync("P003")).ToString(CultureInfo.InvariantCulture);
        await caseworker.SubmitAsync($"/people/{world.Alice}", "form[action*=refer]", new() { ["fromProgramId"] = p001, ["toProgramId"] = p003, ["reason"] = "登校しぶり" });

        var landing = await caseworker.Http.GetAsync("/");
        var mine = await caseworker.GetDocumentAsync("/caseload");
        var quiet = await caseworker.GetDocumentAsync("/caseload?quiet=14");
        var tooQuiet = await caseworker.Http.GetAsync("/caseload?quiet=99999999");
        var unreadable = await caseworker.Http.GetAsync("/caseload?quiet=abc");
        var notAManager = await caseworker.GetDocumentAsync("/caseload?owner=all");
        var all = await manager.GetDocumentAsync("/caseload?owner=all");
        var unassigned = await manager.GetDocumentAsync("/caseload?owner=none");
        var eduWaiting = await edu.GetDocumentAsync("/caseload");
        // The caseload's search box; the worker's own case first (by reading 花子 would come first) and marked.
        var search = await Web.WebClient.ParseAsync(await caseworker.SubmitAsync("/caseload", "form[role=search]", new() { ["q"] = "たかはし" }));
        var noReason = await caseworker.SubmitAsync($"/people/{world.Alice}", "form[action*=transfer]", new() { ["toUserId"] = managerId });
        var handedOver = await caseworker.SubmitAsync($"/people/{world.Alice}", "form[action*=transfer]", new() { ["toUserId"] = managerId, ["reason"] = "担当地区の変更" });
        var afterwards = await caseworker.GetDocumentAsync("/caseload");
        var managersOwn = await manager.GetDocumentAsync("/caseload");
        var person = await caseworker.GetDocumentAsync($"/people/{world.Alice}");

        Assert.Equal("/caseload", landing.Headers.Location!.OriginalString);
        Assert.Equal([RecordsWorld.AliceName], mine.QuerySelectorAll("#case-list tbody th").Select(th => th.TextContent));
        Assert.Contains("令和6年6月8日（12日前）", mine.QuerySelector("#case-list tbody")!.TextContent);
        Assert.Empty(quiet.QuerySelectorAll("#case-list tbody th"));
        // A hand-typed address: said so by the field, the filter left out, never a 500.
        Assert.Equal(HttpStatusCode.BadRequest, tooQuiet.StatusCode);
        var tooQuietPage = await Web.WebClient.ParseAsync(tooQuiet);
        Assert.Equal("最後の記録から: 1〜3650日です（99999999）。", tooQuietPage.QuerySelector("#quiet-error")!.TextContent);
        Assert.Equal([RecordsWorld.AliceName], tooQuietPage.QuerySelectorAll("#case-list tbody th").Select(th => th.TextContent));
        Assert.Equal(HttpStatusCode.BadRequest, unreadable.StatusCode);
        Assert.Contains("最後の記録から: 「abc」は読めません。", (await Web.WebClient.ParseAsync(unreadable)).QuerySelector(".errors")!.TextContent);
        Assert.Equal([RecordsWorld.AliceName], notAManager.QuerySelectorAll("#case-list tbody th").Select(th => th.TextContent));
        Assert.Null(mine.QuerySelector("#owner"));
        Assert.Equal(["髙橋 花子", RecordsWorld.AliceName], all.QuerySelectorAll("#case-list tbody th").Select(th => th.TextContent).Order(StringComparer.Ordinal));
        Assert.Equal(["髙橋 花子"], unassigned.QuerySelectorAll("#case-list tbody th").Select(th => th.TextContent));
        Assert.Equal([$"{world.Users["caseworkerA"]}1", "（未割当）1"],
            all.QuerySelectorAll("#workload-list tbody tr").Select(tr => tr.TextContent.Replace(" ", "").Replace("\n", "")).Order(StringComparer.Ordinal));
        Assert.Contains(RecordsWorld.AliceName, eduWaiting.QuerySelector("#waiting + ul")!.TextContent);
        Assert.Contains("返事を待っている依頼（1 件）", eduWaiting.QuerySelector("#waiting")!.TextContent);
        Assert.Equal([RecordsWorld.AliceName + " 担当", "髙橋 花子"], search.QuerySelectorAll("tbody th").Select(th => th.TextContent.Trim()));
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, handedOver.StatusCode);
        Assert.Empty(afterwards.QuerySelectorAll("#case-list tbody th"));
        Assert.Equal([RecordsWorld.AliceName], managersOwn.QuerySelectorAll("#case-list tbody th").Select(th => th.TextContent));
        Assert.Contains("担当 管理 花子", person.QuerySelector("ul.enrollments")!.TextContent);
        await using var check = world.Database.NewDb();
        Assert.Equal(managerId, (await check.Enrollments.SingleAsync(e => e.Id == world.AliceEnrollment)).OwnerUserId);
        var audit = await check.AuditEntries.SingleAsync(a => a.Action == "enrollment.transfer");
        Assert.Equal(("管理 花子", world.Users["caseworkerA"], "担当地区の変更"), (audit.After, audit.Before, audit.Reason));
    }

    [Fact]
    public async Task ARegisteredPerson_IsTheRegisteringWorkersCase()
    {
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite);
        var caseworker = await world.SignInAsync("caseworkerA");
        await caseworker.SubmitAsync("/people/new", "main form", new()
        {
            ["Name"] = "新規 太郎",
            ["Kana"] = "しんき たろう",
            ["BirthDate"] = "2011-01-01",
            ["Role"] = "Child",
            ["Source"] = "School",
        });

        var caseload = await caseworker.GetDocumentAsync("/caseload");

        Assert.Equal(["新規 太郎"], caseload.QuerySelectorAll("#case-list tbody th").Select(th => th.TextContent));
        Assert.Contains("記録なし", caseload.QuerySelector("#case-list tbody")!.TextContent);
    }
}
