using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Audit;
using Tsunagu.Calendar;
using Tsunagu.Data;
using Tsunagu.People;
using Tsunagu.Records;

namespace Tsunagu.Contacts;

public sealed record NewContact(
    int ProgramId, DateOnly Date, TimeOnly? Time, ContactKind Kind, string? Category, ContactChannel Channel, int? DurationMinutes,
    IReadOnlyList<int> OtherPersonIds, IReadOnlyDictionary<NoteProvenance, string> Notes, int? OfficeId = null, DateOnly? NextOn = null);

/// <summary>
/// A correction (訂正) of what a contact recorded; the reason is kept in the audit. <paramref name="Notes"/>, when given,
/// replaces the text of each segment named (an empty text empties it); the earlier text is kept as a revision.
/// </summary>
public sealed record ContactCorrection(
    DateOnly Date, TimeOnly? Time, ContactKind Kind, string? Category, ContactChannel Channel, int? OfficeId, string Reason,
    IReadOnlyDictionary<NoteProvenance, string>? Notes = null, int? DurationMinutes = null, int? Version = null);

/// <summary>Writing and correcting contacts (支援記録). Every write checks the scope first.</summary>
public sealed class ContactService(TsunaguDb db, RecordScope scope, TimeProvider time)
{
    public async Task<Contact> RecordContactAsync(int personId, NewContact input)
    {
        await scope.EnsureProgramAsync(input.ProgramId);
        var persons = await scope.PersonsAsync();
        var involved = new[] { personId }.Concat(input.OtherPersonIds).Distinct().ToList();
        // An ended enrolment still takes records up to its last day (written up afterwards), not beyond.
        var periods = await PeriodsAsync(personId, input.ProgramId);
        var inHousehold = await persons.Where(p => involved.Contains(p.Id)).Select(p => new { p.Id, p.HouseholdId, p.Role, p.BirthDate }).ToListAsync();
        var subjectHousehold = inHousehold.FirstOrDefault(p => p.Id == personId)?.HouseholdId;
        if (periods.Count == 0)
        {
            throw new RecordInputException("programCode", "この人はこの事業に登録されていません。先に登録してください。");
        }
        // Others on the record are the person's own household (a guardian with the child), never someone out of scope.
        if (input.OtherPersonIds.Any(id => inHousehold.All(p => p.Id != id || p.HouseholdId != subjectHousehold)))
        {
            throw new RecordInputException("otherPersonIds", "同じ世帯の人だけを一緒に記録できます。");
        }
        RecordRules.Require(
            ("date", "記録日", RecordRules.RecordDate(input.Date, CityClock.Today(time), inHousehold.Single(p => p.Id == personId).BirthDate)
                ?? RecordRules.InPeriods(input.Date, periods)),
            ("durationMinutes", "時間（分）", RecordRules.Duration(input.DurationMinutes)),
            ("kind", "種別", RecordRules.Defined(input.Kind)),
            ("channel", "方法", RecordRules.Defined(input.Channel)),
            ("otherPersonIds", "一緒に記録する人", RecordRules.Persons(input.OtherPersonIds.Count, 20)),
            ("category", "分類", RecordRules.Line(input.Category, RecordRules.CategoryMax)),
            ("officeId", "事業所", input.OfficeId is { } officeId && !await db.Offices.AnyAsync(o => o.Id == officeId) ? "一覧にありません。" : null),
            ("nextOn", "次回予定日", input.NextOn is { } next && (next <= input.Date || next > input.Date.AddYears(1)) ? "記録日の翌日から1年以内の日にしてください。" : null));
        RequireNotes(input.Notes);
        var userId = scope.UserId;
        var staff = await scope.StaffNameAsync();
        var contact = new Contact
        {
            ProgramId = input.ProgramId,
            Date = input.Date,
            Time = input.Time,
            Kind = input.Kind,
            Category = string.IsNullOrWhiteSpace(input.Category) ? null : input.Category,
            Channel = input.Channel,
            DurationMinutes = input.DurationMinutes,
            OfficeId = input.OfficeId,
            NextOn = input.NextOn,
            // Others on a record are the subject's guardians; a guardian may also be the subject (保護者支援 either way).
            WithGuardian = involved.Count > 1 || inHousehold.Any(p => p.Id == personId && p.Role == PersonRole.Guardian),
            StaffUserId = userId,
            StaffName = staff ?? "",
            CreatedAt = time.GetUtcNow(),
            Persons = involved.Select(id => new ContactPerson
            {
                PersonId = id,
                Role = id == personId ? ContactPersonRole.Subject : ContactPersonRole.Guardian,
            }).ToList(),
            Notes = input.Notes.Where(n => !string.IsNullOrWhiteSpace(n.Value))
                .Select((n, i) => new ContactNote { Position = i, Provenance = n.Key, Text = n.Value }).ToList(),
        };
        db.Contacts.Add(contact);
        await db.SaveChangesAsync();
        return contact;
    }

    /// <summary>
    /// Corrects a contact (訂正): its date, time, kind, category, channel, office and length — what the figures count, so
    /// the next computation follows it — and, when given, its text, the earlier text kept as a revision of the note and
    /// only the names of the segments changed in the audit. A contact outside the user's programs, or withdrawn, is not
    /// found.
    /// </summary>
    public async Task<Contact?> CorrectContactAsync(long contactId, ContactCorrection input)
    {
        var contact = await (await scope.ContactsAsync()).Include(c => c.Program).Include(c => c.Notes).SingleOrDefaultAsync(c => c.Id == contactId);
        if (contact is null)
        {
            return null;
        }
        var subject = await db.ContactPersons.Where(p => p.ContactId == contactId && p.Role == ContactPersonRole.Subject)
            .Select(p => new { p.PersonId, Birth = db.Persons.Where(x => x.Id == p.PersonId).Select(x => x.BirthDate).Single() }).FirstAsync();
        var periods = await PeriodsAsync(subject.PersonId, contact.ProgramId);
        RecordRules.Require(
            ("reason", "訂正の理由", RecordRules.Note(input.Reason, RecordRules.ReasonMax, required: true)),
            ("date", "記録日", RecordRules.RecordDate(input.Date, CityClock.Today(time), subject.Birth)
                ?? RecordRules.InPeriods(input.Date, periods)),
            ("durationMinutes", "時間（分）", RecordRules.Duration(input.DurationMinutes)),
            ("kind", "種別", RecordRules.Defined(input.Kind)),
            ("channel", "方法", RecordRules.Defined(input.Channel)),
            ("category", "分類", RecordRules.Line(input.Category, RecordRules.CategoryMax)),
            ("officeId", "事業所", input.OfficeId is { } officeId && !await db.Offices.AnyAsync(o => o.Id == officeId) ? "一覧にありません。" : null));
        RequireNotes(input.Notes);
        if (input.Version is { } version && version != contact.Version)
        {
            throw new StaleRecordException();
        }
        var before = Describe(contact);
        // When the form sends no length, the recorded one stays (the API's correction predates it).
        (contact.Date, contact.Time, contact.Kind, contact.Category, contact.Channel, contact.OfficeId, contact.DurationMinutes) =
            (input.Date, input.Time, input.Kind, string.IsNullOrWhiteSpace(input.Category) ? null : input.Category, input.Channel, input.OfficeId,
             input.DurationMinutes ?? contact.DurationMinutes);
        var rewritten = await ReviseNotesAsync(contact, input.Notes);
        if (rewritten.Count > 0 && db.Entry(contact).State == EntityState.Unchanged)
        {
            // Only the text changed: the contact's version still moves, so that a correction racing this one is caught.
            contact.Version++;
        }
        var after = Describe(contact) + (rewritten.Count > 0 ? $" 本文の訂正: {string.Join("・", rewritten)}" : "");
        if (after == before)
        {
            throw new RecordInputException("reason", "訂正の理由: 訂正する内容がありません（元の記録と同じです）。");
        }
        scope.Audit(AuditActions.ContactCorrect, contact.Program.Code, $"contact:{contact.Id}", after, before, FiscalYears.Of(contact.Date), input.Reason);
        await db.SaveChangesAsync();
        return contact;
    }

    /// <summary>
    /// Withdraws a contact (取消): entered for the wrong person, or it never took place. It stays on the person's
    /// timeline, struck through, and leaves every count; the reason is kept in the audit.
    /// </summary>
    public async Task WithdrawContactAsync(long contactId, string? reason)
    {
        var contact = await (await scope.ContactsAsync()).Include(c => c.Program).SingleOrDefaultAsync(c => c.Id == contactId)
            ?? throw new RecordNotFoundException("その記録は見られません（取消済みの記録は取り消せません）。");
        RecordRules.Require(("reason", "取消の理由", RecordRules.Note(reason, RecordRules.ReasonMax, required: true)));
        contact.WithdrawnAt = time.GetUtcNow();
        scope.Audit(AuditActions.ContactWithdraw, contact.Program.Code, $"contact:{contact.Id}", "取消", Describe(contact), FiscalYears.Of(contact.Date), reason);
        await db.SaveChangesAsync();
    }

    /// <summary>Each text segment of a record or a correction: a known provenance, within the length of a note.</summary>
    static void RequireNotes(IReadOnlyDictionary<NoteProvenance, string>? notes)
    {
        foreach (var (provenance, text) in notes ?? new Dictionary<NoteProvenance, string>())
        {
            RecordRules.Require(("notes", provenance.Japanese(), RecordRules.Defined(provenance) ?? RecordRules.Note(text)));
        }
    }

    static string Describe(Contact c) =>
        $"{c.Date:yyyy-MM-dd} {c.Time?.ToString("HH:mm", CultureInfo.InvariantCulture) ?? "--:--"} {c.Kind.Japanese()} {c.Category ?? "（分類なし）"} {c.Channel.Japanese()} " +
        $"事業所:{c.OfficeId?.ToString(CultureInfo.InvariantCulture) ?? "なし"}" + (c.DurationMinutes is { } m ? $" {m}分" : "");

    /// <summary>Replaces the text of the segments given, keeping each earlier text as a revision; the segments' names changed.</summary>
    async Task<List<string>> ReviseNotesAsync(Contact contact, IReadOnlyDictionary<NoteProvenance, string>? notes)
    {
        var rewritten = new List<string>();
        if (notes is null)
        {
            return rewritten;
        }
        var staff = await scope.StaffNameAsync();
        foreach (var (provenance, given) in notes.OrderBy(n => n.Key))
        {
            var text = given ?? "";
            var note = contact.Notes.FirstOrDefault(n => n.Provenance == provenance);
            if ((note?.Text ?? "") == text)
            {
                continue;
            }
            if (note is null)
            {
                contact.Notes.Add(new ContactNote { Position = contact.Notes.Count == 0 ? 0 : contact.Notes.Max(n => n.Position) + 1, Provenance = provenance, Text = text });
            }
            else
            {
                note.Revisions.Add(new ContactNoteRevision { Text = note.Text, ReplacedAt = time.GetUtcNow(), ReplacedBy = staff });
                note.Text = text;
            }
            rewritten.Add(provenance.Japanese());
        }
        return rewritten;
    }

    async Task<List<(DateOnly From, DateOnly? To)>> PeriodsAsync(int personId, int programId) =>
        [.. (await db.Enrollments.Where(e => e.ProgramId == programId && e.PersonId == personId).Select(e => new { e.From, e.To }).ToListAsync())
            .Select(e => (e.From, e.To))];
}
