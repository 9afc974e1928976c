using System.Net;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Subsidies;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Subsidies;

public class SubsidyTests
{
    [Fact]
    public async Task Subsidy_OnlyForAnEnrolledChildOfTheRightGrade_ThenDecidedAndPaid()
    {
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite);
        var caseworker = await world.SignInAsync("caseworkerA");

        var wrongGrade = await caseworker.SubmitAsync($"/people/{world.Alice}", "form[action*=subsidy]",
            new() { ["kind"] = "ExamFeeHs3", ["appliedOn"] = "2024-06-10", ["amount"] = "30000" });
        var guardian = await caseworker.SubmitAsync($"/people/{world.Mother}", "form[action*=subsidy]",
            new() { ["kind"] = "MockExamJh3", ["appliedOn"] = "2024-06-10", ["amount"] = "5000" });
        var applied = await caseworker.SubmitAsync($"/people/{world.Alice}", "form[action*=subsidy]",
            new() { ["kind"] = "MockExamJh3", ["appliedOn"] = "2024-06-10", ["amount"] = "5000" });
        var decided = await caseworker.SubmitAsync("/subsidies", "form[action*=decide]", new() { ["approve"] = "true", ["amount"] = "4800" });
        var paid = await caseworker.SubmitAsync("/subsidies", "form[action*=pay]", new() { ["paidOn"] = "2024-06-19" });
        var otherProgram = await (await world.SignInAsync("caseworkerB")).GetDocumentAsync("/subsidies");

        Assert.Contains("中3の子どもは申請できません", (await Web.WebClient.ParseAsync(wrongGrade)).QuerySelector(".errors")!.TextContent);
        Assert.Contains("申請できません", (await Web.WebClient.ParseAsync(guardian)).QuerySelector(".errors")!.TextContent);
        Assert.Equal(HttpStatusCode.Redirect, applied.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, decided.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, paid.StatusCode);
        Assert.Empty(otherProgram.QuerySelectorAll("tbody tr"));
        await using var db = world.Database.NewDb();
        var application = await db.Subsidies.SingleAsync();
        Assert.Equal((world.Alice, SubsidyKind.MockExamJh3, 5000m, SubsidyDecision.Approved, (decimal?)4800m, (DateOnly?)new DateOnly(2024, 6, 19)),
            (application.PersonId, application.Kind, application.AmountRequested, application.Decision, application.AmountApproved, application.PaidOn));
    }
}
