using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Data;

namespace Tsunagu.Contacts;

public sealed record ContactItem(
    long Id, string ProgramCode, DateOnly Date, TimeOnly? Time, ContactKind Kind, string? Category, ContactChannel Channel,
    int? DurationMinutes, bool OutsideOfficeHours, string StaffName, IReadOnlyList<NoteItem> Notes, int Version);

public sealed record NoteItem(NoteProvenance Provenance, string Text);

/// <summary>
/// A correction: the contact's attributes as they should be, and — when given — its text segments. With the version the
/// client read, a correction made since is a 409 instead of being overwritten.
/// </summary>
public sealed record ContactCorrectionInput(
    DateOnly Date, TimeOnly? Time, ContactKind Kind, string? Category, ContactChannel Channel, int? OfficeId, string Reason,
    IReadOnlyDictionary<NoteProvenance, string>? Notes = null, int? DurationMinutes = null, int? Version = null);

public sealed record ContactInput(
    string ProgramCode, DateOnly Date, TimeOnly? Time, ContactKind Kind, string? Category, ContactChannel Channel, int? DurationMinutes,
    IReadOnlyList<int>? OtherPersonIds, IReadOnlyDictionary<NoteProvenance, string>? Notes, int? OfficeId = null,
    DateOnly? NextOn = null);

/// <summary>A person's contacts under /api/v1: read (the timeline), written, corrected, withdrawn; within the caller's programs.</summary>
public static class ContactsApi
{
    public static void MapContactsApi(this WebApplication app)
    {
        var api = app.MapRecordsGroup();

        api.MapGet("/people/{id:int}/contacts", async Task<Results<Ok<List<ContactItem>>, ProblemHttpResult>> (int id, RecordScope scope) =>
        {
            if (await scope.ReadPersonAsync(id, "GET /api/v1/people/{id}/contacts") is null)
            {
                return RecordsApiGroup.NotFound();
            }
            var contacts = await (await scope.ContactsOfAsync(id))
                .OrderByDescending(c => c.Date).ThenByDescending(c => c.Time)
                .Select(c => new { c, c.Program.Code, Notes = c.Notes.OrderBy(n => n.Position).ToList() })
                .ToListAsync();
            return TypedResults.Ok(contacts.Select(x => ToItem(x.c, x.Code, x.Notes)).ToList());
        }).WithName("listContacts").WithSummary("A person's contacts in the caller's programs, newest first, with their notes");

        api.MapPost("/people/{id:int}/contacts", async Task<Results<Created<ContactItem>, ProblemHttpResult>> (int id, ContactInput input, RecordScope scope, ContactService contacts, TsunaguDb db) =>
        {
            if (await scope.ReadPersonAsync(id, "POST /api/v1/people/{id}/contacts") is null)
            {
                return RecordsApiGroup.NotFound();
            }
            var contact = await contacts.RecordContactAsync(id, new NewContact(await RecordsApiGroup.ProgramIdAsync(db, input.ProgramCode), input.Date, input.Time, input.Kind, input.Category,
                input.Channel, input.DurationMinutes, input.OtherPersonIds ?? [], input.Notes ?? new Dictionary<NoteProvenance, string>(), input.OfficeId, input.NextOn));
            return TypedResults.Created($"/api/v1/people/{id}/contacts", ToItem(contact, input.ProgramCode, contact.Notes));
        }).WithName("recordContact").WithSummary("Records a contact with a person (and others present); an Idempotency-Key makes a resend safe");

        api.MapPut("/contacts/{id:long}", async Task<Results<Ok, ProblemHttpResult>> (long id, ContactCorrectionInput input, ContactService contacts) =>
            await contacts.CorrectContactAsync(id, new ContactCorrection(input.Date, input.Time, input.Kind, input.Category, input.Channel, input.OfficeId,
                input.Reason, input.Notes, input.DurationMinutes, input.Version)) is null
                ? RecordsApiGroup.NotFound()
                : TypedResults.Ok())
            .WithName("correctContact").WithSummary("Corrects a contact with a reason; version is the one read, a stale one is a 409");

        api.MapPost("/contacts/{id:long}/withdrawal", async Task<NoContent> (long id, WithdrawalInput input, ContactService contacts) =>
        {
            await contacts.WithdrawContactAsync(id, input.Reason);
            return TypedResults.NoContent();
        }).WithName("withdrawContact").WithSummary("Withdraws a contact recorded in error, with a reason (it stays, marked, for the audit)");
    }

    static ContactItem ToItem(Contact c, string programCode, IEnumerable<ContactNote> notes) => new(c.Id, programCode, c.Date, c.Time, c.Kind, c.Category,
        c.Channel, c.DurationMinutes, c.IsOutsideOfficeHours, c.StaffName, notes.Select(n => new NoteItem(n.Provenance, n.Text)).ToList(), c.Version);
}
