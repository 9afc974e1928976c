using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.People;
using Tsunagu.Records;

namespace Tsunagu.Api;

public sealed record PersonItem(int Id, string Name, string Kana, DateOnly BirthDate, PersonRole Role, string? SchoolCode, string Grade, int? HouseholdId);

public sealed record ContactItem(
    long Id, string ProgramCode, DateOnly Date, TimeOnly? Time, ContactKind Kind, string? Category, ContactChannel Channel,
    int? DurationMinutes, bool OutsideOfficeHours, string StaffName, IReadOnlyList<NoteItem> Notes);

public sealed record NoteItem(NoteProvenance Provenance, string Text);

public sealed record EnrollmentItem(int Id, string ProgramCode, string ProgramName, DateOnly From, DateOnly? To, ReferralSource Source, EnrollmentStatus Status);

public sealed record ReferralItem(
    int Id, int PersonId, string FromProgramCode, string? ToProgramCode, string? ToAgency, string Reason, ReferralStatus Status,
    DateTimeOffset SentAt, string SentBy, DateTimeOffset? DecidedAt, string? DecidedBy);

public sealed record ContactCorrectionInput(
    DateOnly Date, TimeOnly? Time, ContactKind Kind, string? Category, ContactChannel Channel, int? OfficeId, string Reason);

public sealed record ContactInput(
    string ProgramCode, DateOnly Date, TimeOnly? Time, ContactKind Kind, string? Category, ContactChannel Channel, int? DurationMinutes,
    IReadOnlyList<int>? OtherPersonIds, IReadOnlyDictionary<NoteProvenance, string>? Notes, int? OfficeId = null);

public sealed record ReferralInput(string FromProgramCode, string? ToProgramCode, string? ToAgency, string Reason);

public sealed record DecisionInput(bool Accept, string? Note);

public sealed record SessionInput(string ProgramCode, SessionKind Kind, DateOnly Date, TimeOnly? Start, string Title, int HeadCount = 0);

public sealed record AttendanceInput(IReadOnlyList<int> PersonIds, int HeadCount = 0);

public sealed record SessionItem(int Id, string ProgramCode, SessionKind Kind, DateOnly Date, TimeOnly? Start, string Title, IReadOnlyList<int> PersonIds, int HeadCount);

/// <summary>
/// People and their records under /api/v1, for case workers and managers: the same scope as the pages (a person
/// outside it is simply not found) and every person returned is written to the access log.
/// </summary>
public sealed record PersonQuery(string? Q, DateOnly? BirthDate);

public static class RecordsApi
{
    public static void MapRecordsApi(this WebApplication app)
    {
        var api = app.MapGroup("/api/v1").RequireAuthorization(Policies.Records).RequireRateLimiting(RateLimits.PersonReads).WithTags("records")
            .AddEndpointFilter(RefusalsAsProblems);

        // A POST, so that names and birth dates never stand in a URL or a request log.
        api.MapPost("/people/search", async Task<Results<Ok<List<PersonItem>>, ValidationProblem>> (PersonQuery query, RecordScope scope, TimeProvider time) =>
        {
            if (People.PersonSearch.Refusal(query.Q, query.BirthDate) is { } refusal)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["q"] = [refusal] });
            }
            var found = await scope.FindPersonsAsync(query.Q, query.BirthDate);
            await scope.LogAsync(found.Select(p => p.Id), "POST /api/v1/people/search");
            return TypedResults.Ok(found.Select(p => ToItem(p, time)).ToList());
        }).WithSummary("Search persons in scope by the beginning of the kana or name, narrowed by birth date");

        api.MapGet("/people/{id:int}", async Task<Results<Ok<PersonItem>, ProblemHttpResult>> (int id, RecordScope scope, TimeProvider time) =>
            await scope.ReadPersonAsync(id, "GET /api/v1/people/{id}") is { } person
                ? TypedResults.Ok(ToItem(person, time))
                : NotFound());

        api.MapGet("/people/{id:int}/contacts", async Task<Results<Ok<List<ContactItem>>, ProblemHttpResult>> (int id, RecordScope scope) =>
        {
            if (await scope.ReadPersonAsync(id, "GET /api/v1/people/{id}/contacts") is null)
            {
                return NotFound();
            }
            var contacts = await (await scope.ContactsOfAsync(id))
                .OrderByDescending(c => c.Date).ThenByDescending(c => c.Time)
                .Select(c => new { c, c.Program.Code, Notes = c.Notes.OrderBy(n => n.Position).ToList() })
                .ToListAsync();
            return TypedResults.Ok(contacts.Select(x => new ContactItem(x.c.Id, x.Code, x.c.Date, x.c.Time, x.c.Kind, x.c.Category, x.c.Channel,
                x.c.DurationMinutes, x.c.IsOutsideOfficeHours, x.c.StaffName, x.Notes.Select(n => new NoteItem(n.Provenance, n.Text)).ToList())).ToList());
        });

        api.MapPost("/people/{id:int}/contacts", async Task<Results<Created<ContactItem>, ProblemHttpResult>> (int id, ContactInput input, RecordScope scope, RecordsService records, Tsunagu.Data.TsunaguDb db) =>
        {
            if (await scope.ReadPersonAsync(id, "POST /api/v1/people/{id}/contacts") is null)
            {
                return NotFound();
            }
            var programId = await db.Programs.Where(p => p.Code == input.ProgramCode).Select(p => (int?)p.Id).SingleOrDefaultAsync();
            try
            {
                var contact = await records.RecordContactAsync(id, new NewContact(programId ?? -1, input.Date, input.Time, input.Kind, input.Category,
                    input.Channel, input.DurationMinutes, input.OtherPersonIds ?? [], input.Notes ?? new Dictionary<NoteProvenance, string>(), input.OfficeId));
                var item = new ContactItem(contact.Id, input.ProgramCode, contact.Date, contact.Time, contact.Kind, contact.Category, contact.Channel,
                    contact.DurationMinutes, contact.IsOutsideOfficeHours, contact.StaffName, contact.Notes.Select(n => new NoteItem(n.Provenance, n.Text)).ToList());
                return TypedResults.Created($"/api/v1/people/{id}/contacts", item);
            }
            catch (RecordAccessException e)
            {
                return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status403Forbidden);
            }
        });

        api.MapPut("/contacts/{id:long}", async Task<Results<Ok, ProblemHttpResult>> (long id, ContactCorrectionInput input, RecordsService records) =>
            await records.CorrectContactAsync(id, new ContactCorrection(input.Date, input.Time, input.Kind, input.Category, input.Channel, input.OfficeId, input.Reason)) is null
                ? NotFound()
                : TypedResults.Ok());

        api.MapGet("/people/{id:int}/enrollments", async Task<Results<Ok<List<EnrollmentItem>>, ProblemHttpResult>> (int id, RecordScope scope) =>
        {
            if (await scope.ReadPersonAsync(id, "GET /api/v1/people/{id}/enrollments") is null)
            {
                return NotFound();
            }
            return TypedResults.Ok(await (await scope.EnrollmentsAsync()).Where(e => e.PersonId == id)
                .Select(e => new EnrollmentItem(e.Id, e.Program.Code, e.Program.Name, e.From, e.To, e.Source, e.Status)).ToListAsync());
        });

        api.MapGet("/sessions", async (RecordScope scope) =>
            await (await scope.SessionsAsync()).OrderByDescending(s => s.Date)
                .Select(s => new { s.Id, ProgramCode = s.Program.Code, s.Kind, s.Date, s.Start, s.Title, Attendees = s.Attendances.Count, s.UnregisteredHeadCount })
                .Take(500).ToListAsync());

        api.MapPost("/sessions", async Task<Results<Created<SessionItem>, ProblemHttpResult>> (SessionInput input, Records.Activities activities, Tsunagu.Data.TsunaguDb db) =>
        {
            var programId = await db.Programs.Where(p => p.Code == input.ProgramCode).Select(p => (int?)p.Id).SingleOrDefaultAsync();
            try
            {
                var s = await activities.HoldSessionAsync(programId ?? -1, input.Kind, input.Date, input.Start, input.Title, input.HeadCount);
                return TypedResults.Created($"/api/v1/sessions/{s.Id}", new SessionItem(s.Id, input.ProgramCode, s.Kind, s.Date, s.Start, s.Title, [], s.UnregisteredHeadCount));
            }
            catch (RecordAccessException e)
            {
                return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status403Forbidden);
            }
        });

        // Only persons enrolled in the session's program and in the caller's scope are kept; the answer says which.
        api.MapPut("/sessions/{id:int}/attendance", async Task<Results<Ok<SessionItem>, ProblemHttpResult>> (int id, AttendanceInput input, Records.Activities activities, Tsunagu.Data.TsunaguDb db) =>
        {
            try
            {
                var s = await activities.SetAttendanceAsync(id, input.PersonIds, input.HeadCount);
                var code = await db.Programs.Where(p => p.Id == s.ProgramId).Select(p => p.Code).SingleAsync();
                return TypedResults.Ok(new SessionItem(s.Id, code, s.Kind, s.Date, s.Start, s.Title, s.Attendances.Select(a => a.PersonId).Order().ToList(), s.UnregisteredHeadCount));
            }
            catch (RecordAccessException e)
            {
                return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status404NotFound);
            }
        });

        api.MapGet("/referrals", async (RecordScope scope) =>
        {
            var referrals = await (await scope.ReferralsAsync()).OrderByDescending(r => r.SentAt)
                .Select(r => new ReferralItem(r.Id, r.PersonId, r.FromProgram.Code, r.ToProgram == null ? null : r.ToProgram.Code, r.ToAgency, r.Reason,
                    r.Status, r.SentAt, r.SentBy, r.DecidedAt, r.DecidedBy))
                .Take(500).ToListAsync();
            await scope.LogAsync(referrals.Select(r => r.PersonId), "GET /api/v1/referrals");
            return referrals;
        });

        api.MapPost("/people/{id:int}/referrals", async Task<Results<Ok<ReferralItem>, ProblemHttpResult>> (int id, ReferralInput input, RecordScope scope, RecordsService records, Tsunagu.Data.TsunaguDb db) =>
        {
            if (await scope.ReadPersonAsync(id, "POST /api/v1/people/{id}/referrals") is null)
            {
                return NotFound();
            }
            var from = await db.Programs.Where(p => p.Code == input.FromProgramCode).Select(p => (int?)p.Id).SingleOrDefaultAsync();
            int? to = input.ToProgramCode is null ? null : await db.Programs.Where(p => p.Code == input.ToProgramCode).Select(p => (int?)p.Id).SingleOrDefaultAsync()
                ?? throw new RecordInputException("toProgramCode", "つなぎ先: その事業はありません。");
            try
            {
                var r = await records.ReferAsync(id, from ?? -1, to, input.ToAgency, input.Reason);
                return TypedResults.Ok(new ReferralItem(r.Id, r.PersonId, input.FromProgramCode, input.ToProgramCode, r.ToAgency, r.Reason, r.Status, r.SentAt, r.SentBy, null, null));
            }
            catch (RecordAccessException e)
            {
                return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status403Forbidden);
            }
        });

        api.MapPost("/referrals/{id:int}/decision", async Task<Results<Ok, ProblemHttpResult>> (int id, DecisionInput input, RecordsService records) =>
        {
            try
            {
                await records.DecideAsync(id, input.Accept, input.Note);
                return TypedResults.Ok();
            }
            catch (RecordAccessException e)
            {
                return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status403Forbidden);
            }
        });
    }

    /// <summary>
    /// A field the records' rules refuse is a 400 naming the field; a write the record's state no longer allows, a 409.
    /// Never a 403 (which says "not yours") nor a 500.
    /// </summary>
    static async ValueTask<object?> RefusalsAsProblems(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (RecordInputException e)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [e.Field] = [e.Message] }, title: "入力を確かめてください。");
        }
        catch (RecordConflictException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status409Conflict);
        }
    }

    static ProblemHttpResult NotFound() => TypedResults.Problem("見つかりません。", statusCode: StatusCodes.Status404NotFound);

    public static PersonItem ToItem(Person p, TimeProvider time) => new(p.Id, p.Name, p.Kana, p.BirthDate, p.Role, p.SchoolCode,
        SchoolGrade.Label(p.BirthDate, FiscalYears.FiscalYear.Current(time)), p.HouseholdId);
}
