using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Referrals;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Referrals;

public class ReferralTests
{
    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Referral_AcrossTheEducationBoardBoundary_IsTheOnlyWayAndShowsOnlyTheReceiversOwnRecords(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var sender = await world.SignInAsync("caseworkerA");
        var receiver = await world.SignInAsync("caseworkerEdu");
        var p001 = await world.ProgramIdAsync("P001");
        var p003 = await world.ProgramIdAsync("P003");
        Assert.Equal(HttpStatusCode.NotFound, (await receiver.Http.GetAsync($"/people/{world.Alice}")).StatusCode);

        var sent = await sender.SubmitAsync($"/people/{world.Alice}", "form[action*=refer]",
            new() { ["fromProgramId"] = p001.ToString(CultureInfo.InvariantCulture), ["toProgramId"] = p003.ToString(CultureInfo.InvariantCulture), ["reason"] = "登校しぶりが続いている" });
        var inbox = await receiver.GetDocumentAsync("/referrals");
        var stillHidden = await receiver.Http.GetAsync($"/people/{world.Alice}");
        var accepted = await receiver.SubmitAsync("/referrals", "form[action*=decide]", new() { ["accept"] = "true", ["note"] = "SC が面談する" });
        var page = await receiver.GetDocumentAsync($"/people/{world.Alice}");

        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Contains(RecordsWorld.AliceName, inbox.QuerySelector("table")!.TextContent);
        Assert.Contains("登校しぶりが続いている", inbox.QuerySelector("table")!.TextContent);
        Assert.Equal(HttpStatusCode.NotFound, stillHidden.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Contains(RecordsWorld.AliceName, page.QuerySelector("h1")!.TextContent);
        // The school counsellor sees that Alice is theirs now, but not what the learning-support staff wrote.
        Assert.Empty(page.QuerySelectorAll("ol.timeline > li"));
        Assert.DoesNotContain("数学の課題", page.Body!.TextContent);
        Assert.DoesNotContain("学習・生活サポート事業", page.QuerySelector("main > h2 + ul")!.TextContent);

        await using var after = world.Database.NewDb();
        var referral = await after.Referrals.SingleAsync();
        Assert.Equal(ReferralStatus.Accepted, referral.Status);
        Assert.Equal(world.Users["caseworkerEdu"], referral.DecidedBy);
        Assert.True(await after.Enrollments.AnyAsync(e => e.PersonId == world.Alice && e.ProgramId == p003));
        Assert.Equal(["referral.send", "referral.accept"],
            await after.AuditEntries.Where(a => a.Action.StartsWith("referral")).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
        Assert.True(await after.AccessLog.AnyAsync(e => e.PersonId == world.Alice && e.UserName == world.Users["caseworkerEdu"] && e.Source == "GET /referrals"));
    }

    [Fact]
    public async Task Referral_Declined_EnrollsNobody_AndCannotBeDecidedTwice()
    {
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite);
        var sender = await world.SignInAsync("caseworkerA");
        var receiver = await world.SignInAsync("caseworkerB");
        var p001 = await world.ProgramIdAsync("P001");
        var p008 = await world.ProgramIdAsync("P008");
        await sender.SubmitAsync($"/people/{world.Mother}", "form[action*=refer]",
            new() { ["fromProgramId"] = p001.ToString(CultureInfo.InvariantCulture), ["toProgramId"] = p008.ToString(CultureInfo.InvariantCulture), ["reason"] = "家計の相談" });
        var form = (await receiver.GetDocumentAsync("/referrals")).QuerySelector("form[action*=decide]") as AngleSharp.Html.Dom.IHtmlFormElement;

        var declined = await receiver.SubmitAsync(form!, "/referrals", new() { ["accept"] = "false", ["note"] = "対象外" });
        var again = await receiver.SubmitAsync(form!, "/referrals", new() { ["accept"] = "true" });

        Assert.Equal(HttpStatusCode.Redirect, declined.StatusCode);
        Assert.Contains("すでに「不受理」", (await Web.WebClient.ParseAsync(again)).QuerySelector(".errors")!.TextContent);
        await using var after = world.Database.NewDb();
        Assert.Equal(ReferralStatus.Declined, (await after.Referrals.SingleAsync()).Status);
        Assert.False(await after.Enrollments.AnyAsync(e => e.PersonId == world.Mother && e.ProgramId == p008));
    }

    [Fact]
    public async Task Assignment_ToProgramsOfBothGoverningBodies_IsRefused()
    {
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite);

        var result = await CliRun.RunAsync(world.Database, "users", "assign", world.Users["caseworkerA"], "--program", "P003");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("教育委員会の事業と市長部局の事業の両方", result.Error);
        await using var db = world.Database.NewDb();
        Assert.Equal(1, await db.ProgramAssignments.CountAsync(a => db.Users.Any(u => u.Id == a.UserId && u.Email == world.Users["caseworkerA"])));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Referral_WithdrawnByTheSenderBeforeAnAnswer_CannotBeAcceptedAfterwards_AndShowsTheSendersName(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var sender = await world.SignInAsync("caseworkerA");
        var receiver = await world.SignInAsync("caseworkerEdu");
        await using (var db = world.Database.NewDb())
        {
            var user = await db.Users.SingleAsync(u => u.Email == world.Users["caseworkerA"]);
            user.DisplayName = "青葉 一郎";
            await db.SaveChangesAsync();
        }
        var p001 = (await world.ProgramIdAsync("P001")).ToString(CultureInfo.InvariantCulture);
        var p003 = (await world.ProgramIdAsync("P003")).ToString(CultureInfo.InvariantCulture);
        await sender.SubmitAsync($"/people/{world.Alice}", "form[action*=refer]", new() { ["fromProgramId"] = p001, ["toProgramId"] = p003, ["reason"] = "登校しぶり" });
        var inbox = await receiver.GetDocumentAsync("/referrals");
        var decideForm = (AngleSharp.Html.Dom.IHtmlFormElement)inbox.QuerySelector("form[action*=decide]")!;

        var noReason = await sender.SubmitAsync("/referrals", "form[action*=withdraw]", []);
        var withdrawn = await sender.SubmitAsync("/referrals", "form[action*=withdraw]", new() { ["reason"] = "宛先の事業の誤り" });
        var lateAnswer = await receiver.SubmitAsync(decideForm, "/referrals", new() { ["accept"] = "true" });
        var sent = await sender.GetDocumentAsync("/referrals");

        Assert.Contains("（青葉 一郎）", inbox.QuerySelector("table")!.TextContent);
        Assert.Contains("取り下げの理由: 入力してください。", (await Web.WebClient.ParseAsync(noReason)).QuerySelector(".errors")!.TextContent);
        Assert.Equal(HttpStatusCode.Redirect, withdrawn.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, lateAnswer.StatusCode);
        Assert.Contains("（取り下げ）", sent.QuerySelector("main")!.TextContent);
        await using var check = world.Database.NewDb();
        Assert.Equal(ReferralStatus.Withdrawn, (await check.Referrals.SingleAsync()).Status);
        var p003Id = await world.ProgramIdAsync("P003");
        Assert.False(await check.Enrollments.AnyAsync(e => e.PersonId == world.Alice && e.ProgramId == p003Id));
        Assert.Equal("宛先の事業の誤り", (await check.AuditEntries.SingleAsync(a => a.Action == "referral.withdraw")).Reason);
    }
}
