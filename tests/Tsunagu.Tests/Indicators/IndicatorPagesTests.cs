using System.Net;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Indicators;

/// <summary>The pages of the figures: definitions, computing, the drill-down within scope, breakdowns.</summary>
public class IndicatorPagesTests
{
    /// <summary>A new indicator as the form sends it, with one condition ticked (「項目=値」).</summary>
    static Dictionary<string, string> Definition(string label, string unit, string measure, string condition) => new()
    {
        ["Form.FromYear"] = "2024",
        ["Form.Position"] = "0",
        ["Form.Label"] = label,
        ["Form.Unit"] = unit,
        ["Form.Measure"] = measure,
        ["Form.Conditions"] = condition,
    };

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task DefinitionForm_PicksFromLists_PreviewsWithoutSaving_NamesRatePartsByLabel_AndRefusesToSaveOverAnotherPlannersVersion(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var planner = await world.SignInAsync("planner");
        var second = await Web.WebClient.SignInAsync(world.Factory, await world.Factory.AddUserAsync(Tsunagu.Access.Roles.Planner));
        const string Page = "/programs/P001/indicators";

        var form = await planner.GetDocumentAsync(Page);
        var pupils = Definition("利用者数", "人", "EnrolledPersons", "本人区分=児童・生徒");
        pupils["Form.Wording"] = "［指標名］ ［値］［単位］";
        var preview = await Web.WebClient.ParseAsync(await planner.SubmitAsync(form.QuerySelector("form.stack") as AngleSharp.Html.Dom.IHtmlFormElement
            ?? throw new InvalidOperationException(), Page, pupils, form.QuerySelector("form.stack button[formaction]")!.GetAttribute("formaction")));
        int previewed;
        await using (var db = world.Database.NewDb())
        {
            previewed = await db.IndicatorDefinitions.CountAsync();
        }
        var saved = await planner.SubmitAsync(Page, "form.stack", pupils);
        var everyone = Definition("登録者総数", "人", "EnrolledPersons", "");
        everyone.Remove("Form.Conditions");
        await planner.SubmitAsync(Page, "form.stack", everyone);
        var withParts = await planner.GetDocumentAsync(Page);
        string Option(string select, string text) => withParts.QuerySelectorAll($"select#{select} option").Single(o => o.TextContent == text).GetAttribute("value")!;
        var rate = Definition("児童の割合", "%", "Rate", "");
        rate.Remove("Form.Conditions");
        (rate["Form.NumeratorKey"], rate["Form.DenominatorKey"]) = (Option("numerator", "利用者数（人）"), Option("denominator", "登録者総数（人）"));
        var rateSaved = await planner.SubmitAsync(Page, "form.stack", rate);
        var listed = await planner.GetDocumentAsync(Page);

        // The conditions are ticked from the words the program records; the wording reads as it will print.
        Assert.Contains("本人区分=児童・生徒", form.QuerySelectorAll("input[name='Form.Conditions']").Select(i => i.GetAttribute("value")));
        Assert.Contains("方法=電話", form.QuerySelectorAll("input[name='Form.Conditions']").Select(i => i.GetAttribute("value")));
        Assert.Equal("利用者数（人・実人数）: 登録者の実人数（本人区分=児童・生徒）、令和6年度から（第1版）", preview.QuerySelector("section.preview dd")!.TextContent);
        Assert.Contains("利用者数 123人", preview.QuerySelector("section.preview")!.TextContent);
        Assert.Equal(0, previewed);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, rateSaved.StatusCode);
        // The page names a rate's parts by their labels; no key and no {value} template stand on it.
        Assert.Contains("= 「利用者数」 ÷ 「登録者総数」", listed.QuerySelector("main table")!.TextContent);
        Assert.Contains("利用者数 123人", listed.QuerySelector("main table")!.TextContent);
        Assert.DoesNotContain("enrolledPersons", listed.Body!.TextContent);
        Assert.DoesNotContain("{", listed.Body!.TextContent);
        await using (var db = world.Database.NewDb())
        {
            var stored = await db.IndicatorDefinitions.SingleAsync(d => d.Label == "利用者数");
            // Stored and audited in its text form, as the command line and the definitions file write it.
            Assert.Equal(("enrolledPersons", "本人区分=児童・生徒", "{label} {value}{unit}"), (stored.Key, stored.Filter, stored.Wording));
            var rateStored = await db.IndicatorDefinitions.SingleAsync(d => d.Label == "児童の割合");
            Assert.Equal(("enrolledPersons", "enrolledPersons-2"), (rateStored.NumeratorKey, rateStored.DenominatorKey));
            Assert.Contains("（本人区分=児童・生徒）", await db.AuditEntries.Where(a => a.Action == "indicator.define").OrderBy(a => a.Id).Select(a => a.After).FirstAsync());
        }

        // Two planners open the same version; the first saves, the second's save is refused and shows why.
        var id = listed.QuerySelectorAll("main table tbody tr").Single(r => r.QuerySelector("th")!.TextContent == "利用者数（人）")
            .QuerySelector("a")!.GetAttribute("href")!;
        var secondsForm = (await second.GetDocumentAsync(id)).QuerySelector("form.stack") as AngleSharp.Html.Dom.IHtmlFormElement ?? throw new InvalidOperationException();
        var first = await planner.SubmitAsync(id, "form.stack", new() { ["Form.Label"] = "児童・生徒数" });
        var conflict = await second.SubmitAsync(secondsForm, Page, new() { ["Form.Label"] = "支援した児童数" });
        var conflictPage = await Web.WebClient.ParseAsync(conflict);
        var again = await second.SubmitAsync(conflictPage.QuerySelector("form.stack") as AngleSharp.Html.Dom.IHtmlFormElement ?? throw new InvalidOperationException(), Page, []);

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Contains("第2版を保存しています", conflictPage.QuerySelector(".errors")!.TextContent);
        Assert.Equal("支援した児童数", conflictPage.QuerySelector("#label")!.GetAttribute("value"));
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        await using var after = world.Database.NewDb();
        Assert.Equal([(1, "利用者数"), (2, "児童・生徒数"), (3, "支援した児童数")], (await after.IndicatorDefinitions.Where(d => d.Key == "enrolledPersons")
            .OrderBy(d => d.Version).Select(d => new { d.Version, d.Label }).ToListAsync()).Select(d => (d.Version, d.Label)));
    }

    /// <summary>A version written before the form (a file's 「Phone」, a value since gone) opens with its boxes ticked, or says what it lost.</summary>
    [Fact]
    public async Task DefinitionForm_OpensAnOlderVersionsConditionsAsTheirBoxes_AndSaysWhatNoLongerHasOne()
    {
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite);
        var planner = await world.SignInAsync("planner");
        int byName, gone;
        await using (var db = world.Database.NewDb())
        {
            var p001 = await world.ProgramIdAsync("P001");
            Tsunagu.Indicators.IndicatorDefinition Stored(string key, string filter) => new()
            {
                ProgramId = p001,
                Key = key,
                Version = 1,
                FromYear = 2024,
                Label = key,
                Unit = "件",
                Measure = Tsunagu.Indicators.MeasureKind.Contacts,
                Basis = Tsunagu.Indicators.CountingBasis.TotalContacts,
                Filter = filter,
                CreatedBy = "file",
            };
            var (a, b) = (Stored("calls", "方法=Phone,来所"), Stored("elsewhere", "事業所=閉じたセンター"));
            db.IndicatorDefinitions.AddRange(a, b);
            await db.SaveChangesAsync();
            (byName, gone) = (a.Id, b.Id);
        }

        var calls = await planner.GetDocumentAsync($"/programs/P001/indicators?from={byName}");
        var elsewhere = await planner.GetDocumentAsync($"/programs/P001/indicators?from={gone}");

        Assert.Equal(["方法=来所", "方法=電話"], calls.QuerySelectorAll("input[name='Form.Conditions']:checked").Select(i => i.GetAttribute("value")!).Order(StringComparer.Ordinal));
        Assert.Null(calls.QuerySelector(".errors"));
        Assert.Contains("閉じたセンター", elsewhere.QuerySelector(".errors")!.TextContent);
        Assert.Contains("条件を選び直してください", elsewhere.QuerySelector(".errors")!.TextContent);
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task PlannerDefinesAndComputes_ManagerDrillsDownToThePeopleCounted_OthersSeeCountsOnly(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var planner = await world.SignInAsync("planner");
        var viewer = await world.SignInAsync("viewer");
        var manager = await world.SignInAsync("managerA");

        var refused = await Web.WebClient.ParseAsync(await planner.SubmitAsync("/programs/P001/indicators", "form.stack",
            Definition("利用者数", "人", "EnrolledPersons", "分類=女性相談")));
        var saved = await planner.SubmitAsync("/programs/P001/indicators", "form.stack", Definition("利用者数", "人", "EnrolledPersons", "本人区分=児童・生徒"));
        var viewerForm = await viewer.GetDocumentAsync("/programs/P001/indicators");
        var computed = await planner.SubmitAsync("/indicators/2024", "form[action*=compute]", []);
        var year = await planner.GetDocumentAsync("/indicators/2024");

        Assert.True(refused.QuerySelector(".errors li") is not null, refused.QuerySelector("main")?.TextContent);
        Assert.Equal("登録者の実人数の条件に「分類」は使えません。使える項目: 本人区分、紹介元", refused.QuerySelector(".errors li")!.TextContent.Trim());
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Null(viewerForm.QuerySelector("form.stack"));
        Assert.Equal(HttpStatusCode.Redirect, computed.StatusCode);
        var row = year.QuerySelectorAll("table.figures tbody tr").Single();
        Assert.Equal("利用者数", row.QuerySelector("th a")!.TextContent);
        // 髙橋𠮷子 is the one pupil; her mother is enrolled too, as a guardian. Last year printed nothing: no change shown.
        Assert.Equal("1人", row.QuerySelectorAll("td")[1].TextContent.Trim());
        Assert.Equal("—", row.QuerySelectorAll("td")[2].TextContent.Trim());
        await using var db = world.Database.NewDb();
        Assert.Equal("利用者数:1人 高校進学率:99%", await db.ReportRows.Where(r => r.Program.Code == "P001").Select(r => r.Results).SingleAsync());
        var definitionId = await db.IndicatorDefinitions.Where(d => d.Label == "利用者数").Select(d => d.Id).SingleAsync();
        // In the report's 実績 cell the counted figure leads to its drill-down; 高校進学率, which nothing counts, is text.
        var report = await planner.GetDocumentAsync("/reports/2024");
        var links = report.QuerySelectorAll("#cell-P001-results a").Select(a => (a.GetAttribute("href"), a.TextContent)).ToList();
        Assert.Equal([($"/indicators/2024/{definitionId}", "利用者数:1人")], links);
        Assert.Equal("利用者数:1人 高校進学率:99%", report.QuerySelector("#cell-P001-results")!.TextContent);

        var forManager = await manager.GetDocumentAsync($"/indicators/2024/{definitionId}");
        var forPlanner = await planner.GetDocumentAsync($"/indicators/2024/{definitionId}");
        var viewerComputes = await viewer.Http.PostAsync("/indicators/2024?handler=compute", new FormUrlEncodedContent([]));

        Assert.Equal([RecordsWorld.AliceName], forManager.QuerySelectorAll("main table tbody tr td:first-child").Select(td => td.TextContent));
        Assert.Equal(1, await db.AccessLog.CountAsync(e => e.Source == "GET /indicators/{year}/{id}" && e.PersonId == world.Alice));
        Assert.Empty(forPlanner.QuerySelectorAll("main table"));
        Assert.DoesNotContain(RecordsWorld.AliceName, forPlanner.Body!.TextContent);
        Assert.Contains("この事業を担当する職員だけが見られます", forPlanner.Body!.TextContent);
        Assert.NotEqual(HttpStatusCode.Redirect, viewerComputes.StatusCode);
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == "indicator.compute"));

        // By ward, the one pupil of 青葉区 is hidden from everyone but a planner who asks for the figures before suppression.
        const string Breakdown = "/indicators/2024?program=P001&by=Ward&unsuppressed=true";
        string Cell(AngleSharp.Html.Dom.IHtmlDocument page) => page.QuerySelector("table.breakdown tbody tr td")!.TextContent;
        Assert.Equal("x", Cell(await viewer.GetDocumentAsync(Breakdown)));
        Assert.Equal("x", Cell(await manager.GetDocumentAsync(Breakdown)));
        Assert.Equal("1", Cell(await planner.GetDocumentAsync(Breakdown)));
        Assert.Equal("x", Cell(await planner.GetDocumentAsync("/indicators/2024?program=P001&by=Ward")));
        // A person is counted where the household lives; the file is the suppressed table, even asked for unsuppressed.
        var page = await planner.GetDocumentAsync(Breakdown);
        Assert.Equal("区（居住区）", page.QuerySelector("table.breakdown thead th")!.TextContent);
        Assert.Contains("区: 人は、世帯の住所の区で数えています（居住区）。", page.QuerySelector("ul.notes")!.TextContent);
        var file = await planner.Http.GetStringAsync(Breakdown + "&handler=breakdownFile&format=csv");
        Assert.Contains(",P001,学習・生活サポート事業,区（居住区）,青葉区,", file);
        Assert.DoesNotContain(",1\r\n", file.Split("\r\n")[1] + "\r\n");
        Assert.EndsWith(",x", file.Split("\r\n")[1]);
        var unknown = await planner.Http.GetAsync("/indicators/2024?program=P001&by=Ward&handler=breakdownFile&format=pdf");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
    }

    [Fact]
    public async Task DrillDown_CountsInItsOwnUnit_PagesBeyondAHundred_AndExportsEveryRecord_WithinScope_Logged()
    {
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite);
        await world.DefineAsync(
            new("P001", "visits", 2024, 0, "学習会", "件", Tsunagu.Indicators.MeasureKind.Contacts),
            new("P001", "enrolled", 2024, 1, "登録者", "人", Tsunagu.Indicators.MeasureKind.EnrolledPersons));
        await using (var db = world.Database.NewDb())
        {
            var p001 = await world.ProgramIdAsync("P001");
            for (var i = 0; i < 150; i++)
            {
                db.Contacts.Add(new Tsunagu.Contacts.Contact
                {
                    ProgramId = p001,
                    Date = new DateOnly(2024, 7, 1).AddDays(i),
                    Time = new TimeOnly(16, 0),
                    Kind = Tsunagu.Contacts.ContactKind.StudySession,
                    Channel = Tsunagu.Contacts.ContactChannel.Visit,
                    StaffName = "職員",
                    Persons = [new Tsunagu.Contacts.ContactPerson { PersonId = world.Alice }],
                });
            }
            await db.SaveChangesAsync();
        }
        await using var read = world.Database.NewDb();
        var visits = await read.IndicatorDefinitions.Where(d => d.Key == "visits").Select(d => d.Id).SingleAsync();
        var enrolled = await read.IndicatorDefinitions.Where(d => d.Key == "enrolled").Select(d => d.Id).SingleAsync();
        var caseworker = await world.SignInAsync("managerA");
        var planner = await world.SignInAsync("planner");
        var logged = await read.AccessLog.CountAsync(e => e.PersonId == world.Alice);

        var first = await caseworker.GetDocumentAsync($"/indicators/2024/{visits}");
        var second = await caseworker.GetDocumentAsync($"/indicators/2024/{visits}?p=2");
        var export = await caseworker.Http.GetAsync($"/indicators/2024/{visits}?handler=export");
        var persons = await caseworker.GetDocumentAsync($"/indicators/2024/{enrolled}");
        var notTheirs = await planner.Http.GetAsync($"/indicators/2024/{visits}?handler=export");

        // 150 contacts and the two of RecordsWorld: 152 件, shown 100 at a time, newest first.
        Assert.Contains("152 件", first.QuerySelector("main")!.TextContent);
        Assert.Equal(100, first.QuerySelectorAll("main table tbody tr").Length);
        Assert.Equal(52, second.QuerySelectorAll("main table tbody tr").Length);
        Assert.NotNull(first.QuerySelector("a[rel=next]"));
        Assert.Null(second.QuerySelector("a[rel=next]"));
        Assert.Contains("101〜152 件目", second.QuerySelector("main")!.TextContent);
        var lines = (await export.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("日付,時刻,種別,分類,方法,保護者,人", lines[0]);
        Assert.Equal(153, lines.Length);
        Assert.DoesNotContain(RecordsWorld.AliceName, export.Content.Headers.ContentDisposition!.FileNameStar);
        // Persons are counted in 人: 髙橋𠮷子 and her mother.
        Assert.Contains("2 人", persons.QuerySelector("main")!.TextContent);
        Assert.Equal(HttpStatusCode.NotFound, notTheirs.StatusCode);
        // Each page and the file are reads of the person, logged as such.
        Assert.True(await read.AccessLog.CountAsync(e => e.PersonId == world.Alice && e.Source == "GET /indicators/{year}/{id} (CSV)") >= 1);
        Assert.True(await read.AccessLog.CountAsync(e => e.PersonId == world.Alice) >= logged + 4);
    }
}
