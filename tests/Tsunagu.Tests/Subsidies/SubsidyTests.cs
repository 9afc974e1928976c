using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Subsidies;
using Tsunagu.Tests.Infrastructure;
using WebClient = Tsunagu.Tests.Web.WebClient;

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

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Subsidy_WithdrawnBeforePayment_LeavesTheListsButStays_APaidOneCannotBeWithdrawn(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var caseworker = await world.SignInAsync("caseworkerA");
        Dictionary<string, string> Application(string day) => new() { ["kind"] = "MockExamJh3", ["appliedOn"] = day, ["amount"] = "5000" };
        await caseworker.SubmitAsync($"/people/{world.Alice}", "form[action*=subsidy]", Application("2024-06-10"));
        await caseworker.SubmitAsync($"/people/{world.Alice}", "form[action*=subsidy]", Application("2024-06-11"));
        int first, second;
        await using (var db = world.Database.NewDb())
        {
            (first, second) = (await db.Subsidies.Where(s => s.AppliedOn.Day == 10).Select(s => s.Id).SingleAsync(), await db.Subsidies.Where(s => s.AppliedOn.Day == 11).Select(s => s.Id).SingleAsync());
        }
        string Selector(int id) => $"form[action*=withdraw]:has(input[name=id][value='{id}'])";

        var noReason = await caseworker.SubmitAsync("/subsidies", Selector(second), []);
        var withdrawn = await caseworker.SubmitAsync("/subsidies", Selector(second), new() { ["reason"] = "二重に入力" });
        var list = await caseworker.GetDocumentAsync("/subsidies");
        await caseworker.SubmitAsync("/subsidies", "form[action*=decide]", new() { ["approve"] = "true" });
        await caseworker.SubmitAsync("/subsidies", "form[action*=pay]", new() { ["paidOn"] = "2024-06-19" });
        var afterPayment = await caseworker.GetDocumentAsync("/subsidies");

        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Contains("取消の理由: 入力してください。", (await Web.WebClient.ParseAsync(noReason)).QuerySelector(".errors")!.TextContent);
        Assert.Equal(HttpStatusCode.Redirect, withdrawn.StatusCode);
        Assert.Single(list.QuerySelectorAll("tbody tr"));
        // Paid: no way to withdraw it is offered.
        Assert.Null(afterPayment.QuerySelector(Selector(first)));
        await using var check = world.Database.NewDb();
        Assert.Equal([first], await check.Subsidies.Select(s => s.Id).ToListAsync());
        Assert.NotNull((await check.Subsidies.IgnoreQueryFilters().SingleAsync(s => s.Id == second)).WithdrawnAt);
        var audit = await check.AuditEntries.SingleAsync(a => a.Action == "subsidy.withdraw");
        Assert.Equal(($"subsidy:{second}", "二重に入力"), (audit.Subject, audit.Reason));
    }

    /// <summary>The API's writes are the page's service: the same grade rule, decisions once, no withdrawal after payment, the same audit and scope.</summary>
    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task SubsidiesApi_AppliesDecidesAndPays_UnderThePagesRules_OnlyWithinTheCallersPrograms(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var caseworker = await world.SignInAsync("caseworkerA");
        var other = await world.SignInAsync("caseworkerB");
        object Application(string kind) => new { programCode = "P001", kind, appliedOn = "2024-06-10", amount = 5000 };

        var wrongGrade = await caseworker.Http.PostAsJsonAsync($"/api/v1/people/{world.Alice}/subsidies", Application("ExamFeeHs3"));
        // A kind the subsidy does not have (an integer the enum converter reads) and a fraction of a yen are the caller's 400.
        var noSuchKind = await caseworker.Http.PostAsJsonAsync($"/api/v1/people/{world.Alice}/subsidies", new { programCode = "P001", kind = 7, appliedOn = "2024-06-10", amount = 5000 });
        var fraction = await caseworker.Http.PostAsJsonAsync($"/api/v1/people/{world.Alice}/subsidies", new { programCode = "P001", kind = "MockExamJh3", appliedOn = "2024-06-10", amount = 5000.5 });
        var notTheirs = await other.Http.PostAsJsonAsync($"/api/v1/people/{world.Alice}/subsidies", Application("MockExamJh3"));
        var planners = await (await world.SignInAsync("planner")).Http.PostAsJsonAsync($"/api/v1/people/{world.Alice}/subsidies", Application("MockExamJh3"));
        var applied = await caseworker.Http.PostAsJsonAsync($"/api/v1/people/{world.Alice}/subsidies", Application("MockExamJh3"));
        Assert.True(applied.StatusCode == HttpStatusCode.Created, await applied.Content.ReadAsStringAsync());
        var id = (await applied.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var othersDecision = await other.Http.PostAsJsonAsync($"/api/v1/subsidies/{id}/decision", new { approve = true });
        var decided = await caseworker.Http.PostAsJsonAsync($"/api/v1/subsidies/{id}/decision", new { approve = true, amount = 4800 });
        var decidedAgain = await caseworker.Http.PostAsJsonAsync($"/api/v1/subsidies/{id}/decision", new { approve = false });
        var paid = await caseworker.Http.PostAsJsonAsync($"/api/v1/subsidies/{id}/payment", new { paidOn = "2024-06-19" });
        var withdrawn = await caseworker.Http.PostAsJsonAsync($"/api/v1/subsidies/{id}/withdrawal", new { reason = "誤って登録" });
        var listed = await caseworker.Http.GetFromJsonAsync<JsonElement>("/api/v1/subsidies");
        var othersList = await other.Http.GetFromJsonAsync<JsonElement>("/api/v1/subsidies");

        Assert.Contains("中3の子どもは申請できません", await WebClient.FieldErrorAsync(wrongGrade, "kind"));
        Assert.Contains("選べる値ではありません", await WebClient.FieldErrorAsync(noSuchKind, "kind"));
        Assert.Contains("円単位", await WebClient.FieldErrorAsync(fraction, "amount"));
        Assert.Equal(HttpStatusCode.NotFound, notTheirs.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, planners.StatusCode);
        Assert.Equal(HttpStatusCode.Created, applied.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, othersDecision.StatusCode);
        Assert.Equal("Approved", (await decided.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("decision").GetString());
        Assert.Equal(HttpStatusCode.Conflict, decidedAgain.StatusCode);
        Assert.Equal("2024-06-19", (await paid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paidOn").GetString());
        Assert.Equal(HttpStatusCode.Conflict, withdrawn.StatusCode);
        var item = Assert.Single(listed.EnumerateArray());
        Assert.Equal((world.Alice, "P001", "MockExamJh3", 5000m, 4800m),
            (item.GetProperty("personId").GetInt32(), item.GetProperty("programCode").GetString(), item.GetProperty("kind").GetString(),
                item.GetProperty("amountRequested").GetDecimal(), item.GetProperty("amountApproved").GetDecimal()));
        Assert.Empty(othersList.EnumerateArray());
        await using var db = world.Database.NewDb();
        var application = await db.Subsidies.SingleAsync();
        Assert.Equal((SubsidyDecision.Approved, (decimal?)4800m, (DateOnly?)new DateOnly(2024, 6, 19)), (application.Decision, application.AmountApproved, application.PaidOn));
        Assert.Equal(["subsidy.decide"], await db.AuditEntries.Where(a => a.Action.StartsWith("subsidy.")).Select(a => a.Action).ToListAsync());
        // The list shows whose applications they are: a read of Alice, logged; the other program's caseworker read nobody.
        // The decision, the payment and the refused withdrawal each read the application, and so Alice: logged like the list.
        var reads = await db.AccessLog.Where(e => e.PersonId == world.Alice).Select(e => e.Source).ToListAsync();
        Assert.Contains("GET /api/v1/subsidies", reads);
        Assert.Equal(["POST /api/v1/subsidies/{id}/decision", "POST /api/v1/subsidies/{id}/decision", "POST /api/v1/subsidies/{id}/payment", "POST /api/v1/subsidies/{id}/withdrawal"],
            reads.Where(r => r.StartsWith("POST /api/v1/subsidies/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.False(await db.AccessLog.AnyAsync(e => e.UserName == world.Users["caseworkerB"]));
    }
}
