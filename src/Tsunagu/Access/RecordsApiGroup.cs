using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Data;

namespace Tsunagu.Access;

/// <summary>取消 of a record entered in error (a contact, an application, an outcome): the reason goes to the audit.</summary>
public sealed record WithdrawalInput(string Reason);

/// <summary>
/// Where the API of people's records hangs: /api/v1 for case workers and managers, with the person-read rate limit.
/// Each feature (people, contacts, sessions, referrals) maps its endpoints on it; refusals become problem details
/// in one place (<see cref="RefusalHandler"/>).
/// </summary>
public static class RecordsApiGroup
{
    public static RouteGroupBuilder MapRecordsGroup(this IEndpointRouteBuilder app) =>
        app.MapGroup("/api/v1").RequireAuthorization(Policies.Records).RequireRateLimiting(RateLimits.PersonReads).WithTags("records");

    /// <summary>
    /// A program named by its code in a request's body. One that does not exist is -1: the services refuse it as they refuse
    /// a program not the caller's, so the answer does not tell which programs exist.
    /// </summary>
    public static async Task<int> ProgramIdAsync(TsunaguDb db, string? code) =>
        await db.Programs.Where(p => p.Code == code).Select(p => (int?)p.Id).SingleOrDefaultAsync() ?? -1;

    /// <summary>
    /// A write to a person's record named by the record's id (a subsidy, an enrolment, an outcome): the person it is about
    /// is logged as read before anything is done, as the page that shows the record logs it; false when the record is not
    /// in scope (the caller answers 404).
    /// </summary>
    /// <param name="personOf">The record in the user's scope, as its person's id.</param>
    public static async Task<bool> ReadRecordAsync(RecordScope scope, IQueryable<int> personOf, string source)
    {
        var persons = await personOf.Take(1).ToListAsync();
        if (persons.Count == 0)
        {
            return false;
        }
        await scope.LogAsync(persons, source);
        return true;
    }

    /// <summary>Not there or not in scope: the answer does not tell the two apart.</summary>
    public static ProblemHttpResult NotFound() => TypedResults.Problem("見つかりません。", statusCode: StatusCodes.Status404NotFound);
}
