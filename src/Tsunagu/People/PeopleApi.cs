using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Calendar;

namespace Tsunagu.People;

public sealed record PersonItem(int Id, string Name, string Kana, DateOnly BirthDate, PersonRole Role, string? SchoolCode, string Grade, int? HouseholdId);

public sealed record EnrollmentItem(int Id, string ProgramCode, string ProgramName, DateOnly From, DateOnly? To, ReferralSource Source, EnrollmentStatus Status, string? EndReason);

/// <summary>
/// Persons under /api/v1, for case workers and managers: the same scope as the pages (a person outside it is simply
/// not found) and every person returned is written to the access log.
/// </summary>
public static class PeopleApi
{
    public static void MapPeopleApi(this WebApplication app)
    {
        var api = app.MapRecordsGroup();

        // A POST, so that names and birth dates never stand in a URL or a request log.
        api.MapPost("/people/search", async Task<Results<Ok<List<PersonItem>>, ValidationProblem>> (PersonQuery query, RecordScope scope, TimeProvider time) =>
        {
            if (PersonSearch.Refusal(query) is { } refusal)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [PersonSearch.RefusedField(query)] = [refusal] });
            }
            var found = await scope.FindPersonsAsync(query);
            await scope.LogAsync(found.Select(p => p.Id), "POST /api/v1/people/search");
            return TypedResults.Ok(found.Select(p => ToItem(p, time)).ToList());
        }).WithName("searchPeople").WithSummary("Search persons in scope by the beginning of the kana or name, the end of a telephone number or part of an address, narrowed by birth date");

        api.MapGet("/people/{id:int}", async Task<Results<Ok<PersonItem>, ProblemHttpResult>> (int id, RecordScope scope, TimeProvider time) =>
            await scope.ReadPersonAsync(id, "GET /api/v1/people/{id}") is { } person
                ? TypedResults.Ok(ToItem(person, time))
                : RecordsApiGroup.NotFound())
            .WithName("getPerson").WithSummary("A person in scope (the read is logged)");

        api.MapGet("/people/{id:int}/enrollments", async Task<Results<Ok<List<EnrollmentItem>>, ProblemHttpResult>> (int id, RecordScope scope) =>
        {
            if (await scope.ReadPersonAsync(id, "GET /api/v1/people/{id}/enrollments") is null)
            {
                return RecordsApiGroup.NotFound();
            }
            return TypedResults.Ok(await (await scope.EnrollmentsAsync()).Where(e => e.PersonId == id)
                .Select(e => new EnrollmentItem(e.Id, e.Program.Code, e.Program.Name, e.From, e.To, e.Source, e.Status, e.EndReason)).ToListAsync());
        }).WithName("listEnrollments").WithSummary("A person's enrolments in the caller's programs");
    }

    public static PersonItem ToItem(Person p, TimeProvider time) => new(p.Id, p.Name, p.Kana, p.BirthDate, p.Role, p.SchoolCode,
        SchoolGrade.Label(p.BirthDate, CityClock.CurrentFiscalYear(time)), p.HouseholdId);
}
