using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Placements;
using Tsunagu.Sessions;
using Tsunagu.Tests.Infrastructure;
using WebClient = Tsunagu.Tests.Web.WebClient;

namespace Tsunagu.Tests.Access;

/// <summary>The paths that once led around the scope: imports, program histories, drill-downs.</summary>
public class ScopePathsTests
{
    static async Task<IHtmlDocument> PreviewAsync(WebClient manager, string csv)
    {
        var response = await manager.UploadAsync("/people/import", "form[action*=preview]", "old.csv", new UTF8Encoding(true).GetBytes(csv));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await WebClient.ParseAsync(response);
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task RecordsImport_MatchesOnlyPersonsInTheImportersScope_AndLogsThePersonsItShows(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var manager = await world.SignInAsync("managerA");
        // 佐藤太郎 exactly as P008 registered him (name, reading and birth date), and 𠮷子 of P001 under another spelling.
        var csv = "氏名,ふりがな,生年月日,記録日,種別\r\n" +
            "佐藤 太郎,さとう たろう,1990-03-03,2024-06-01,相談\r\n" +
            "高橋 吉子,たかはし よしこ,2009-06-15,2024-06-03,学習支援\r\n";

        var preview = await PreviewAsync(manager, csv);
        var apply = preview.QuerySelectorAll("form").OfType<IHtmlFormElement>().Single(f => f.Action.Contains("apply"));
        var applied = await WebClient.ParseAsync(await manager.SubmitAsync(apply, "/people/import", []));

        // Bob is out of the manager's scope: a new person, never a match, and nothing in the page points to him.
        Assert.Contains("2 行を読みました: 新しい人 2、登録済みの人と照合 0、事業への登録 2", preview.QuerySelector(".notice")!.TextContent);
        Assert.Contains("確認が必要な照合 1 件", preview.QuerySelector(".notice")!.TextContent);
        var shown = preview.QuerySelectorAll("main a[href^='/people/']").Select(a => a.GetAttribute("href")!)
            .Where(href => char.IsAsciiDigit(href[^1])).ToList();
        Assert.Equal([$"/people/{world.Alice}"], shown);
        Assert.DoesNotContain($"（番号 {world.Bob}）", preview.Body!.TextContent);
        Assert.Contains("新しい人 2", applied.QuerySelector(".notice")!.TextContent);
        await using var db = world.Database.NewDb();
        var p008 = await world.ProgramIdAsync("P008");
        Assert.Equal([p008], await db.Enrollments.Where(e => e.PersonId == world.Bob).Select(e => e.ProgramId).ToListAsync());
        Assert.Equal(2, await db.Persons.CountAsync(p => p.Name == RecordsWorld.BobName));
        // The preview and the confirmation each showed 𠮷子's number: two reads, by the manager, from the import.
        var reads = await db.AccessLog.Where(e => e.PersonId == world.Alice).OrderBy(e => e.Id).Select(e => new { e.UserName, e.Source }).ToListAsync();
        Assert.Equal(["POST /people/import (preview)", "POST /people/import (apply)"], reads.Select(r => r.Source));
        Assert.All(reads, r => Assert.Equal(world.Users["managerA"], r.UserName));
        Assert.False(await db.AccessLog.AnyAsync(e => e.PersonId == world.Bob));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task RecordsImport_FromTheCommandLine_MatchesWithinTheProgramOnly(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        using var files = new TempFolder();
        var path = files.Write("p001.csv", "氏名,ふりがな,生年月日,記録日\r\n佐藤 太郎,さとう たろう,1990-03-03,2024-06-01\r\n髙橋 𠮷子,たかはし よしこ,2009-06-15,2024-06-02\r\n",
            new UTF8Encoding(true));

        var run = await CliRun.RunAsync(world.Database, "records", "import", path, "--program", "P001");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("新しい人 1、登録済みの人と照合 1、事業への登録 1", run.Out);
        Assert.DoesNotContain("番号", run.Out);
        await using var db = world.Database.NewDb();
        Assert.Single(await db.Enrollments.Where(e => e.PersonId == world.Bob).ToListAsync());
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task ProgramPage_ShowsReportActionsToReportRoles_AndRecordEventsOnlyToTheProgramsOwnStaff(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var otherManager = await world.Factory.AddUserAsync(Tsunagu.Access.Roles.Manager);
        Assert.Equal(0, (await CliRun.RunAsync(world.Database, "users", "assign", otherManager, "--program", "P008")).ExitCode);
        long contactId;
        await using (var db = world.Database.NewDb())
        {
            contactId = await db.Contacts.Where(c => c.Program.Code == "P001").Select(c => c.Id).FirstAsync();
        }
        // A correction whose reason names the child, and a planner's edit of the evaluation.
        var caseworker = await world.SignInAsync("caseworkerA");
        var corrected = await caseworker.Http.PutAsJsonAsync($"/api/v1/contacts/{contactId}", new
        {
            date = "2024-06-02",
            time = "15:00",
            kind = "StudySession",
            channel = "Visit",
            reason = "𠮷子さんの母の申し出で日付を訂正",
        });
        Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);
        var planner = await world.SignInAsync("planner");
        Assert.Equal(HttpStatusCode.Redirect, (await planner.SubmitAsync("/programs/P001", "form[action*=evaluation]", new() { ["text"] = "順調に進んだ。" })).StatusCode);

        foreach (var user in new[] { "planner", "viewer", "auditor", "admin" })
        {
            var page = await (await world.SignInAsync(user)).GetDocumentAsync("/programs/P001");
            var history = page.QuerySelector("table.history")!.TextContent;
            Assert.Contains("評価の編集", history);
            Assert.DoesNotContain("支援記録の訂正", history);
            Assert.DoesNotContain("𠮷子", history);
        }
        var otherPrograms = await WebClient.SignInAsync(world.Factory, otherManager);
        Assert.DoesNotContain("𠮷子", (await otherPrograms.GetDocumentAsync("/programs/P001")).QuerySelector("table.history")!.TextContent);
        var own = (await (await world.SignInAsync("managerA")).GetDocumentAsync("/programs/P001")).QuerySelector("table.history")!.TextContent;
        Assert.Contains("支援記録の訂正", own);
        Assert.Contains("𠮷子さんの母の申し出", own);
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task DrillDown_ShowsReportRolesDatesAndCounts_TitlesStaffAndFacilitiesOnlyToTheProgramsStaff(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        int sessions, placements, distributions;
        await using (var db = world.Database.NewDb())
        {
            var p001 = await world.ProgramIdAsync("P001");
            db.Sessions.Add(new SupportSession { ProgramId = p001, Date = new DateOnly(2024, 6, 15), Title = "𠮷子さんの誕生日会", UnregisteredHeadCount = 4 });
            db.Placements.Add(new Placement { ProgramId = p001, FiscalYear = 2024, StaffName = "山田 春子" });
            db.Distributions.Add(new Distribution { ProgramId = p001, Date = new DateOnly(2024, 6, 10), Item = "冊子", Facility = "若葉ホーム", Copies = 30 });
            Tsunagu.Indicators.IndicatorDefinition Define(string key, Tsunagu.Indicators.MeasureKind measure) => new()
            {
                ProgramId = p001,
                Key = key,
                Version = 1,
                FromYear = 2024,
                Label = key,
                Unit = "件",
                Measure = measure,
                CreatedBy = "test",
            };
            var defined = new[] { Define("sessions", Tsunagu.Indicators.MeasureKind.Sessions), Define("placed", Tsunagu.Indicators.MeasureKind.Placements),
                Define("given", Tsunagu.Indicators.MeasureKind.Distributions) };
            db.IndicatorDefinitions.AddRange(defined);
            await db.SaveChangesAsync();
            (sessions, placements, distributions) = (defined[0].Id, defined[1].Id, defined[2].Id);
        }

        foreach (var user in new[] { "planner", "viewer", "auditor", "admin" })
        {
            var client = await world.SignInAsync(user);
            var session = await client.GetDocumentAsync($"/indicators/2024/{sessions}");
            var placement = await client.GetDocumentAsync($"/indicators/2024/{placements}");
            var distribution = await client.GetDocumentAsync($"/indicators/2024/{distributions}");

            Assert.Equal(["令和6年6月15日", "学習会", "0", "4"], session.QuerySelectorAll("main table tbody td").Select(td => td.TextContent));
            Assert.DoesNotContain("誕生日会", session.Body!.TextContent);
            Assert.Contains("1 名", placement.QuerySelector("main strong")!.TextContent);
            Assert.DoesNotContain("山田", placement.Body!.TextContent);
            Assert.Equal(["令和6年6月10日", "30"], distribution.QuerySelectorAll("main table tbody td").Select(td => td.TextContent));
            Assert.DoesNotContain("若葉ホーム", distribution.Body!.TextContent);
            // The CSV is the page's list, no more: dates and counts; placements (named staff) not at all.
            var sessionsFile = await client.Http.GetStringAsync($"/indicators/2024/{sessions}?handler=export");
            Assert.Contains("令和6年6月15日", sessionsFile);
            Assert.DoesNotContain("誕生日会", sessionsFile);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await client.Http.GetAsync($"/indicators/2024/{placements}?handler=export")).StatusCode);
        }
        var manager = await world.SignInAsync("managerA");
        Assert.Contains("𠮷子さんの誕生日会", (await manager.GetDocumentAsync($"/indicators/2024/{sessions}")).QuerySelector("main table")!.TextContent);
        Assert.Contains("山田 春子", (await manager.GetDocumentAsync($"/indicators/2024/{placements}")).QuerySelector("main table")!.TextContent);
        Assert.Contains("若葉ホーム", (await manager.GetDocumentAsync($"/indicators/2024/{distributions}")).QuerySelector("main table")!.TextContent);
        Assert.Contains("山田 春子", await manager.Http.GetStringAsync($"/indicators/2024/{placements}?handler=export"));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Administrators_CannotGiveThemselvesAccess_AndAGrantWaitsForASecondAccount(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var admin = await world.SignInAsync("admin");
        var me = world.Users["admin"];
        var p001 = (await world.ProgramIdAsync("P001")).ToString(CultureInfo.InvariantCulture);
        var secondAdminEmail = await world.Factory.AddUserAsync(Tsunagu.Access.Roles.Admin);
        var secondAdmin = await WebClient.SignInAsync(world.Factory, secondAdminEmail);

        var ownRole = await WebClient.ParseAsync(await admin.SubmitAsync("/users", $"form[action$='handler=role']:has(input[value='{me}'])", new() { ["role"] = "manager" }));
        var ownProgram = await WebClient.ParseAsync(await admin.SubmitAsync("/users", $"form[action$='handler=role']:has(input[value='{me}'])",
            new() { ["email"] = me, ["programId"] = p001 }));
        var viewerEmail = world.Users["viewer"];
        var asked = await WebClient.ParseAsync(await admin.SubmitAsync("/users", $"form[action$='handler=role']:has(input[value='{viewerEmail}'])", new() { ["role"] = "caseworker" }));
        var ownRequest = await admin.GetDocumentAsync("/approvals");
        int grantId;
        await using (var db = world.Database.NewDb())
        {
            grantId = await db.Set<Tsunagu.Access.AccessGrant>().Select(g => g.Id).SingleAsync();
        }
        // Approving one's own request by posting its number anyway.
        var token = ownRequest.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var forged = await WebClient.ParseAsync(await admin.Http.PostAsync("/approvals", new FormUrlEncodedContent(
            [new("__RequestVerificationToken", token), new("id", grantId.ToString(CultureInfo.InvariantCulture)), new("approve", "true")])));
        var viewerStillViewer = await (await world.SignInAsync("viewer")).Http.GetAsync("/people");
        var approved = await secondAdmin.SubmitAsync("/approvals", "table.requests form", new() { ["approve"] = "true" });

        Assert.Contains("自分の権限や担当事業は変更できません", ownRole.QuerySelector(".errors")!.TextContent);
        Assert.Contains("自分の権限や担当事業は変更できません", ownProgram.QuerySelector(".errors")!.TextContent);
        Assert.Contains("別の管理者が承認すると有効になります", asked.QuerySelector(".notice")!.TextContent);
        Assert.Empty(ownRequest.QuerySelectorAll("table.requests tbody tr"));
        Assert.Contains("承認できる依頼ではありません", forged.QuerySelector(".errors")!.TextContent);
        Assert.Equal("/account/denied", viewerStillViewer.Headers.Location?.AbsolutePath);
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        await using var after = world.Database.NewDb();
        var roles = await after.UserRoles.Join(after.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name })
            .Join(after.Users, x => x.UserId, u => u.Id, (x, u) => new { u.Email, x.Name }).ToDictionaryAsync(x => x.Email!, x => x.Name);
        Assert.Equal("admin", roles[me]);
        Assert.Equal("caseworker", roles[viewerEmail]);
        var grant = await after.Set<Tsunagu.Access.AccessGrant>().SingleAsync();
        Assert.Equal((Tsunagu.Access.GrantStatus.Approved, me, secondAdminEmail), (grant.Status, grant.RequestedBy, grant.DecidedBy));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task PersonReads_AreRateLimitedPerAccount_AndABirthDateAloneIsNotASearch(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind, new Dictionary<string, string> { ["Limits:PersonReadsPerMinute"] = "7" });
        var caseworker = await world.SignInAsync("caseworkerA");
        var manager = await world.SignInAsync("managerA");

        var byBirthDate = await WebClient.ParseAsync(await caseworker.SubmitAsync("/people", "form[role=search]", new() { ["birthDate"] = "2009-06-15" }));
        var apiByBirthDate = await caseworker.Http.PostAsJsonAsync("/api/v1/people/search", new { birthDate = "2009-06-15" });
        var problem = await apiByBirthDate.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var apiSearch = await caseworker.Http.PostAsJsonAsync("/api/v1/people/search", new { q = "たかはし", birthDate = "2009-06-15" });
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await caseworker.Http.GetAsync($"/people/{world.Alice}")).StatusCode);
        }
        var limitedPage = await caseworker.Http.GetAsync($"/people/{world.Alice}");
        var limitedApi = await caseworker.Http.GetAsync($"/api/v1/people/{world.Alice}");
        var otherAccount = await manager.Http.GetAsync($"/people/{world.Alice}");

        Assert.Contains("生年月日だけでは探せません", byBirthDate.QuerySelector(".errors")!.TextContent);
        Assert.Empty(byBirthDate.QuerySelectorAll("main table"));
        Assert.Equal(HttpStatusCode.BadRequest, apiByBirthDate.StatusCode);
        Assert.Contains("生年月日だけでは探せません", problem.GetProperty("errors").GetProperty("q")[0].GetString());
        Assert.Equal([RecordsWorld.AliceName], (await apiSearch.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        // The search page (opened and posted), two API searches and three person pages used the seven; the eighth and
        // ninth are refused, another account is not.
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, limitedPage.StatusCode);
        Assert.Contains("しばらく", await limitedPage.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.TooManyRequests, limitedApi.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherAccount.StatusCode);
        await using var db = world.Database.NewDb();
        // Refused reads are not reads: the log has the search result and the three pages.
        Assert.Equal(4, await db.AccessLog.CountAsync(e => e.PersonId == world.Alice && e.UserName == world.Users["caseworkerA"]));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task AccessLog_FiltersByJapaneseDays_CountsPerAccountAndDay_AlertsAuditors_PagesExports_AndRecordsWhoLooked(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind, new Dictionary<string, string> { ["Limits:AlertPersonsPerHour"] = "1" });
        var caseworker = await world.SignInAsync("caseworkerA");
        await caseworker.GetDocumentAsync($"/people/{world.Alice}");
        await caseworker.GetDocumentAsync($"/people/{world.Mother}");
        string caseworkerId;
        await using (var db = world.Database.NewDb())
        {
            caseworkerId = await db.Users.Where(u => u.Email == world.Users["caseworkerA"]).Select(u => u.Id).SingleAsync();
            // 19 June 23:30 in Japan is 14:30 UTC: a read of the 19th, not of the 20th. And 500 reads on the 10th.
            var lateEvening = new DateTimeOffset(2024, 6, 19, 23, 30, 0, TimeSpan.FromHours(9)).ToUniversalTime();
            db.AccessLog.Add(new Tsunagu.Access.AccessLogEntry { At = lateEvening, UserId = caseworkerId, UserName = world.Users["caseworkerA"], PersonId = world.Bob, Source = "GET /people/{id}" });
            db.AccessLog.AddRange(Enumerable.Range(0, 500).Select(i => new Tsunagu.Access.AccessLogEntry
            {
                At = new DateTimeOffset(2024, 6, 10, 0, 0, 0, TimeSpan.Zero).AddSeconds(i),
                UserId = caseworkerId,
                UserName = world.Users["caseworkerA"],
                PersonId = world.Alice,
                Source = "GET /people/{id}",
            }));
            await db.SaveChangesAsync();
        }
        var auditor = await world.SignInAsync("auditor");

        var thisWeek = await auditor.GetDocumentAsync("/accesslog");
        var nineteenth = await auditor.GetDocumentAsync("/accesslog?from=2024-06-19&to=2024-06-19");
        var twentieth = await auditor.GetDocumentAsync($"/accesslog?from=2024-06-20&to=2024-06-20&staff={caseworkerId}");
        var june = await auditor.GetDocumentAsync("/accesslog?from=2024-06-01&to=2024-06-30");
        var secondPage = await auditor.GetDocumentAsync("/accesslog?from=2024-06-01&to=2024-06-30&p=2");
        var csv = await auditor.Http.GetAsync($"/accesslog?handler=csv&from=2024-06-19&to=2024-06-20&person={world.Bob}");

        Assert.Contains($"{world.Users["caseworkerA"]}: 直近1時間に 2 人（基準 1 人）", thisWeek.QuerySelector("[role=alert]")!.TextContent);
        Assert.Equal([world.Bob.ToString(CultureInfo.InvariantCulture)], nineteenth.QuerySelectorAll("table.entries tbody td.num").Select(td => td.TextContent));
        // Each person page also logs the household member it lists: four reads of two persons, newest first.
        Assert.Equal(new[] { world.Alice, world.Mother, world.Mother, world.Alice }.Select(id => id.ToString(CultureInfo.InvariantCulture)),
            twentieth.QuerySelectorAll("table.entries tbody td.num").Select(td => td.TextContent));
        Assert.Equal($"2024-06-20{world.Users["caseworkerA"]}42", twentieth.QuerySelector("table.daily tbody tr")!.TextContent);
        Assert.Equal(["2024-06-20", "2024-06-19", "2024-06-10"], june.QuerySelectorAll("table.daily tbody tr td:first-child").Select(td => td.TextContent));
        Assert.Equal(500, june.QuerySelectorAll("table.entries tbody tr").Length);
        Assert.Contains("505 件、1 / 2 ページ", june.QuerySelector("main")!.TextContent);
        Assert.Equal(5, secondPage.QuerySelectorAll("table.entries tbody tr").Length);
        Assert.Equal("text/csv; charset=utf-8", csv.Content.Headers.ContentType!.ToString());
        var lines = (await csv.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["日時（日本時間）,職員,本人の番号,画面・API", $"2024-06-19 23:30:00,{world.Users["caseworkerA"]},{world.Bob},GET /people/{{id}}"], lines);
        await using var after = world.Database.NewDb();
        var looked = await after.AuditEntries.Where(a => a.Actor == world.Users["auditor"]).OrderBy(a => a.Id).Select(a => new { a.Action, a.Subject }).ToListAsync();
        Assert.Equal(["accesslog.view", "accesslog.view", "accesslog.view", "accesslog.view", "accesslog.view", "accesslog.export"], looked.Select(l => l.Action));
        Assert.Equal($"2024-06-19〜2024-06-20 person:{world.Bob}", looked[^1].Subject);
    }

    [Fact]
    public async Task AuditorsPage_ChecksBothChains_AndShowsTheLastResult()
    {
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite);
        var caseworker = await world.SignInAsync("caseworkerA");
        await caseworker.GetDocumentAsync($"/people/{world.Alice}");
        var auditor = await world.SignInAsync("auditor");

        var before = await auditor.GetDocumentAsync("/accesslog");
        var verified = await auditor.SubmitAsync("/accesslog", "form[action*='handler=verify']", []);
        var after = await auditor.GetDocumentAsync("/accesslog");
        var viewer = await (await world.SignInAsync("viewer")).Http.PostAsync("/accesslog?handler=verify", null);

        Assert.Contains("まだ検証していません。", before.QuerySelector("section")!.TextContent);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, verified.StatusCode);
        var shown = after.QuerySelector("section p")!.TextContent;
        Assert.Contains($"（{world.Users["auditor"]}）— 異常なし（監査ログ ", shown.ReplaceLineEndings(" "), StringComparison.Ordinal);
        Assert.Contains("閲覧記録 2 行", shown);
        Assert.NotEqual(System.Net.HttpStatusCode.OK, viewer.StatusCode);
        await using var db = world.Database.NewDb();
        Assert.Equal(1, await db.AuditVerifications.CountAsync());
    }
}
