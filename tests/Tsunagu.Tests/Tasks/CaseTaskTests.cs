using System.Net;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Contacts;
using Tsunagu.Plans;
using Tsunagu.Referrals;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Tasks;

/// <summary>やること on the caseload and the person page, on 20 June 2024 (a Thursday).</summary>
public class CaseTaskTests
{
    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task FollowUpsReviewsAndReferralsDue_StandOutWhenOverdue_AndGoWhenDone(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        await using (var db = world.Database.NewDb())
        {
            var workerId = await db.Users.Where(u => u.Email == world.Users["caseworkerA"]).Select(u => u.Id).SingleAsync();
            await db.Enrollments.Where(e => e.Id == world.AliceEnrollment).ExecuteUpdateAsync(s => s.SetProperty(e => e.OwnerUserId, workerId));
            // The latest contact (8 June) said: next on 10 June. Nothing since.
            var latest = await db.Contacts.Where(c => c.Persons.Any(p => p.PersonId == world.Alice)).OrderByDescending(c => c.Date).FirstAsync();
            latest.NextOn = new DateOnly(2024, 6, 10);
            db.SupportPlans.Add(new SupportPlan
            {
                EnrollmentId = world.AliceEnrollment,
                Version = 1,
                Assessment = "状況",
                ReviewOn = new DateOnly(2024, 6, 25),
                Status = PlanStatus.Approved,
                WrittenByUserId = workerId,
                WrittenBy = "職員",
                WrittenAt = RecordsWorld.Today.GetUtcNow().AddDays(-60),
                Goals = [new PlanGoal { Position = 1, Text = "目標" }],
            });
            // 佐藤太郎 referred from P008 to P001 on Wednesday 12 June: five working days end on Wednesday 19 June.
            db.Referrals.Add(new Referral
            {
                PersonId = world.Bob,
                FromProgramId = await world.ProgramIdAsync("P008"),
                ToProgramId = await world.ProgramIdAsync("P001"),
                Reason = "学習支援の相談",
                Status = ReferralStatus.Sent,
                SentBy = "職員",
                SentAt = new DateTimeOffset(2024, 6, 12, 1, 0, 0, TimeSpan.Zero),
            });
            await db.SaveChangesAsync();
        }
        var worker = await world.SignInAsync("caseworkerA");

        var rows = Rows(await worker.GetDocumentAsync("/caseload"));
        Assert.Equal(
        [
            "令和6年6月10日（10日超過）|次回予定|髙橋 𠮷子|overdue",
            "令和6年6月19日（1日超過）|つなぐ依頼への返事|佐藤 太郎|overdue",
            "令和6年6月25日（あと5日）|支援計画の見直し|髙橋 𠮷子|",
        ], rows);
        var person = await worker.GetDocumentAsync($"/people/{world.Alice}");
        Assert.Equal(2, person.QuerySelectorAll("ul.tasks li").Length);
        Assert.Single(person.QuerySelectorAll("ul.tasks .status.overdue"));

        // A contact today with the next visit on 27 June closes the overdue follow-up and opens the next one.
        var saved = await worker.SubmitAsync($"/people/{world.Alice}", "#contact-form", new()
        {
            ["Contact.Kind"] = nameof(ContactKind.Consultation),
            ["Contact.PersonSaid"] = "模試の結果を見せてくれた",
            ["Contact.NextOn"] = "2024-06-27",
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        rows = Rows(await worker.GetDocumentAsync("/caseload"));
        Assert.Contains("令和6年6月27日（あと7日）|次回予定|髙橋 𠮷子|", rows);
        Assert.DoesNotContain(rows, r => r.StartsWith("令和6年6月10日", StringComparison.Ordinal));

        var refused = await worker.SubmitAsync($"/people/{world.Alice}", "#contact-form", new()
        {
            ["Contact.Kind"] = nameof(ContactKind.Consultation),
            ["Contact.PersonSaid"] = "電話",
            ["Contact.NextOn"] = "2024-06-20",
        });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("次回予定日: 記録日の翌日から1年以内の日にしてください。", (await Web.WebClient.ParseAsync(refused)).QuerySelector("#next-on + .field-error, .field-error")!.TextContent);
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task AManager_SeesTheApprovalsOfTheProgram_AWorkerDoesNot(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var worker = await world.SignInAsync("caseworkerA");
        await worker.SubmitAsync($"/people/{world.Alice}/enrollments/{world.AliceEnrollment}/plan", "form#write",
            new() { ["Plan.Assessment"] = "状況", ["Plan.Goals[0]"] = "目標", ["Plan.ReviewOn"] = "2024-09-20" });

        Assert.DoesNotContain(Rows(await worker.GetDocumentAsync("/caseload?owner=all")), r => r.Contains("承認", StringComparison.Ordinal));
        var manager = await world.SignInAsync("managerA");
        // Written today: the approval is due in five working days (Thursday 27 June).
        Assert.Contains("令和6年6月27日（あと7日）|支援計画の承認|髙橋 𠮷子|", Rows(await manager.GetDocumentAsync("/caseload")));
    }

    static List<string> Rows(AngleSharp.Html.Dom.IHtmlDocument page) =>
        [.. page.QuerySelectorAll("#task-list tbody tr").Select(tr =>
            $"{tr.Children[0].TextContent.Trim()}|{tr.Children[1].TextContent.Trim()}|{tr.Children[2].TextContent.Trim()}|{tr.ClassName}")];
}
