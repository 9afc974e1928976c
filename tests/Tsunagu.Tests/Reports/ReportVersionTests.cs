using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Tests.Infrastructure;
using Tsunagu.Tests.Web;
using WebClient = Tsunagu.Tests.Web.WebClient;

namespace Tsunagu.Tests.Reports;

/// <summary>No lost updates: two planners who read the same evaluation and both save it — the second is told, not overwritten.</summary>
public class ReportVersionTests
{
    static async Task<string> EvaluationAsync(TestDatabase database)
    {
        await using var db = database.NewDb();
        return await db.ReportRows.Where(r => r.Program.Code == "P003").Select(r => r.Evaluation).SingleAsync();
    }

    static HttpRequestMessage Put(string url, object body, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return request;
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Api_TwoPlannersSavingOneEvaluation_TheSecondOnAStaleETagGets412_AndTheFirstsTextStays(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind, migrate: false);
        await using var factory = await TsunaguFactory.StartAsync(database);
        var first = await WebClient.SignInAsync(factory, await factory.AddUserAsync(Roles.Planner));
        var second = await WebClient.SignInAsync(factory, await factory.AddUserAsync(Roles.Planner));
        const string Row = "/api/v1/reports/2024/programs/P003";

        var read = await first.Http.GetAsync(Row);
        var etag = read.Headers.ETag!.Tag;
        var readBySecond = (await second.Http.GetAsync(Row)).Headers.ETag!.Tag;
        var saved = await first.Http.SendAsync(Put(Row + "/evaluation", new { text = "一人目の評価。" }, etag));
        var stale = await second.Http.SendAsync(Put(Row + "/evaluation", new { text = "二人目の評価。" }, readBySecond));
        var figureOnStale = await second.Http.SendAsync(Put(Row + "/figures/0", new { value = 90 }, readBySecond));
        var reread = await second.Http.GetAsync(Row);
        var retried = await second.Http.SendAsync(Put(Row + "/evaluation", new { text = "二人目の評価（一人目を読んで）。" }, reread.Headers.ETag!.Tag));
        var garbage = await second.Http.SendAsync(Put(Row + "/evaluation", new { text = "x" }, "\"abc\""));
        // If-Match compares strongly: the current version as a weak tag is not a match.
        var weak = await second.Http.SendAsync(Put(Row + "/evaluation", new { text = "x" }, "W/" + retried.Headers.ETag!.Tag));

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(etag, readBySecond);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.NotEqual(etag, saved.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("application/problem+json", stale.Content.Headers.ContentType!.MediaType);
        Assert.Contains("ほかの人が変更しました", (await stale.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.PreconditionFailed, figureOnStale.StatusCode);
        Assert.Equal(saved.Headers.ETag!.Tag, reread.Headers.ETag!.Tag);
        Assert.Equal("一人目の評価。", (await reread.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("evaluation").GetString());
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, garbage.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, weak.StatusCode);
        Assert.Equal("二人目の評価（一人目を読んで）。", await EvaluationAsync(database));
        await using var db = database.NewDb();
        // The refused ones wrote nothing: two evaluation updates in the audit, no figure update.
        Assert.Equal(2, await db.AuditEntries.CountAsync(a => a.Action == Tsunagu.Audit.AuditActions.EvaluationUpdate));
        Assert.Equal(0, await db.AuditEntries.CountAsync(a => a.Action == Tsunagu.Audit.AuditActions.FigureUpdate));
    }

    [Fact]
    public async Task Api_AStatusMoveOnAStaleReportETag_Is412_AndTheReportsETagFollowsEveryChange()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        await using var factory = await TsunaguFactory.StartAsync(database);
        var planner = await WebClient.SignInAsync(factory, await factory.AddUserAsync(Roles.Planner));

        var before = (await planner.Http.GetAsync("/api/v1/reports/2024")).Headers.ETag!.Tag;
        await planner.Http.SendAsync(Put("/api/v1/reports/2024/programs/P003/evaluation", new { text = "変更。" }, null));
        var after = (await planner.Http.GetAsync("/api/v1/reports/2024")).Headers.ETag!.Tag;
        var stale = await planner.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/reports/2024/status")
        {
            Content = JsonContent.Create(new { to = "BureauCheck" }),
            Headers = { { "If-Match", before } },
        });
        var current = await planner.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/reports/2024/status")
        {
            Content = JsonContent.Create(new { to = "BureauCheck" }),
            Headers = { { "If-Match", after } },
        });

        Assert.NotEqual(before, after);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        await using var db = database.NewDb();
        Assert.Equal(Tsunagu.Reports.ReportStatus.BureauCheck, await db.Reports.Where(r => r.FiscalYear == 2024).Select(r => r.Status).SingleAsync());
    }

    [Fact]
    public async Task Page_TwoPlannersSavingOneEvaluation_TheSecondSeesTheConflictWithBothTexts_AndNothingIsOverwritten()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        await using var factory = await TsunaguFactory.StartAsync(database);
        var first = await WebClient.SignInAsync(factory, await factory.AddUserAsync(Roles.Planner));
        var second = await WebClient.SignInAsync(factory, await factory.AddUserAsync(Roles.Planner));
        // Both open the program's page; the first saves.
        var firstPage = await first.GetDocumentAsync("/programs/P003");
        var secondPage = await second.GetDocumentAsync("/programs/P003");
        IHtmlFormElement Evaluation(AngleSharp.Html.Dom.IHtmlDocument page) => page.QuerySelectorAll("form[action*=evaluation]").OfType<IHtmlFormElement>().First();
        Assert.Equal(HttpStatusCode.Redirect, (await first.SubmitAsync(Evaluation(firstPage), "/programs/P003", new() { ["text"] = "一人目の評価。" })).StatusCode);

        var conflict = await second.SubmitAsync(Evaluation(secondPage), "/programs/P003", new() { ["text"] = "二人目の評価。" });

        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        var shown = await WebClient.ParseAsync(conflict);
        Assert.Contains("保存していません", shown.QuerySelector(".errors")!.TextContent);
        Assert.Equal("一人目の評価。", shown.QuerySelector(".conflict blockquote")!.TextContent);
        // What the second typed is kept in the box, now on the current version: saving again is a decision.
        var form = Evaluation(shown);
        Assert.Equal("二人目の評価。", form.QuerySelector("textarea")!.TextContent);
        Assert.Equal("一人目の評価。", await EvaluationAsync(database));
        Assert.Equal(HttpStatusCode.Redirect, (await second.SubmitAsync(form, "/programs/P003", new() { ["text"] = "二人目の評価（確認済み）。" })).StatusCode);
        Assert.Equal("二人目の評価（確認済み）。", await EvaluationAsync(database));
    }
}
