using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Data;

namespace Tsunagu.Subsidies;

public sealed record SubsidyItem(
    int Id, int PersonId, string ProgramCode, SubsidyKind Kind, DateOnly AppliedOn, decimal AmountRequested, SubsidyDecision Decision,
    decimal? AmountApproved, DateOnly? DecidedOn, DateOnly? PaidOn);

public sealed record SubsidyInput(string ProgramCode, SubsidyKind Kind, DateOnly AppliedOn, decimal Amount);

/// <summary>The decision on an application: approved (for the amount requested, or the one given) or not.</summary>
public sealed record SubsidyDecisionInput(bool Approve, decimal? Amount = null);

public sealed record PaymentInput(DateOnly PaidOn);

/// <summary>
/// 進学チャレンジ応援補助金 under /api/v1: applied for, decided, paid and withdrawn as on the subsidies page — the same
/// service, so the same rules, audit and scope (an application outside it is not found).
/// </summary>
public static class SubsidiesApi
{
    public static void MapSubsidiesApi(this WebApplication app)
    {
        var api = app.MapRecordsGroup();

        api.MapGet("/subsidies", async (RecordScope scope, TsunaguDb db) =>
        {
            var items = await Items(await scope.SubsidiesAsync(), db).Take(500).ToListAsync();
            await scope.LogAsync(items.Select(s => s.PersonId), "GET /api/v1/subsidies");
            return items;
        }).WithName("listSubsidies").WithSummary("Subsidy applications of the caller's programs, newest first (500 at most)");

        api.MapPost("/people/{id:int}/subsidies", async Task<Results<Created<SubsidyItem>, ProblemHttpResult>> (int id, SubsidyInput input, RecordScope scope, SubsidyService subsidies, TsunaguDb db) =>
        {
            if (await scope.ReadPersonAsync(id, "POST /api/v1/people/{id}/subsidies") is null)
            {
                return RecordsApiGroup.NotFound();
            }
            var application = await subsidies.ApplyAsync(id, await RecordsApiGroup.ProgramIdAsync(db, input.ProgramCode), input.Kind, input.AppliedOn, input.Amount);
            return TypedResults.Created("/api/v1/subsidies", await ItemAsync(scope, db, application.Id));
        }).WithName("applyForSubsidy").WithSummary("Records a child's application for 進学チャレンジ応援補助金 (enrolled, in the grade the subsidy is for)");

        api.MapPost("/subsidies/{id:int}/decision", async Task<Results<Ok<SubsidyItem>, ProblemHttpResult>> (int id, SubsidyDecisionInput input, RecordScope scope, SubsidyService subsidies, TsunaguDb db) =>
        {
            if (!await ReadAsync(scope, id, "POST /api/v1/subsidies/{id}/decision"))
            {
                return RecordsApiGroup.NotFound();
            }
            await subsidies.DecideAsync(id, input.Approve, input.Amount);
            return TypedResults.Ok(await ItemAsync(scope, db, id));
        }).WithName("decideSubsidy").WithSummary("Approves (for the amount requested or the one given) or rejects a pending application");

        api.MapPost("/subsidies/{id:int}/payment", async Task<Results<Ok<SubsidyItem>, ProblemHttpResult>> (int id, PaymentInput input, RecordScope scope, SubsidyService subsidies, TsunaguDb db) =>
        {
            if (!await ReadAsync(scope, id, "POST /api/v1/subsidies/{id}/payment"))
            {
                return RecordsApiGroup.NotFound();
            }
            await subsidies.PayAsync(id, input.PaidOn);
            return TypedResults.Ok(await ItemAsync(scope, db, id));
        }).WithName("paySubsidy").WithSummary("Records the payment of an approved application");

        api.MapPost("/subsidies/{id:int}/withdrawal", async Task<Results<NoContent, ProblemHttpResult>> (int id, WithdrawalInput input, RecordScope scope, SubsidyService subsidies) =>
        {
            if (!await ReadAsync(scope, id, "POST /api/v1/subsidies/{id}/withdrawal"))
            {
                return RecordsApiGroup.NotFound();
            }
            await subsidies.WithdrawAsync(id, input.Reason);
            return TypedResults.NoContent();
        }).WithName("withdrawSubsidy").WithSummary("Withdraws an unpaid application with a reason (it stays, left out of every list and count)");
    }

    static async Task<bool> ReadAsync(RecordScope scope, int id, string source) =>
        await RecordsApiGroup.ReadRecordAsync(scope, (await scope.SubsidiesAsync()).Where(s => s.Id == id).Select(s => s.PersonId), source);

    /// <summary>Newest first, with the program's code.</summary>
    static IQueryable<SubsidyItem> Items(IQueryable<SubsidyApplication> applications, TsunaguDb db) =>
        from s in applications
        join p in db.Programs on s.ProgramId equals p.Id
        orderby s.AppliedOn descending, s.Id descending
        select new SubsidyItem(s.Id, s.PersonId, p.Code, s.Kind, s.AppliedOn, s.AmountRequested, s.Decision, s.AmountApproved, s.DecidedOn, s.PaidOn);

    static async Task<SubsidyItem> ItemAsync(RecordScope scope, TsunaguDb db, int id) => await Items((await scope.SubsidiesAsync()).Where(s => s.Id == id), db).SingleAsync();
}
