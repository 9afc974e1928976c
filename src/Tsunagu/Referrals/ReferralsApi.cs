using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Data;
using Tsunagu.Records;

namespace Tsunagu.Referrals;

public sealed record ReferralItem(
    int Id, int PersonId, string FromProgramCode, string? ToProgramCode, string? ToAgency, string Reason, ReferralStatus Status,
    DateTimeOffset SentAt, string SentBy, DateTimeOffset? DecidedAt, string? DecidedBy);

public sealed record ReferralInput(string FromProgramCode, string? ToProgramCode, string? ToAgency, string Reason);

public sealed record DecisionInput(bool Accept, string? Note);

/// <summary>Referrals under /api/v1: those from or to the caller's programs, sent and decided.</summary>
public static class ReferralsApi
{
    public static void MapReferralsApi(this WebApplication app)
    {
        var api = app.MapRecordsGroup();

        api.MapGet("/referrals", async (RecordScope scope) =>
        {
            var referrals = await (await scope.ReferralsAsync()).OrderByDescending(r => r.SentAt)
                .Select(r => new ReferralItem(r.Id, r.PersonId, r.FromProgram.Code, r.ToProgram == null ? null : r.ToProgram.Code, r.ToAgency, r.Reason,
                    r.Status, r.SentAt, r.SentBy, r.DecidedAt, r.DecidedBy))
                .Take(500).ToListAsync();
            await scope.LogAsync(referrals.Select(r => r.PersonId), "GET /api/v1/referrals");
            return referrals;
        }).WithName("listReferrals").WithSummary("Referrals from or to the caller's programs, newest first (500 at most)");

        api.MapPost("/people/{id:int}/referrals", async Task<Results<Ok<ReferralItem>, ProblemHttpResult>> (int id, ReferralInput input, RecordScope scope, ReferralService referrals, TsunaguDb db) =>
        {
            if (await scope.ReadPersonAsync(id, "POST /api/v1/people/{id}/referrals") is null)
            {
                return RecordsApiGroup.NotFound();
            }
            int? to = input.ToProgramCode is null ? null : await db.Programs.Where(p => p.Code == input.ToProgramCode).Select(p => (int?)p.Id).SingleOrDefaultAsync()
                ?? throw new RecordInputException("toProgramCode", "つなぎ先: その事業はありません。");
            var r = await referrals.ReferAsync(id, await RecordsApiGroup.ProgramIdAsync(db, input.FromProgramCode), to, input.ToAgency, input.Reason);
            return TypedResults.Ok(new ReferralItem(r.Id, r.PersonId, input.FromProgramCode, input.ToProgramCode, r.ToAgency, r.Reason, r.Status, r.SentAt, r.SentBy, null, null));
        }).WithName("referPerson").WithSummary("Refers a person to another program or an outside agency");

        api.MapPost("/referrals/{id:int}/decision", async (int id, DecisionInput input, ReferralService referrals) =>
        {
            await referrals.DecideAsync(id, input.Accept, input.Note);
            return TypedResults.Ok();
        }).WithName("decideReferral").WithSummary("Accepts or declines a referral to one of the caller's programs");
    }
}
