using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Indicators;
using Tsunagu.People;
using Tsunagu.Tests.Infrastructure;
using WebClient = Tsunagu.Tests.Web.WebClient;

namespace Tsunagu.Tests.People;

/// <summary>Ending support with a reason in a step of its own, and coming back as a new period.</summary>
public class EnrollmentTests
{
    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task EndingTakesAReasonAndAConfirmation_ReEnrolmentIsANewPeriod_AndTheFiguresCountThePersonOnce(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var client = await world.SignInAsync("caseworkerA");
        await world.DefineAsync(new DefinitionInput("P001", "everyone", 2024, 0, "登録者数", "人", MeasureKind.EnrolledPersons));
        var endPage = $"/people/{world.Alice}/enrollments/{world.AliceEnrollment}/end";
        object Contact(string date) => new { ProgramCode = "P001", Date = date, Kind = "StudySession", Channel = "Visit", Notes = new { PersonSaid = "後日記入" } };

        var person = await client.GetDocumentAsync($"/people/{world.Alice}");
        var confirm = await client.GetDocumentAsync(endPage);
        var noReason = await client.SubmitAsync(endPage, "main form", new() { ["To"] = "2024-06-10" });
        var beforeLastContact = await client.SubmitAsync(endPage, "main form", new() { ["To"] = "2024-06-05", ["Reason"] = "転出" });
        var unlisted = await client.SubmitAsync(endPage, "main form", new() { ["To"] = "2024-06-10", ["Reason"] = "気分で" });
        var ended = await client.SubmitAsync(endPage, "main form", new() { ["To"] = "2024-06-10", ["Reason"] = "転出" });
        var afterEnd = await client.GetDocumentAsync($"/people/{world.Alice}");
        var lastDay = await client.Http.PostAsJsonAsync($"/api/v1/people/{world.Alice}/contacts", Contact("2024-06-10"));
        var dayAfter = await client.Http.PostAsJsonAsync($"/api/v1/people/{world.Alice}/contacts", Contact("2024-06-11"));
        var overlapping = await client.SubmitAsync($"/people/{world.Alice}", "form#enroll", new() { ["from"] = "2024-06-10", ["source"] = "Self" });
        var reEnrolled = await client.SubmitAsync($"/people/{world.Alice}", "form#enroll", new() { ["from"] = "2024-06-18", ["source"] = "Self" });
        var inTheGap = await client.Http.PostAsJsonAsync($"/api/v1/people/{world.Alice}/contacts", Contact("2024-06-15"));
        var inNewPeriod = await client.Http.PostAsJsonAsync($"/api/v1/people/{world.Alice}/contacts", Contact("2024-06-18"));
        var outsider = await (await world.SignInAsync("caseworkerB")).Http.GetAsync(endPage);

        // The person page links to the step; the contact form comes before everything else.
        Assert.Null(person.QuerySelector("form[action*=endEnrollment]"));
        Assert.NotNull(person.QuerySelector($"a[href='{endPage}']"));
        Assert.Equal("記録する", person.QuerySelector("main h2")!.TextContent);
        Assert.Contains("この期間の記録2件（最後は令和6年6月8日）", confirm.QuerySelector("dl")!.TextContent.Replace("\n", "").Replace(" ", ""));
        Assert.Equal("", ((AngleSharp.Html.Dom.IHtmlSelectElement)confirm.QuerySelector("#reason")!).Value);
        Assert.Equal("高等学校等へ進学", confirm.QuerySelectorAll("#reason option")[1].TextContent);
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal("終結理由: 選んでください。", (await WebClient.ParseAsync(noReason)).QuerySelector("#reason-error")!.TextContent);
        Assert.Equal("終了日: 令和6年6月8日の記録があります。それより後の日を選んでください。", (await WebClient.ParseAsync(beforeLastContact)).QuerySelector("#to-error")!.TextContent);
        Assert.Equal("終結理由: 一覧から選んでください。", (await WebClient.ParseAsync(unlisted)).QuerySelector("#reason-error")!.TextContent);
        Assert.Equal(HttpStatusCode.Redirect, ended.StatusCode);
        Assert.Contains("令和6年6月10日まで", afterEnd.QuerySelector("ul.enrollments")!.TextContent);
        Assert.Contains("終了・転出", afterEnd.QuerySelector("ul.enrollments")!.TextContent);
        // No contact form for an ended enrolment, but the notice and the way back.
        Assert.Null(afterEnd.QuerySelector("form[action*=contact]"));
        Assert.Contains("学習・生活サポート事業の登録は終了しています（令和6年6月10日まで）。支援を続けるときは再登録してください。", afterEnd.QuerySelector(".notice.ended")!.TextContent);
        // Written up afterwards: up to the last day, not after it.
        Assert.True(lastDay.StatusCode == HttpStatusCode.Created, await lastDay.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, dayAfter.StatusCode);
        Assert.Equal("登録日: 前の登録が令和6年6月10日まであります。その翌日以降にしてください。", (await WebClient.ParseAsync(overlapping)).QuerySelector("#from-error")!.TextContent);
        Assert.Equal(HttpStatusCode.Redirect, reEnrolled.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, inTheGap.StatusCode);
        Assert.Contains("登録期間の外の日付です（2024-04-10〜2024-06-10、2024-06-18〜）", await inTheGap.Content.ReadAsStringAsync());
        Assert.True(inNewPeriod.StatusCode == HttpStatusCode.Created, await inNewPeriod.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, outsider.StatusCode);

        await using var check = world.Database.NewDb();
        var periods = await check.Enrollments.Where(e => e.PersonId == world.Alice).OrderBy(e => e.From)
            .Select(e => new { e.From, e.To, e.Status, e.EndReason, e.Source }).ToListAsync();
        Assert.Equal([
            new { From = new DateOnly(2024, 4, 10), To = (DateOnly?)new DateOnly(2024, 6, 10), Status = EnrollmentStatus.Ended, EndReason = (string?)"転出", Source = ReferralSource.School },
            new { From = new DateOnly(2024, 6, 18), To = (DateOnly?)null, Status = EnrollmentStatus.Active, EndReason = (string?)null, Source = ReferralSource.Self },
        ], periods);
        Assert.Equal([("enrollment.end", "2024-06-10 転出"), ("enrollment.start", "2024-06-18 本人・家族 再登録")],
            (await check.AuditEntries.Where(a => a.Action.StartsWith("enrollment.")).OrderBy(a => a.Id).Select(a => new { a.Action, a.After }).ToListAsync())
                .Select(a => (a.Action, a.After)));
        // Two periods in the year, one person: 登録者数 is Alice and her mother.
        Assert.Equal(2m, (await world.ComputeAsync())["P001.everyone"]);
    }

    /// <summary>The API's enrolment changes are the page's: the end reason from the program's list, the day after the last contact, approval by the manager, re-enrolment after the end.</summary>
    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task EnrolmentApi_EndsApprovesAndEnrolsAgain_UnderThePagesRules_OnlyWithinTheCallersPrograms(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var caseworker = await world.SignInAsync("caseworkerA");
        var manager = await world.SignInAsync("managerA");
        var other = await world.SignInAsync("caseworkerB");
        var end = $"/api/v1/enrollments/{world.AliceEnrollment}/end";
        var staff = await caseworker.Http.GetFromJsonAsync<JsonElement>($"/api/v1/enrollments/{world.AliceEnrollment}/staff");
        var caseworkersId = staff.EnumerateArray().Single(s => s.GetProperty("name").GetString() == world.Users["caseworkerA"]).GetProperty("id").GetString();
        var othersStaff = await other.Http.GetAsync($"/api/v1/enrollments/{world.AliceEnrollment}/staff");
        var transfer = $"/api/v1/enrollments/{world.AliceEnrollment}/transfer";
        var othersTransfer = await other.Http.PostAsJsonAsync(transfer, new { toUserId = caseworkersId, reason = "異動" });
        // Alice's case has no worker yet: only the program's manager may hand it over.
        var notTheirs = await caseworker.Http.PostAsJsonAsync(transfer, new { toUserId = caseworkersId, reason = "担当の異動" });
        var noReason = await manager.Http.PostAsJsonAsync(transfer, new { toUserId = caseworkersId, reason = "" });
        var transferred = await manager.Http.PostAsJsonAsync(transfer, new { toUserId = caseworkersId, reason = "担当の異動" });

        var beforeLastContact = await caseworker.Http.PostAsJsonAsync(end, new { to = "2024-06-05", reason = "高等学校等へ進学" });
        var notAReason = await caseworker.Http.PostAsJsonAsync(end, new { to = "2024-06-19", reason = "なんとなく" });
        var othersEnd = await other.Http.PostAsJsonAsync(end, new { to = "2024-06-19", reason = "高等学校等へ進学" });
        var ended = await caseworker.Http.PostAsJsonAsync(end, new { to = "2024-06-19", reason = "高等学校等へ進学" });
        var caseworkerApproves = await caseworker.Http.PostAsync($"/api/v1/enrollments/{world.AliceEnrollment}/closure-approval", null);
        var approved = await manager.Http.PostAsync($"/api/v1/enrollments/{world.AliceEnrollment}/closure-approval", null);
        var approvedAgain = await manager.Http.PostAsync($"/api/v1/enrollments/{world.AliceEnrollment}/closure-approval", null);
        var tooEarly = await caseworker.Http.PostAsJsonAsync($"/api/v1/people/{world.Alice}/enrollments", new { programCode = "P001", from = "2024-06-19", source = "School" });
        var othersEnrol = await other.Http.PostAsJsonAsync($"/api/v1/people/{world.Alice}/enrollments", new { programCode = "P008", from = "2024-06-20", source = "School" });
        var notTheirProgram = await other.Http.PostAsJsonAsync($"/api/v1/people/{world.Bob}/enrollments", new { programCode = "P001", from = "2024-06-20", source = "School" });
        var again = await caseworker.Http.PostAsJsonAsync($"/api/v1/people/{world.Alice}/enrollments", new { programCode = "P001", from = "2024-06-20", source = "Self" });

        Assert.Equal(HttpStatusCode.NotFound, othersStaff.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, othersTransfer.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, notTheirs.StatusCode);
        Assert.Contains("担当替えの理由", await WebClient.FieldErrorAsync(noReason, "reason"));
        Assert.Equal(HttpStatusCode.NoContent, transferred.StatusCode);
        Assert.Contains("令和6年6月8日の記録があります", await WebClient.FieldErrorAsync(beforeLastContact, "to"));
        Assert.Contains("一覧から選んでください", await WebClient.FieldErrorAsync(notAReason, "reason"));
        Assert.Equal(HttpStatusCode.NotFound, othersEnd.StatusCode);
        var endedItem = await ended.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("Ended", "2024-06-19", "高等学校等へ進学"), (endedItem.GetProperty("status").GetString(), endedItem.GetProperty("to").GetString(), endedItem.GetProperty("endReason").GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, caseworkerApproves.StatusCode);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, approvedAgain.StatusCode);
        Assert.Contains("その翌日以降にしてください", await WebClient.FieldErrorAsync(tooEarly, "from"));
        Assert.Equal(HttpStatusCode.NotFound, othersEnrol.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, notTheirProgram.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        var againItem = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("P001", "Active", "Self"), (againItem.GetProperty("programCode").GetString(), againItem.GetProperty("status").GetString(), againItem.GetProperty("source").GetString()));
        await using var db = world.Database.NewDb();
        var periods = await db.Enrollments.Where(e => e.PersonId == world.Alice).OrderBy(e => e.From).ToListAsync();
        Assert.Equal([(EnrollmentStatus.Ended, true), (EnrollmentStatus.Active, false)], periods.Select(e => (e.Status, e.ClosureApprovedAt is not null)));
        Assert.Equal(["P008"], await db.Enrollments.Where(e => e.PersonId == world.Bob).Select(e => e.Program.Code).ToListAsync());
        // Ending reads the enrolment (and so Alice) before anything: the refused attempts too, since their answers tell of her.
        Assert.Equal(3, await db.AccessLog.CountAsync(e => e.PersonId == world.Alice && e.Source == "POST /api/v1/enrollments/{id}/end"));
        Assert.False(await db.AccessLog.AnyAsync(e => e.UserName == world.Users["caseworkerB"] && e.PersonId == world.Alice));
        Assert.Equal(caseworkersId, periods[0].OwnerUserId);
        Assert.Equal(["enrollment.transfer", "enrollment.end", "enrollment.closure-approve", "enrollment.start"],
            await db.AuditEntries.Where(a => a.Action.StartsWith("enrollment.")).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
    }
}
