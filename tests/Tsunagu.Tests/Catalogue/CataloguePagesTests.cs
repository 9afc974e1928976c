using System.Globalization;
using System.Net;
using AngleSharp.Dom;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Tests.Infrastructure;
using WebClient = Tsunagu.Tests.Web.WebClient;

namespace Tsunagu.Tests.Catalogue;

/// <summary>支援制度 on screen: read by all staff, edited by planners and the responsible program's managers, checked whole.</summary>
public class CataloguePagesTests
{
    static Dictionary<string, string> Scheme(int programId, string target) => new()
    {
        ["Form.Name"] = "学習支援の夏期講座",
        ["Form.Key"] = "summer-school",
        ["Form.ProgramId"] = programId.ToString(CultureInfo.InvariantCulture),
        ["Form.Summary"] = "夏休みに中学3年生向けの講座を開きます。",
        ["Form.WhoCanApply"] = "学習・生活サポート事業に登録している中学3年生",
        ["Form.HowToApply"] = "会場の職員に申し込んでください。",
        ["Form.ContactPoint"] = "子供家庭支援課",
        ["Form.Situations"] = "SchoolChildren",
        ["Form.Windows[0].Label"] = "夏期講座",
        ["Form.Windows[0].Opens"] = "2024-06-20",
        ["Form.Windows[0].Closes"] = "2024-07-10",
        ["Form.Windows[0].Target"] = target,
    };

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task APlanner_AddsASystem_TheRuleCheckedByItsWords_AndStaffReadIt(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var planner = await world.SignInAsync("planner");
        var p001 = await world.ProgramIdAsync("P001");

        var wrongRule = await planner.SubmitAsync("/catalogue/edit?year=2024", "main form", Scheme(p001, "学年=中4"));
        var saved = await planner.SubmitAsync("/catalogue/edit?year=2024", "main form", Scheme(p001, "学年＝中３；事業＝学習・生活サポート事業"));
        var list = await (await world.SignInAsync("caseworkerA")).GetDocumentAsync("/catalogue?year=2024");

        Assert.Equal(HttpStatusCode.BadRequest, wrongRule.StatusCode);
        Assert.Contains("学年「中4」はありません", (await WebClient.ParseAsync(wrongRule)).QuerySelector("#windows\\[1\\]\\.target-error")!.TextContent);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var row = list.QuerySelector("tbody tr")!;
        Assert.Contains("学習支援の夏期講座", row.TextContent);
        Assert.Contains("受付中", row.TextContent);
        // Stored in its canonical form, the words as the screens say them.
        Assert.Contains("事業=学習・生活サポート事業; 学年=中3", row.TextContent);
        await using var db = world.Database.NewDb();
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == "catalogue.save" && a.Subject == "scheme:2024:summer-school"));
    }

    [Theory]
    [InlineData("caseworkerA", "P001")]
    [InlineData("viewer", "P001")]
    [InlineData("managerA", "P006")]
    public async Task OnlyPlannersAndTheResponsibleProgramsManagers_Edit(string user, string program)
    {
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite);
        var client = await world.SignInAsync(user);

        var response = await client.SubmitAsync("/catalogue/edit?year=2024", "main form", Scheme(await world.ProgramIdAsync(program), ""));

        Assert.NotEqual(HttpStatusCode.Redirect, response.StatusCode);
        await using var db = world.Database.NewDb();
        Assert.Equal(0, await db.SupportSchemes.CountAsync());
    }

    [Fact]
    public async Task TheManagerOfTheResponsibleProgram_Edits()
    {
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite);
        var manager = await world.SignInAsync("managerA");

        var saved = await manager.SubmitAsync("/catalogue/edit?year=2024", "main form", Scheme(await world.ProgramIdAsync("P001"), ""));

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task AnEdit_KeepsTheWindowsIdentity_RefusesADateOutsideTheYear_AndNeverOverwritesAnotherEditor(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var planner = await world.SignInAsync("planner");
        var manager = await world.SignInAsync("managerA");
        var p001 = await world.ProgramIdAsync("P001");
        await planner.SubmitAsync("/catalogue/edit?year=2024", "main form", Scheme(p001, "学年=中3"));
        int id, windowId;
        await using (var db = world.Database.NewDb())
        {
            (id, windowId) = await db.SupportSchemes.Select(s => new ValueTuple<int, int>(s.Id, s.Windows.Single().Id)).SingleAsync();
        }
        var edit = $"/catalogue/edit/{id}";
        var plannersForm = (await planner.GetDocumentAsync(edit)).QuerySelector<AngleSharp.Html.Dom.IHtmlFormElement>("main form")!;
        var managersForm = (await manager.GetDocumentAsync(edit)).QuerySelector<AngleSharp.Html.Dom.IHtmlFormElement>("main form")!;

        var farOff = await planner.SubmitAsync(plannersForm, edit, new() { ["Form.Windows[0].Closes"] = "9999-12-31" });
        var saved = await planner.SubmitAsync(plannersForm, edit, new() { ["Form.Summary"] = "夏休みの講座です。", ["Form.Windows[2].Opens"] = "2024-08-01", ["Form.Windows[2].Closes"] = "2024-08-10" });
        var stale = await manager.SubmitAsync(managersForm, edit, new() { ["Form.ContactPoint"] = "別の窓口" });

        Assert.Equal(HttpStatusCode.BadRequest, farOff.StatusCode);
        Assert.Contains("令和6年度の申込期間は", (await WebClient.ParseAsync(farOff)).QuerySelector("#windows\\[1\\]\\.closes-error")!.TextContent);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        await using var check = world.Database.NewDb();
        var scheme = await check.SupportSchemes.Include(s => s.Windows).SingleAsync();
        // The first window is the same row (its calendar UID and feed entry stay); the third row became a second window.
        Assert.Equal(windowId, scheme.Windows.OrderBy(w => w.Id).First().Id);
        Assert.Equal(2, scheme.Windows.Count);
        Assert.Equal(("夏休みの講座です。", "子供家庭支援課"), (scheme.Summary, scheme.ContactPoint));
        var audit = await check.AuditEntries.Where(a => a.Action == "catalogue.save").OrderBy(a => a.Id).Select(a => a.After).ToListAsync();
        Assert.Contains("概要 夏休みの講座です。", audit[^1]);
    }
}
