using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Calendar;
using Tsunagu.Data;

namespace Tsunagu.People;

public sealed record PersonItem(int Id, string Name, string Kana, DateOnly BirthDate, PersonRole Role, string? SchoolCode, string Grade, int? HouseholdId);

public sealed record EnrollmentItem(int Id, string ProgramCode, string ProgramName, DateOnly From, DateOnly? To, ReferralSource Source, EnrollmentStatus Status, string? EndReason);

public sealed record EnrollmentInput(string ProgramCode, DateOnly From, ReferralSource Source);

/// <summary>担当替え: the account of the program's staff to take the case (from the enrolment's staff list), and why.</summary>
public sealed record TransferInput(string ToUserId, string Reason);

/// <summary>支援の終結: the last day of support, and one of the program's end reasons (as the page lists them).</summary>
public sealed record EnrollmentEndInput(DateOnly To, string Reason);

public sealed record OutcomeItem(int Id, string ProgramCode, int FiscalYear, OutcomeKind Kind, string? Course, DateOnly RecordedOn);

/// <summary>What became of a person in a fiscal year; recorded again for the same program and year, it replaces the first.</summary>
public sealed record OutcomeInput(string ProgramCode, int FiscalYear, OutcomeKind Kind, string? Course = null);

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
            return TypedResults.Ok(await EnrollmentItems((await scope.EnrollmentsAsync()).Where(e => e.PersonId == id)).ToListAsync());
        }).WithName("listEnrollments").WithSummary("A person's enrolments in the caller's programs");

        // Enrolment changes: the same service as the person's page, so the same rules, audit and scope.
        api.MapPost("/people/{id:int}/enrollments", async Task<Results<Created<EnrollmentItem>, ProblemHttpResult>> (int id, EnrollmentInput input, RecordScope scope, PersonService people, TsunaguDb db) =>
        {
            if (await scope.ReadPersonAsync(id, "POST /api/v1/people/{id}/enrollments") is null)
            {
                return RecordsApiGroup.NotFound();
            }
            var enrollment = await people.EnrollAsync(id, await RecordsApiGroup.ProgramIdAsync(db, input.ProgramCode), input.From, input.Source);
            return TypedResults.Created($"/api/v1/people/{id}/enrollments", await EnrollmentAsync(scope, enrollment.Id));
        }).WithName("enrollPerson").WithSummary("Enrols a person in scope in one of the caller's programs (again, after an earlier period ended)");

        api.MapPost("/enrollments/{id:int}/end", async Task<Results<Ok<EnrollmentItem>, ProblemHttpResult>> (int id, EnrollmentEndInput input, RecordScope scope, PersonService people) =>
        {
            if (!await ReadEnrollmentAsync(scope, id, "POST /api/v1/enrollments/{id}/end"))
            {
                return RecordsApiGroup.NotFound();
            }
            await people.EndEnrollmentAsync(id, input.To, input.Reason);
            return TypedResults.Ok(await EnrollmentAsync(scope, id));
        }).WithName("endEnrollment").WithSummary("Ends an enrolment (支援の終結) on a day, for one of the program's end reasons");

        api.MapPost("/enrollments/{id:int}/closure-approval", async Task<Results<Ok<EnrollmentItem>, ProblemHttpResult>> (int id, RecordScope scope, PersonService people) =>
        {
            if (!await ReadEnrollmentAsync(scope, id, "POST /api/v1/enrollments/{id}/closure-approval"))
            {
                return RecordsApiGroup.NotFound();
            }
            await people.ApproveClosureAsync(id);
            return TypedResults.Ok(await EnrollmentAsync(scope, id));
        }).WithName("approveClosure").WithSummary("The program manager approves an ended enrolment's closure (終結の承認)");

        api.MapGet("/enrollments/{id:int}/staff", async Task<Results<Ok<List<StaffMember>>, ProblemHttpResult>> (int id, RecordScope scope, PersonService people) =>
        {
            var programId = await (await scope.EnrollmentsAsync()).Where(e => e.Id == id).Select(e => (int?)e.ProgramId).SingleOrDefaultAsync();
            return programId is { } program ? TypedResults.Ok(await people.ProgramStaffAsync(program)) : RecordsApiGroup.NotFound();
        }).WithName("listEnrollmentStaff").WithSummary("Who can take an enrolment's case: the case workers and managers of its program");

        api.MapPost("/enrollments/{id:int}/transfer", async Task<Results<NoContent, ProblemHttpResult>> (int id, TransferInput input, RecordScope scope, PersonService people) =>
        {
            if (!await ReadEnrollmentAsync(scope, id, "POST /api/v1/enrollments/{id}/transfer"))
            {
                return RecordsApiGroup.NotFound();
            }
            await people.TransferAsync(id, input.ToUserId, input.Reason);
            return TypedResults.NoContent();
        }).WithName("transferEnrollment").WithSummary("Hands a case to another worker of the program (担当替え) with a reason: the current worker or the program's manager");

        api.MapGet("/people/{id:int}/outcomes", async Task<Results<Ok<List<OutcomeItem>>, ProblemHttpResult>> (int id, RecordScope scope, TsunaguDb db) =>
        {
            if (await scope.ReadPersonAsync(id, "GET /api/v1/people/{id}/outcomes") is null)
            {
                return RecordsApiGroup.NotFound();
            }
            var outcomes = await Outcomes((await scope.OutcomesAsync()).Where(o => o.PersonId == id), db).ToListAsync();
            return TypedResults.Ok(outcomes.OrderByDescending(o => o.FiscalYear).ThenBy(o => o.ProgramCode, StringComparer.Ordinal).ToList());
        }).WithName("listOutcomes").WithSummary("What became of a person, by fiscal year, in the caller's programs");

        api.MapPost("/people/{id:int}/outcomes", async Task<Results<Ok<OutcomeItem>, ProblemHttpResult>> (int id, OutcomeInput input, RecordScope scope, PersonService people, TsunaguDb db) =>
        {
            if (await scope.ReadPersonAsync(id, "POST /api/v1/people/{id}/outcomes") is null)
            {
                return RecordsApiGroup.NotFound();
            }
            var outcome = await people.RecordOutcomeAsync(id, await RecordsApiGroup.ProgramIdAsync(db, input.ProgramCode), input.FiscalYear, input.Kind, input.Course);
            return TypedResults.Ok(await Outcomes((await scope.OutcomesAsync()).Where(o => o.Id == outcome.Id), db).SingleAsync());
        }).WithName("recordOutcome").WithSummary("Records what became of a person in a fiscal year (one per program and year: recording again replaces it)");

        api.MapPost("/outcomes/{id:int}/withdrawal", async Task<Results<NoContent, ProblemHttpResult>> (int id, WithdrawalInput input, RecordScope scope, PersonService people) =>
        {
            if (!await RecordsApiGroup.ReadRecordAsync(scope, (await scope.OutcomesAsync()).Where(o => o.Id == id).Select(o => o.PersonId), "POST /api/v1/outcomes/{id}/withdrawal"))
            {
                return RecordsApiGroup.NotFound();
            }
            await people.WithdrawOutcomeAsync(id, input.Reason);
            return TypedResults.NoContent();
        }).WithName("withdrawOutcome").WithSummary("Withdraws an outcome recorded in error, with a reason (it is no longer counted)");
    }

    static IQueryable<EnrollmentItem> EnrollmentItems(IQueryable<Enrollment> enrollments) =>
        enrollments.Select(e => new EnrollmentItem(e.Id, e.Program.Code, e.Program.Name, e.From, e.To, e.Source, e.Status, e.EndReason));

    static async Task<EnrollmentItem> EnrollmentAsync(RecordScope scope, int id) => await EnrollmentItems((await scope.EnrollmentsAsync()).Where(e => e.Id == id)).SingleAsync();

    static async Task<bool> ReadEnrollmentAsync(RecordScope scope, int id, string source) =>
        await RecordsApiGroup.ReadRecordAsync(scope, (await scope.EnrollmentsAsync()).Where(e => e.Id == id).Select(e => e.PersonId), source);

    static IQueryable<OutcomeItem> Outcomes(IQueryable<Outcome> outcomes, TsunaguDb db) => outcomes.Join(db.Programs, o => o.ProgramId, p => p.Id,
        (o, p) => new OutcomeItem(o.Id, p.Code, o.FiscalYear, o.Kind, o.Course, o.RecordedOn));

    public static PersonItem ToItem(Person p, TimeProvider time) => new(p.Id, p.Name, p.Kana, p.BirthDate, p.Role, p.SchoolCode,
        SchoolGrade.Label(p.BirthDate, CityClock.CurrentFiscalYear(time)), p.HouseholdId);
}
