using System.Net;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Audit;
using Tsunagu.Plans;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Plans;

public class SupportPlanTests
{
    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task APlan_IsWritten_ApprovedByTheManager_Reviewed_Revised_AndKeptAsHistory(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var worker = await world.SignInAsync("caseworkerA");
        var manager = await world.SignInAsync("managerA");
        var url = $"/people/{world.Alice}/enrollments/{world.AliceEnrollment}/plan";

        // Refused by the field: no goal, a review day in the past. Nothing written.
        var refused = await worker.SubmitAsync(url, "form#write", new()
        {
            ["Plan.Assessment"] = "数学に苦手意識。家庭学習の場所がない。",
            ["Plan.Goals[0]"] = "",
            ["Plan.ReviewOn"] = "2024-06-01",
        });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("目標: 一つは書いてください", (await Web.WebClient.ParseAsync(refused)).Body!.TextContent);
        var pastReview = await worker.SubmitAsync(url, "form#write", new()
        {
            ["Plan.Assessment"] = "数学に苦手意識。",
            ["Plan.Goals[0]"] = "学習会に通う",
            ["Plan.ReviewOn"] = "2024-06-01",
        });
        Assert.Equal(HttpStatusCode.BadRequest, pastReview.StatusCode);
        Assert.Contains("見直し予定日: 今日より前の日付です", (await Web.WebClient.ParseAsync(pastReview)).Body!.TextContent);
        await using (var before = world.Database.NewDb())
        {
            Assert.False(await before.SupportPlans.AnyAsync());
        }

        var written = await worker.SubmitAsync(url, "form#write", new()
        {
            ["Plan.Assessment"] = "数学に苦手意識。家庭学習の場所がない。",
            ["Plan.Goals[0]"] = "週2回の学習会に通う",
            ["Plan.Goals[1]"] = "志望校を決める",
            ["Plan.What[0]"] = "学習会での個別支援",
            ["Plan.Frequency[0]"] = "週2回",
            ["Plan.Who[0]"] = "学習支援員",
            ["Plan.ReviewOn"] = "2024-09-20",
        });
        Assert.Equal(HttpStatusCode.Redirect, written.StatusCode);

        // The worker cannot approve; the manager sees the buttons and approves.
        Assert.Null((await worker.GetDocumentAsync(url)).QuerySelector("form[action*=approve]"));
        var page = await manager.GetDocumentAsync(url);
        Assert.Contains("第1版（承認待ち）", page.QuerySelector("#waiting")!.TextContent);
        Assert.Equal(HttpStatusCode.Redirect, (await manager.SubmitAsync(url, "form[action*=approve]", [])).StatusCode);

        // A review: every goal's progress, the next review day moves the plan's.
        page = await worker.GetDocumentAsync(url);
        Assert.Contains("第1版・承認済み", page.QuerySelector("#in-force")!.TextContent);
        var goals = page.QuerySelectorAll("select[name^=progress]").Select(s => s.GetAttribute("name")!).ToList();
        Assert.Equal(2, goals.Count);
        var partial = await worker.SubmitAsync(url, "form[action*=review]", new() { [goals[0]] = "Achieved", ["nextReviewOn"] = "2024-12-20" });
        Assert.Equal(HttpStatusCode.BadRequest, partial.StatusCode);
        Assert.Contains("目標2の状況を選んでください", (await Web.WebClient.ParseAsync(partial)).QuerySelector(".errors")?.TextContent);
        Assert.Equal(HttpStatusCode.Redirect, (await worker.SubmitAsync(url, "form[action*=review]",
            new() { [goals[0]] = "Achieved", [goals[1]] = "Progressing", ["summary"] = "学習会に毎回来ている", ["nextReviewOn"] = "2024-12-20" })).StatusCode);

        // Revised: version 2 waits; version 1 stays in force until the manager approves it, then becomes history.
        Assert.Equal(HttpStatusCode.Redirect, (await worker.SubmitAsync(url, "form#write", new() { ["Plan.Goals[1]"] = "第一志望校の模試でB判定", ["Plan.ReviewOn"] = "2024-10-01" })).StatusCode);
        page = await worker.GetDocumentAsync(url);
        Assert.Contains("第1版・承認済み", page.QuerySelector("#in-force")!.TextContent);
        var returned = await manager.SubmitAsync(url, "form[action*=return]", new() { ["reason"] = "" });
        Assert.Equal(HttpStatusCode.BadRequest, returned.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await manager.SubmitAsync(url, "form[action*=approve]", [])).StatusCode);
        page = await worker.GetDocumentAsync(url);
        Assert.Contains("第2版・承認済み", page.QuerySelector("#in-force")!.TextContent);
        Assert.Contains("第1版", page.QuerySelector("details summary")!.TextContent);

        await using var db = world.Database.NewDb();
        var versions = await db.SupportPlans.Include(p => p.Goals).Include(p => p.Reviews).OrderBy(p => p.Version).ToListAsync();
        Assert.Equal([PlanStatus.Superseded, PlanStatus.Approved], versions.Select(v => v.Status));
        Assert.Equal(new DateOnly(2024, 12, 20), versions[0].ReviewOn);
        Assert.Single(versions[0].Reviews);
        Assert.Equal(["週2回の学習会に通う", "第一志望校の模試でB判定"], versions[1].Goals.OrderBy(g => g.Position).Select(g => g.Text));
        var audit = await db.AuditEntries.Where(a => a.Action.StartsWith("plan.")).OrderBy(a => a.Id).ToListAsync();
        Assert.Equal([AuditActions.PlanWrite, AuditActions.PlanApprove, AuditActions.PlanReview, AuditActions.PlanWrite, AuditActions.PlanApprove], audit.Select(a => a.Action));
        Assert.All(audit, a => Assert.DoesNotContain("学習", $"{a.Before} {a.After} {a.Reason}"));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task AManager_CannotApproveTheirOwnPlan_AndApprovesAClosure(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var manager = await world.SignInAsync("managerA");
        var url = $"/people/{world.Alice}/enrollments/{world.AliceEnrollment}/plan";
        await manager.SubmitAsync(url, "form#write", new() { ["Plan.Assessment"] = "状況", ["Plan.Goals[0]"] = "目標", ["Plan.ReviewOn"] = "2024-09-20" });
        Assert.Null((await manager.GetDocumentAsync(url)).QuerySelector("form[action*=approve]"));

        var worker = await world.SignInAsync("caseworkerA");
        var end = $"/people/{world.Alice}/enrollments/{world.AliceEnrollment}/end";
        Assert.Equal(HttpStatusCode.Redirect, (await worker.SubmitAsync(end, "main form", new() { ["To"] = "2024-06-20", ["Reason"] = "転出" })).StatusCode);
        Assert.Contains("終結承認待ち", (await worker.GetDocumentAsync($"/people/{world.Alice}")).QuerySelector("#enrollments + ul")!.TextContent);
        Assert.Null((await worker.GetDocumentAsync(end)).QuerySelector("form[action*=approve]"));
        Assert.Equal(HttpStatusCode.Redirect, (await manager.SubmitAsync(end, "form[action*=approve]", [])).StatusCode);

        await using var db = world.Database.NewDb();
        var enrollment = await db.Enrollments.SingleAsync(e => e.Id == world.AliceEnrollment);
        Assert.NotNull(enrollment.ClosureApprovedAt);
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == AuditActions.EnrollmentClosureApprove && a.Subject == $"person:{world.Alice}"));
    }
}
