using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tsunagu.Access;
using Tsunagu.Indicators;
using Tsunagu.Reports;
using Tsunagu.Tests.Infrastructure;
using Tsunagu.Tests.Web;
using WebClient = Tsunagu.Tests.Web.WebClient;

namespace Tsunagu.Tests.Reports;

public class ReportPagesTests
{
    /// <summary>Everything a write could change, to show that a refused write changed nothing.</summary>
    static async Task<string> StateAsync(TestDatabase database)
    {
        await using var db = database.NewDb();
        var rows = await db.ReportRows.OrderBy(r => r.Id).Select(r => r.Overview + r.Results + r.Evaluation + r.Bureau).ToListAsync();
        var values = await db.IndicatorValues.OrderBy(v => v.Id).Select(v => v.Label + v.Value + v.Source).ToListAsync();
        var statuses = await db.Reports.OrderBy(r => r.Id).Select(r => r.Status).ToListAsync();
        var audit = await db.AuditEntries.CountAsync();
        var users = await db.Users.CountAsync();
        return string.Join("|", rows) + string.Join("|", values) + string.Join("|", statuses) + audit + "/" + users;
    }

    static async Task PublishAsync(TsunaguFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var workflow = scope.ServiceProvider.GetRequiredService<ReportWorkflow>();
        foreach (var status in new[] { ReportStatus.BureauCheck, ReportStatus.Compiled, ReportStatus.CouncilFinal, ReportStatus.Published })
        {
            await workflow.MoveAsync(2024, status, "test", null);
        }
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task ReportPage_ShowsThePublishedTable_WithLastYearsFiguresInBrackets(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind, migrate: false);
        await using var factory = await TsunaguFactory.StartAsync(database);
        using var files = new TempFolder();
        await CliRun.RunOkAsync(database, "report", "import", files.Write("r5.tsv",
            "令和5年度実績\n\n事業名\t事業概要及び計画内容\t実績\t実績に対する評価\t担当局\n学習・生活サポート事業\t概要。\t利用者数:290人 高校進学率:98%\t評価。\t局\n",
            new UTF8Encoding(false)));
        var client = await WebClient.SignInAsync(factory, await factory.AddUserAsync(Roles.Viewer));

        var page = await client.GetDocumentAsync("/reports/2024");

        Assert.Contains("令和6年度", page.QuerySelector("h1")!.TextContent);
        Assert.Equal(["事業名", "事業概要及び計画内容", "令和6年度実績(件数等)", "実績に対する評価", "担当局"],
            page.QuerySelectorAll("table.report thead th").Select(th => th.TextContent));
        Assert.Equal(8, page.QuerySelectorAll("table.report tbody tr").Length);
        var results = page.QuerySelector("#cell-P001-results")!;
        Assert.Equal("利用者数:303人【290人】 高校進学率:99%【98%】", results.TextContent);
        Assert.Equal(["【290人】", "【98%】"], results.QuerySelectorAll(".prev").Select(e => e.TextContent));
        Assert.Equal("女性相談 1,199件 ひとり親家庭相談 1,787件 母子保健 6,294件", page.QuerySelector("#cell-P006-results")!.TextContent);
        // Every finding links to a cell that is on the page.
        var links = page.QuerySelectorAll(".findings a").Select(a => a.GetAttribute("href")!).ToList();
        Assert.Equal(11, links.Count);
        Assert.All(links, href => Assert.NotNull(page.QuerySelector(href)));
        // A viewer sees no form that writes.
        Assert.Empty(page.QuerySelectorAll("form[method=post]:not(.signout)"));
    }

    /// <summary>A year no fiscal year can be (before 明治, past 9998) is no such page: 404 as a page or problem details, never a 500.</summary>
    [Fact]
    public async Task AYearNoFiscalYearCanBe_InAPageOrApiAddress_IsNotFound()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        await using var factory = await TsunaguFactory.StartAsync(database);
        var planner = await WebClient.SignInAsync(factory, await factory.AddUserAsync(Roles.Planner));

        var answers = new List<(string Url, HttpStatusCode Status, string? Type)>();
        foreach (var url in new[] { "/reports/1800", "/reports/99999", "/indicators/10000", "/indicators/1867/1", "/api/v1/reports/99999",
            "/api/v1/reports/1800/files/csv", "/api/v1/reports/10000/programs/P001", "/reports/2024", "/api/v1/reports/2024" })
        {
            var response = await planner.Http.GetAsync(url);
            answers.Add((url, response.StatusCode, response.Content.Headers.ContentType?.MediaType));
        }

        Assert.All(answers.Take(4), a => Assert.Equal((HttpStatusCode.NotFound, "text/html"), (a.Status, a.Type)));
        Assert.All(answers.Skip(4).Take(3), a => Assert.Equal((HttpStatusCode.NotFound, "application/problem+json"), (a.Status, a.Type)));
        Assert.All(answers.Skip(7), a => Assert.Equal(HttpStatusCode.OK, a.Status));
    }

    [Fact]
    public async Task Viewer_EveryWriteFormAndEndpoint_IsRefusedAndChangesNothing()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        await using var factory = await TsunaguFactory.StartAsync(database);
        var viewer = await WebClient.SignInAsync(factory, await factory.AddUserAsync(Roles.Viewer));
        var page = await viewer.GetDocumentAsync("/reports/2024");
        var token = page.QuerySelector("form.signout input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var before = await StateAsync(database);

        var forms = new (string Url, Dictionary<string, string> Fields)[]
        {
            ("/reports/2024?handler=status", new() { ["to"] = "BureauCheck" }),
            ("/programs/P001?handler=evaluation", new() { ["year"] = "2024", ["text"] = "書き換え" }),
            ("/programs/P001?handler=figure", new() { ["year"] = "2024", ["position"] = "0", ["value"] = "1" }),
            ("/reports/upload?handler=apply", new() { ["token"] = Guid.NewGuid().ToString("N") }),
            ("/users?handler=add", new() { ["email"] = "x@city.example.jp", ["role"] = "admin" }),
        };
        foreach (var (url, fields) in forms)
        {
            fields["__RequestVerificationToken"] = token;
            var response = await viewer.Http.PostAsync(url, new FormUrlEncodedContent(fields));
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden || response.Headers.Location?.AbsolutePath == "/account/denied",
                $"{url}: {response.StatusCode} {response.Headers.Location}");
        }
        using var upload = new MultipartFormDataContent
        {
            { new ByteArrayContent(Seed.Bytes()), "file", "seed.tsv" },
            { new StringContent(token), "__RequestVerificationToken" },
        };
        var uploaded = await viewer.Http.PostAsync("/reports/upload?handler=preview", upload);
        Assert.Equal("/account/denied", uploaded.Headers.Location?.AbsolutePath);

        var api = new (HttpMethod Method, string Url, object Body)[]
        {
            (HttpMethod.Put, "/api/v1/reports/2024/programs/P001/evaluation", new { text = "書き換え" }),
            (HttpMethod.Put, "/api/v1/reports/2024/programs/P001/figures/0", new { value = 1 }),
            (HttpMethod.Post, "/api/v1/reports/2024/status", new { to = "bureauCheck" }),
        };
        foreach (var (method, url, body) in api)
        {
            var response = await viewer.Http.SendAsync(new HttpRequestMessage(method, url) { Content = JsonContent.Create(body) });
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        Assert.Equal(before, await StateAsync(database));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Planner_EditsEvaluationAndFigure_AndTheAuditShowsWhoBeforeAndAfter(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind, migrate: false);
        await using var factory = await TsunaguFactory.StartAsync(database);
        var email = await factory.AddUserAsync(Roles.Planner);
        var planner = await WebClient.SignInAsync(factory, email);

        var evaluation = await planner.SubmitAsync("/programs/P001", "form[action*=evaluation]", new() { ["text"] = "登録者数が増えた。" });
        var figure = await planner.SubmitAsync("/programs/P001", "form[action*=figure]", new() { ["value"] = "304" });

        Assert.Equal(HttpStatusCode.Redirect, evaluation.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, figure.StatusCode);
        await using var db = database.NewDb();
        var row = await db.ReportRows.SingleAsync(r => r.Program.Code == "P001");
        Assert.Equal("登録者数が増えた。", row.Evaluation);
        Assert.Equal("利用者数:304人 高校進学率:99%", row.Results);
        var value = await db.IndicatorValues.SingleAsync(v => v.Program.Code == "P001" && v.Label == "利用者数");
        Assert.Equal((304m, IndicatorSource.Manual, email), (value.Value, value.Source, value.RecordedBy));
        var audit = await db.AuditEntries.Where(a => a.ProgramCode == "P001").OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(["evaluation.update", "figure.update"], audit.Select(a => a.Action));
        Assert.All(audit, a => Assert.Equal(email, a.Actor));
        Assert.Equal(Seed.ProgramRows()[0][3], audit[0].Before);
        Assert.Equal("利用者数:303人 高校進学率:99%", audit[1].Before);
        Assert.Equal("利用者数:304人 高校進学率:99%", audit[1].After);

        var programPage = await planner.GetDocumentAsync("/programs/P001");
        var history = programPage.QuerySelectorAll("h2")[^1].NextElementSibling!.TextContent;
        Assert.Contains("評価の編集", history);
        Assert.Contains("数値の編集", history);
        Assert.Contains(email, history);
        Assert.Contains("手入力", programPage.QuerySelector("#year-2024")!.TextContent);
    }

    [Fact]
    public async Task Planner_MovesTheStatus_ButCannotSkipAStep()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        await using var factory = await TsunaguFactory.StartAsync(database);
        var planner = await WebClient.SignInAsync(factory, await factory.AddUserAsync(Roles.Planner));

        var forward = await planner.SubmitAsync("/reports/2024", "form[action*=status]", []);
        var skip = await planner.SubmitAsync("/reports/2024", "form[action*=status]", new() { ["to"] = "Published" });

        Assert.Equal(HttpStatusCode.Redirect, forward.StatusCode);
        Assert.Equal(HttpStatusCode.OK, skip.StatusCode);
        Assert.Contains("次は「取りまとめ」", (await WebClient.ParseAsync(skip)).QuerySelector(".errors")!.TextContent);
        await using var db = database.NewDb();
        Assert.Equal(ReportStatus.BureauCheck, await db.Reports.Select(r => r.Status).SingleAsync());
        var programPage = await planner.GetDocumentAsync("/programs/P001");
        var history = programPage.QuerySelector("table.history")!.TextContent;
        Assert.Contains("状態の変更", history);
        Assert.Contains("局確認", history);
    }

    [Fact]
    public async Task Post_WithoutAntiforgeryToken_IsRejectedAndChangesNothing()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        await using var factory = await TsunaguFactory.StartAsync(database);
        var planner = await WebClient.SignInAsync(factory, await factory.AddUserAsync(Roles.Planner));
        var before = await StateAsync(database);

        var response = await planner.Http.PostAsync("/programs/P001?handler=evaluation",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["year"] = "2024", ["text"] = "CSRF" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await StateAsync(database));
    }

    [Fact]
    public async Task PublishedYear_CannotBeOverwritten_AndACorrectionNeedsAReason()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        await using var factory = await TsunaguFactory.StartAsync(database);
        await PublishAsync(factory);
        var planner = await WebClient.SignInAsync(factory, await factory.AddUserAsync(Roles.Planner));
        var before = await StateAsync(database);

        var preview = await planner.UploadAsync("/reports/upload", "form[action*=preview]", "seed.tsv", Seed.Bytes());
        var noReason = await planner.SubmitAsync("/programs/P001", "form[action*=evaluation]", new() { ["text"] = "差し替え", ["reason"] = "" });

        Assert.Contains("公表済み", (await WebClient.ParseAsync(preview)).QuerySelector(".errors")!.TextContent);
        Assert.Contains("理由が必要", (await WebClient.ParseAsync(noReason)).QuerySelector(".errors")!.TextContent);
        Assert.Equal(before, await StateAsync(database));

        var corrected = await planner.SubmitAsync("/programs/P001", "form[action*=evaluation]", new() { ["text"] = "差し替え", ["reason"] = "誤字" });
        Assert.Equal(HttpStatusCode.Redirect, corrected.StatusCode);
        await using var db = database.NewDb();
        Assert.Equal([1, 2], await db.ReportPublications.OrderBy(p => p.Version).Select(p => p.Version).ToListAsync());
        Assert.Equal("report.correct", (await db.AuditEntries.OrderBy(a => a.Id).LastAsync()).Action);
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Upload_ShowsWhatWillChange_ThenAppliesOnlyWhenConfirmed(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind, migrate: false);
        await using var factory = await TsunaguFactory.StartAsync(database);
        var planner = await WebClient.SignInAsync(factory, await factory.AddUserAsync(Roles.Planner));
        var changed = Seed.Text().Replace("利用者数:303人", "利用者数:310人") + "\n新しい事業\t概要。\t相談件数:5件\t評価。\tこども若者局";
        Task<HttpResponseMessage> UploadAsync(bool newPrograms) => planner.UploadAsync("/reports/upload", "form[action*=preview]", "r6-revised.tsv",
            Encoding.UTF8.GetBytes(changed), newPrograms ? new() { ["NewPrograms"] = "true" } : null);

        // A program name not known yet is listed, not created, until the planner says it is new.
        var unasked = await WebClient.ParseAsync(await UploadAsync(newPrograms: false));
        var preview = await WebClient.ParseAsync(await UploadAsync(newPrograms: true));

        Assert.Contains("登録されていない事業名です。", unasked.QuerySelector(".errors")!.TextContent);
        Assert.Null(unasked.QuerySelector("input[name=token]"));

        var rows = preview.QuerySelectorAll("tbody tr").Select(tr => tr.TextContent.Replace("\n", " ").Trim()).ToList();
        Assert.Equal(9, rows.Count);
        Assert.Contains(rows, r => r.StartsWith("P001 学習・生活サポート事業", StringComparison.Ordinal) && r.Contains("変更") && r.Contains("実績"));
        Assert.Contains(rows, r => r.StartsWith("新規 新しい事業", StringComparison.Ordinal) && r.Contains("追加"));
        Assert.Equal(7, rows.Count(r => r.Contains("変更なし")));
        await using (var db = database.NewDb())
        {
            Assert.Equal("利用者数:303人 高校進学率:99%", await db.ReportRows.Where(r => r.Program.Code == "P001").Select(r => r.Results).SingleAsync());
            Assert.Equal(8, await db.Programs.CountAsync());
        }

        var apply = preview.QuerySelectorAll("form").OfType<IHtmlFormElement>().Single(f => f.Action.Contains("apply"));
        var applied = await planner.SubmitAsync(apply, "/reports/upload", []);

        Assert.Equal("/reports/2024", applied.Headers.Location!.OriginalString);
        await using var after = database.NewDb();
        Assert.Equal("利用者数:310人 高校進学率:99%", await after.ReportRows.Where(r => r.Program.Code == "P001").Select(r => r.Results).SingleAsync());
        Assert.Equal("P009", await after.Programs.Where(p => p.Name == "新しい事業").Select(p => p.Code).SingleAsync());
    }

    [Fact]
    public async Task Upload_BadFile_ShowsLineAndColumn()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        await using var factory = await TsunaguFactory.StartAsync(database);
        var planner = await WebClient.SignInAsync(factory, await factory.AddUserAsync(Roles.Planner));
        var response = await WebClient.ParseAsync(await planner.UploadAsync("/reports/upload", "form[action*=preview]", "bad.tsv",
            Encoding.UTF8.GetBytes("令和6年度実績\n\n事業名\t事業概要\t実績\t評価\t担当局\nA事業\t概要\t1件\n")));

        Assert.Contains("bad.tsv 4行目 4列: 項目の数が 3 個です", response.QuerySelector(".errors")!.TextContent);
        Assert.Null(response.QuerySelector("form[action*=apply]"));
    }

    [Fact]
    public async Task Downloads_ComeInEveryFormat_AndShiftJisRefusalIsExplained()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        await using var factory = await TsunaguFactory.StartAsync(database);
        var viewer = await WebClient.SignInAsync(factory, await factory.AddUserAsync(Roles.Viewer));

        var xlsx = await viewer.Http.GetAsync("/reports/2024?handler=download&format=xlsx");
        var tsv = await viewer.Http.GetAsync("/reports/2024?handler=download&format=tsv");
        var sjis = await viewer.Http.GetAsync("/reports/2024?handler=download&format=csv&encoding=cp932");

        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.Content.Headers.ContentType!.MediaType);
        Assert.Equal("PK"u8.ToArray(), (await xlsx.Content.ReadAsByteArrayAsync())[..2]);
        Assert.Contains("令和6年度", xlsx.Content.Headers.ContentDisposition!.FileNameStar);
        Assert.Equal(Seed.Text() + "\n", await tsv.Content.ReadAsStringAsync());
        Assert.Equal("text/csv", sjis.Content.Headers.ContentType!.MediaType);
        Assert.Equal("shift_jis", sjis.Content.Headers.ContentType.CharSet);

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ReportWorkflow>()
                .EditCellAsync(2024, "P001", ReportColumnRole.Evaluation, "𠮷田さんの相談", "test", null);
        }
        var refused = await viewer.Http.GetAsync("/reports/2024?handler=download&format=csv&encoding=cp932");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("text/html", refused.Content.Headers.ContentType!.MediaType);
        Assert.Contains("「𠮷」(U+20BB7) P001 実績に対する評価", (await WebClient.ParseAsync(refused)).QuerySelector(".errors")!.TextContent);
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task TwoPlannersSettingFiguresOfOneCellAtOnce_AreBothAnswered_AndBothFiguresAreKept(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        using var files = new TempFolder();
        await CliRun.RunOkAsync(database, "report", "import", Seed.Write(files.Path, "r6-main-8-programs.tsv", Seed.Bytes()));
        await using var factory = await TsunaguFactory.StartAsync(database);
        var first = await WebClient.SignInAsync(factory, await factory.AddUserAsync(Roles.Planner));
        var second = await WebClient.SignInAsync(factory, await factory.AddUserAsync(Roles.Planner));

        var answers = new List<HttpStatusCode>();
        var kept = new List<(decimal, decimal)>();
        for (var round = 1; round <= 30; round++)
        {
            var both = await Task.WhenAll(
                first.Http.PutAsJsonAsync("/api/v1/reports/2024/programs/P003/figures/0", new { value = 100 + round }),
                second.Http.PutAsJsonAsync("/api/v1/reports/2024/programs/P003/figures/1", new { value = 70_000 + round }));
            answers.AddRange(both.Select(a => a.StatusCode));
            using var program = JsonDocument.Parse(await first.Http.GetStringAsync("/api/v1/programs/P003"));
            var figures = program.RootElement.GetProperty("figures").EnumerateArray().Select(f => f.GetProperty("value").GetDecimal()).ToList();
            kept.Add((figures[0] - 100, figures[1] - 70_000));
        }

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a));
        Assert.Equal(Enumerable.Range(1, 30).Select(r => ((decimal)r, (decimal)r)), kept);
    }

    [Fact]
    public async Task Api_ReadsAndWritesWithTheSameRules_AndDescribesItself()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        await using var factory = await TsunaguFactory.StartAsync(database);
        var planner = await WebClient.SignInAsync(factory, await factory.AddUserAsync(Roles.Planner));

        using var report = JsonDocument.Parse(await planner.Http.GetStringAsync("/api/v1/reports/2024"));
        using var findings = JsonDocument.Parse(await planner.Http.GetStringAsync("/api/v1/reports/2024/findings"));
        using var program = JsonDocument.Parse(await planner.Http.GetStringAsync("/api/v1/programs/P003"));
        var missing = await planner.Http.GetAsync("/api/v1/reports/2030");
        var put = await planner.Http.PutAsJsonAsync("/api/v1/reports/2024/programs/P003/evaluation", new { text = "API から" });
        var wrongType = await planner.Http.PutAsync("/api/v1/reports/2024/programs/P003/evaluation",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["text"] = "form" }));
        await PublishAsync(factory);
        var published = await planner.Http.PutAsJsonAsync("/api/v1/reports/2024/programs/P003/evaluation", new { text = "理由なし" });
        using var openApi = JsonDocument.Parse(await planner.Http.GetStringAsync("/api/v1/openapi.json"));

        Assert.Equal(8, report.RootElement.GetProperty("programs").GetArrayLength());
        Assert.Equal(11, findings.RootElement.GetArrayLength());
        Assert.Equal([88m, 73119m, 7762m], program.RootElement.GetProperty("figures").EnumerateArray().Select(f => f.GetProperty("value").GetDecimal()));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, published.StatusCode);
        Assert.Equal("application/problem+json", published.Content.Headers.ContentType!.MediaType);
        Assert.Contains("理由が必要", (await published.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        var paths = openApi.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/reports/{year}", paths);
        Assert.Contains("/api/v1/reports/{year}/programs/{code}/evaluation", paths);
        await using var db = database.NewDb();
        Assert.Equal("API から", await db.ReportRows.Where(r => r.Program.Code == "P003").Select(r => r.Evaluation).SingleAsync());
    }

    [Fact]
    public async Task FilesByApiAndPage_ComeInEveryFormat_AndABadFormatOrEncodingIs400()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        await using var factory = await TsunaguFactory.StartAsync(database);
        var viewer = await WebClient.SignInAsync(factory, await factory.AddUserAsync(Roles.Viewer));

        var figures = await viewer.Http.GetAsync("/api/v1/reports/2024/files/figures-csv");
        var sjis = await viewer.Http.GetAsync("/api/v1/reports/2024/files/figures-csv?encoding=cp932");
        var unknown = await viewer.Http.GetAsync("/api/v1/reports/2024/files/pdf");
        var xlsxInSjis = await viewer.Http.GetAsync("/api/v1/reports/2024/files/xlsx?encoding=cp932");
        var page = await viewer.Http.GetAsync("/reports/2024?handler=download&format=figures-xlsx");
        var pageUnknown = await viewer.Http.GetAsync("/reports/2024?handler=download&format=pdf");

        Assert.Equal(HttpStatusCode.OK, figures.StatusCode);
        Assert.Equal("text/csv", figures.Content.Headers.ContentType!.MediaType);
        Assert.Equal("令和6年度_実績数値.csv", figures.Content.Headers.ContentDisposition!.FileNameStar);
        var lines = (await figures.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("年度（西暦）,年度（和暦）,全国地方公共団体コード,", lines[0].TrimStart('\uFEFF'));
        Assert.Contains("2024,令和6年度,041009,仙台市,下書き,,P001,学習・生活サポート事業,利用者数,利用者数,303,人,実人数,0,取込,1,,", lines);
        Assert.Equal("shift_jis", sjis.Content.Headers.ContentType!.CharSet);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("format", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Single().Name);
        Assert.Equal(HttpStatusCode.BadRequest, xlsxInSjis.StatusCode);
        Assert.Equal("application/problem+json", xlsxInSjis.Content.Headers.ContentType!.MediaType);
        Assert.Equal("PK"u8.ToArray(), (await page.Content.ReadAsByteArrayAsync())[..2]);
        Assert.Equal(HttpStatusCode.BadRequest, pageUnknown.StatusCode);
        Assert.Contains("形式「pdf」では書き出せません", (await WebClient.ParseAsync(pageUnknown)).QuerySelector(".errors")!.TextContent);
    }
}
