using Microsoft.AspNetCore.Http.HttpResults;

namespace Tsunagu.Access;

/// <summary>
/// Where the API of people's records hangs: /api/v1 for case workers and managers, with the person-read rate limit.
/// Each feature (people, contacts, sessions, referrals) maps its endpoints on it; refusals become problem details
/// in one place (<see cref="RefusalHandler"/>).
/// </summary>
public static class RecordsApiGroup
{
    public static RouteGroupBuilder MapRecordsGroup(this IEndpointRouteBuilder app) =>
        app.MapGroup("/api/v1").RequireAuthorization(Policies.Records).RequireRateLimiting(RateLimits.PersonReads).WithTags("records");

    /// <summary>Not there or not in scope: the answer does not tell the two apart.</summary>
    public static ProblemHttpResult NotFound() => TypedResults.Problem("見つかりません。", statusCode: StatusCodes.Status404NotFound);
}
