using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Indicators;
using Tsunagu.People;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.People;

public class HouseholdAndOutcomeTests
{
    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task HouseholdPage_ShowsTheMembersInScope_AndChangesCircumstancesWithAudit(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var client = await world.SignInAsync("caseworkerA");

        var page = await client.GetDocumentAsync($"/households/{world.AliceHousehold}");
        var response = await client.SubmitAsync($"/households/{world.AliceHousehold}", "form#circumstances", new() { ["circumstances"] = "PublicAssistance" });
        var outsider = await (await world.SignInAsync("caseworkerB")).Http.GetAsync($"/households/{world.AliceHousehold}");

        // Oldest first: the mother, then the daughter.
        Assert.Equal(["髙橋 花子", RecordsWorld.AliceName], page.QuerySelectorAll("tbody th").Select(th => th.TextContent));
        Assert.Equal(["SingleMother", "Hardship"], page.QuerySelectorAll("input[name=circumstances][checked]").Select(i => i.GetAttribute("value")));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, outsider.StatusCode);
        await using var db = world.Database.NewDb();
        Assert.Equal(HouseholdCircumstances.PublicAssistance, (await db.Households.SingleAsync(h => h.Id == world.AliceHousehold)).Circumstances);
        var audit = await db.AuditEntries.SingleAsync(a => a.Action == "household.circumstances");
        Assert.Equal(("ひとり親（母子）・生活困窮", "生活保護"), (audit.Before, audit.After));
        // Two views (the second to fill the form) of two members, and the change.
        Assert.Equal(4, await db.AccessLog.CountAsync(e => e.Source == "GET /households/{id}"));
        Assert.Equal(2, await db.AccessLog.CountAsync(e => e.Source == "POST /households/{id}"));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Outcome_HighSchoolNeedsItsCourse_AndRecordingAgainReplacesIt(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var client = await world.SignInAsync("caseworkerA");
        var outsider = await world.SignInAsync("caseworkerB");

        var form = await client.GetDocumentAsync($"/people/{world.Alice}/outcome");
        var unchosen = await client.SubmitAsync($"/people/{world.Alice}/outcome", "form#record-outcome", new() { ["FiscalYear"] = "2024" });
        var noCourse = await Web.WebClient.ParseAsync(await client.SubmitAsync($"/people/{world.Alice}/outcome", "form#record-outcome",
            new() { ["FiscalYear"] = "2024", ["Kind"] = "EnteredHighSchool", ["Course"] = "" }));
        await client.SubmitAsync($"/people/{world.Alice}/outcome", "form#record-outcome", new() { ["FiscalYear"] = "2024", ["Kind"] = "EnteredHighSchool", ["Course"] = "定時制" });
        var first = await client.GetDocumentAsync($"/people/{world.Alice}");
        await client.SubmitAsync($"/people/{world.Alice}/outcome", "form#record-outcome", new() { ["FiscalYear"] = "2024", ["Kind"] = "EnteredHighSchool", ["Course"] = "全日制" });
        var p001 = await world.ProgramIdAsync("P001");
        var refused = await outsider.Http.GetAsync($"/people/{world.Alice}/outcome");

        // Its own step: nothing preselected, and the person page has no outcome form, only the way to this one.
        Assert.Equal("", ((AngleSharp.Html.Dom.IHtmlSelectElement)form.QuerySelector("#outcome-kind")!).Value);
        Assert.Null(first.QuerySelector("form[action*=outcome]"));
        Assert.NotNull(first.QuerySelector($"a[href='/people/{world.Alice}/outcome']"));
        Assert.Equal(HttpStatusCode.BadRequest, unchosen.StatusCode);
        var unchosenPage = await Web.WebClient.ParseAsync(unchosen);
        Assert.Equal("進路・結果: 選んでください。", unchosenPage.QuerySelector("#kind-error")!.TextContent);
        Assert.Equal(("true", "kind-error"), (unchosenPage.QuerySelector("#outcome-kind")!.GetAttribute("aria-invalid"), unchosenPage.QuerySelector("#outcome-kind")!.GetAttribute("aria-describedby")));
        Assert.Contains("課程（全日制・定時制・通信制）も選んでください", noCourse.QuerySelector(".errors")!.TextContent);
        Assert.Contains("令和6年度 学習・生活サポート事業: 高等学校に進学（定時制）", first.QuerySelector("#outcomes + p")!.TextContent);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        await using var db = world.Database.NewDb();
        var outcome = await db.Outcomes.SingleAsync();
        Assert.Equal((world.Alice, p001, 2024, OutcomeKind.EnteredHighSchool, "全日制"), (outcome.PersonId, outcome.ProgramId, outcome.FiscalYear, outcome.Kind, outcome.Course));
        var audit = await db.AuditEntries.Where(a => a.Action == "outcome.record").OrderBy(a => a.Id).Select(a => new { a.Before, a.After }).ToListAsync();
        Assert.Equal([(null, "高等学校に進学 定時制"), ("高等学校に進学 定時制", "高等学校に進学 全日制")], audit.Select(a => (a.Before, a.After)));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task OutcomesApi_RecordsReplacesAndWithdraws_AsThePageDoes_OnlyForPersonsInScope(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var client = await world.SignInAsync("caseworkerA");
        var outsider = await world.SignInAsync("caseworkerB");
        var outcomes = $"/api/v1/people/{world.Alice}/outcomes";

        var noCourse = await client.Http.PostAsJsonAsync(outcomes, new { programCode = "P001", fiscalYear = 2024, kind = "EnteredHighSchool" });
        var outsiders = await outsider.Http.PostAsJsonAsync(outcomes, new { programCode = "P001", fiscalYear = 2024, kind = "Promoted" });
        var first = await (await client.Http.PostAsJsonAsync(outcomes, new { programCode = "P001", fiscalYear = 2024, kind = "EnteredHighSchool", course = "定時制" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var again = await (await client.Http.PostAsJsonAsync(outcomes, new { programCode = "P001", fiscalYear = 2024, kind = "EnteredHighSchool", course = "全日制" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var listed = await client.Http.GetFromJsonAsync<JsonElement>(outcomes);
        var outsiderReads = await outsider.Http.GetAsync(outcomes);
        var outsiderWithdraws = await outsider.Http.PostAsJsonAsync($"/api/v1/outcomes/{first.GetProperty("id").GetInt32()}/withdrawal", new { reason = "x" });
        var noReason = await client.Http.PostAsJsonAsync($"/api/v1/outcomes/{first.GetProperty("id").GetInt32()}/withdrawal", new { reason = " " });
        var withdrawn = await client.Http.PostAsJsonAsync($"/api/v1/outcomes/{first.GetProperty("id").GetInt32()}/withdrawal", new { reason = "別の生徒の結果だった" });
        var afterwards = await client.Http.GetFromJsonAsync<JsonElement>(outcomes);

        Assert.Contains("課程（全日制・定時制・通信制）も選んでください", await Web.WebClient.FieldErrorAsync(noCourse, "course"));
        Assert.Equal(HttpStatusCode.NotFound, outsiders.StatusCode);
        // One outcome per person, program and year: the second replaces the first, in the same row.
        Assert.Equal(first.GetProperty("id").GetInt32(), again.GetProperty("id").GetInt32());
        var item = Assert.Single(listed.EnumerateArray());
        Assert.Equal(("P001", 2024, "EnteredHighSchool", "全日制"), (item.GetProperty("programCode").GetString(), item.GetProperty("fiscalYear").GetInt32(),
            item.GetProperty("kind").GetString(), item.GetProperty("course").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, outsiderReads.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, outsiderWithdraws.StatusCode);
        Assert.Contains("取消の理由", await Web.WebClient.FieldErrorAsync(noReason, "reason"));
        Assert.Equal(HttpStatusCode.NoContent, withdrawn.StatusCode);
        Assert.Empty(afterwards.EnumerateArray());
        await using var db = world.Database.NewDb();
        Assert.NotNull((await db.Outcomes.IgnoreQueryFilters().SingleAsync()).WithdrawnAt);
        Assert.Equal(["outcome.record", "outcome.record", "outcome.withdraw"],
            await db.AuditEntries.Where(a => a.Action.StartsWith("outcome.")).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
        Assert.False(await db.AccessLog.AnyAsync(e => e.UserName == world.Users["caseworkerB"]));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Outcome_Withdrawn_LeavesTheRate_AndRecordingTheYearAgainUsesItsRow(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var client = await world.SignInAsync("caseworkerA");
        await world.DefineAsync(new DefinitionInput("P001", "entered", 2024, 0, "高校進学者", "人", MeasureKind.OutcomePersons, "結果=高等学校に進学"));
        async Task<decimal?> EnteredAsync() => (await world.ComputeAsync())["P001.entered"];
        var outcome = $"/people/{world.Alice}/outcome";
        await client.SubmitAsync(outcome, "form#record-outcome", new() { ["FiscalYear"] = "2024", ["Kind"] = "EnteredHighSchool", ["Course"] = "全日制" });
        var recorded = await EnteredAsync();

        var withdrawn = await client.SubmitAsync(outcome, "form[action*=withdraw]", new() { ["reason"] = "別の生徒の結果だった" });
        var afterWithdrawal = await EnteredAsync();
        var page = await client.GetDocumentAsync($"/people/{world.Alice}");
        await client.SubmitAsync(outcome, "form#record-outcome", new() { ["FiscalYear"] = "2024", ["Kind"] = "EnteredHighSchool", ["Course"] = "定時制" });

        Assert.Equal(HttpStatusCode.Redirect, withdrawn.StatusCode);
        Assert.Equal((1m, 0m), (recorded, afterWithdrawal));
        Assert.Null(page.QuerySelector("#outcomes + p strong"));
        Assert.Equal(1m, await EnteredAsync());
        await using var check = world.Database.NewDb();
        var row = await check.Outcomes.IgnoreQueryFilters().SingleAsync();
        Assert.Equal(("定時制", (DateTimeOffset?)null), (row.Course, row.WithdrawnAt));
        Assert.Equal(["outcome.record", "outcome.withdraw", "outcome.record"],
            await check.AuditEntries.Where(a => a.Action.StartsWith("outcome.")).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task DisclosureCopy_LeavesOutTheSegmentsNotChosen_MarksThemWithheld_AndIsAudited(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var client = await world.SignInAsync("caseworkerA");
        await client.SubmitAsync($"/people/{world.Alice}", "form[action*=contact]", new()
        {
            ["Contact.Date"] = "2024-06-18",
            ["Contact.PersonSaid"] = "部活をやめたい",
            ["Contact.AgencySaid"] = "学校から家庭の事情について連絡",
            ["Contact.Assessment"] = "担任と面談を調整",
        });

        var usual = await client.GetDocumentAsync($"/people/{world.Alice}/disclosure?copy=true");
        var withAgency = await client.GetDocumentAsync($"/people/{world.Alice}/disclosure?copy=true&chosen=true&include=PersonSaid&include=AgencySaid");
        var nothing = await client.GetDocumentAsync($"/people/{world.Alice}/disclosure?copy=true&chosen=true");
        var outsider = await (await world.SignInAsync("caseworkerB")).Http.GetAsync($"/people/{world.Alice}/disclosure?copy=true");

        var copy = usual.QuerySelector("section.disclosure")!.TextContent;
        Assert.Equal(3, usual.QuerySelectorAll("section.disclosure ol.timeline > li").Length);
        Assert.Contains("部活をやめたい", copy);
        Assert.DoesNotContain("担任と面談を調整", copy);
        Assert.DoesNotContain("家庭の事情", copy);
        Assert.Equal(["[関係機関からの情報] （不開示）", "[職員の所見] （不開示）"], usual.QuerySelectorAll(".withheld").Select(p => p.TextContent));
        var second = withAgency.QuerySelector("section.disclosure")!.TextContent;
        Assert.Contains("学校から家庭の事情について連絡", second);
        Assert.DoesNotContain("担任と面談を調整", second);
        Assert.Equal(5, nothing.QuerySelectorAll(".withheld").Length);
        Assert.DoesNotContain("部活をやめたい", nothing.QuerySelector("section.disclosure")!.TextContent);
        Assert.Equal(HttpStatusCode.NotFound, outsider.StatusCode);
        await using var db = world.Database.NewDb();
        Assert.Equal(["3 件、含める: 本人・家族の話", "3 件、含める: 本人・家族の話・関係機関からの情報", "3 件、含める: なし"],
            await db.AuditEntries.Where(a => a.Action == "disclosure.copy").OrderBy(a => a.Id).Select(a => a.After).ToListAsync());
    }

    [Fact]
    public async Task Caseworker_RegistersAPerson_NameStoredExactly()
    {
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite);
        var client = await world.SignInAsync("caseworkerA");

        var response = await client.SubmitAsync("/people/new", "main form", new()
        {
            ["Name"] = "﨑田　𠮷之助",
            ["Kana"] = "サキタ キチノスケ",
            ["BirthDate"] = "2010-04-01",
            ["Role"] = "Child",
            ["Source"] = "WardWelfare",
            ["WardCode"] = "041050",
            ["Circumstances"] = "PublicAssistance",
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        await using var db = world.Database.NewDb();
        var person = await db.Persons.Include(p => p.Household).SingleAsync(p => p.KanaKey == "さきたきちのすけ");
        Assert.Equal("﨑田　𠮷之助", person.Name);
        // The reading is kept as typed and shown in hiragana.
        Assert.Equal("サキタ キチノスケ", person.Kana);
        Assert.Equal("﨑田　𠮷之助 さきた きちのすけ", (await client.GetDocumentAsync($"/people/{person.Id}")).QuerySelector("h1")!.TextContent.Trim());
        Assert.Equal("041050", person.Household!.WardCode);
        Assert.Equal(Tsunagu.People.HouseholdCircumstances.PublicAssistance, person.Household.Circumstances);
        Assert.True(await db.Enrollments.AnyAsync(e => e.PersonId == person.Id && e.Source == ReferralSource.WardWelfare));
    }

    [Fact]
    public async Task Caseworker_PicksTheSchoolByName_FromTheSchoolList_AndThePersonPageNamesIt()
    {
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite);
        var client = await world.SignInAsync("caseworkerA");
        var before = await client.GetDocumentAsync("/people/new");
        await Places.SchoolListTests.UploadSchoolsAsync(await world.SignInAsync("admin"), Places.SchoolListTests.Schools);

        var form = await client.GetDocumentAsync("/people/new");
        var response = await client.SubmitAsync("/people/new", "main form", new()
        {
            ["Name"] = "学校 選子",
            ["Kana"] = "がっこう えらこ",
            ["BirthDate"] = "2010-05-05",
            ["Role"] = "Child",
            ["Source"] = "School",
            ["SchoolCode"] = "C104210000015",
        });
        var page = await client.GetDocumentAsync(response.Headers.Location!.OriginalString);

        // Without a list, the code is typed; with one, the school is chosen by its name, grouped by kind.
        Assert.Equal("input", before.QuerySelector("#school")!.LocalName);
        Assert.Equal("select", form.QuerySelector("#school")!.LocalName);
        Assert.Equal("仙台市立青葉中学校", form.QuerySelector("#school optgroup[label=中学校] option")!.TextContent);
        Assert.Contains("・仙台市立青葉中学校", page.QuerySelector("main > p")!.TextContent);
        await using var db = world.Database.NewDb();
        Assert.Equal("C104210000015", await db.Persons.Where(p => p.Name == "学校 選子").Select(p => p.SchoolCode).SingleAsync());
    }

    /// <summary>Birth dates come from a 住民票 or a school's roll, in 和暦: the forms read them as typed.</summary>
    [Fact]
    public async Task Caseworker_TypesBirthDatesInWareki_ToRegisterAndToSearch_AndAnImpossibleOneIsRefusedByTheField()
    {
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite);
        var client = await world.SignInAsync("caseworkerA");
        Dictionary<string, string> Person(string birth) => new()
        {
            ["Name"] = "和暦 太郎",
            ["Kana"] = "われき たろう",
            ["BirthDate"] = birth,
            ["Role"] = "Child",
            ["Source"] = "School",
        };

        var registered = await client.SubmitAsync("/people/new", "main form", Person("Ｈ２１．６．１５"));
        var impossible = await client.SubmitAsync("/people/new", "main form", Person("H31.5.1")); // that day was 令和元年
        var found = await client.SubmitAsync("/people", "main form", new() { ["q"] = "われき", ["birthDate"] = "平成21年6月15日" });

        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, impossible.StatusCode);
        Assert.Contains("生年月日: 「H31.5.1」は読めません。", (await Web.WebClient.ParseAsync(impossible)).QuerySelector("main")!.TextContent);
        Assert.Contains("和暦 太郎", (await Web.WebClient.ParseAsync(found)).QuerySelector("main")!.TextContent);
        await using var db = world.Database.NewDb();
        Assert.Equal([new DateOnly(2009, 6, 15)], await db.Persons.Where(p => p.Name == "和暦 太郎").Select(p => p.BirthDate).ToListAsync());
    }
}
