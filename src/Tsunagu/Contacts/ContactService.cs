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
    IReadOnlyList<int> OtherPersonIds, IReadOnlyDictionary<NoteProvenance, string> Notes, int? OfficeId = null);

/// <summary>A correction of what a contact recorded; the reason is kept in the audit.</summary>
public sealed record ContactCorrection(DateOnly Date, TimeOnly? Time, ContactKind Kind, string? Category, ContactChannel Channel, int? OfficeId, string Reason);

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
            ("officeId", "事業所", input.OfficeId is { } officeId && !await db.Offices.AnyAsync(o => o.Id == officeId) ? "一覧にありません。" : null));
        foreach (var (provenance, text) in input.Notes)
        {
            RecordRules.Require(("notes", provenance.Japanese(), RecordRules.Defined(provenance) ?? RecordRules.Note(text)));
        }
        var userId = scope.UserId;
        var staff = await db.Users.Where(u => u.Id == userId).Select(u => u.DisplayName ?? u.Email).SingleAsync();
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
    /// Corrects a contact's date, time, kind, category, channel or office — what the figures count, so the next
    /// computation follows it. The record's text is not changed here. A contact outside the user's programs is not found.
    /// </summary>
    public async Task<Contact?> CorrectContactAsync(long contactId, ContactCorrection input)
    {
        var contact = await (await scope.ContactsAsync()).Include(c => c.Program).SingleOrDefaultAsync(c => c.Id == contactId);
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
            ("kind", "種別", RecordRules.Defined(input.Kind)),
            ("channel", "方法", RecordRules.Defined(input.Channel)),
            ("category", "分類", RecordRules.Line(input.Category, RecordRules.CategoryMax)),
            ("officeId", "事業所", input.OfficeId is { } officeId && !await db.Offices.AnyAsync(o => o.Id == officeId) ? "一覧にありません。" : null));
        static string Describe(Contact c) =>
            $"{c.Date:yyyy-MM-dd} {c.Time?.ToString("HH:mm", CultureInfo.InvariantCulture) ?? "--:--"} {c.Kind.Japanese()} {c.Category ?? "（分類なし）"} {c.Channel.Japanese()} 事業所:{c.OfficeId?.ToString(CultureInfo.InvariantCulture) ?? "なし"}";
        var before = Describe(contact);
        (contact.Date, contact.Time, contact.Kind, contact.Category, contact.Channel, contact.OfficeId) =
            (input.Date, input.Time, input.Kind, string.IsNullOrWhiteSpace(input.Category) ? null : input.Category, input.Channel, input.OfficeId);
        scope.Audit(AuditActions.ContactCorrect, contact.Program.Code, $"contact:{contact.Id}", Describe(contact), before, FiscalYears.Of(contact.Date), input.Reason);
        await db.SaveChangesAsync();
        return contact;
    }

    async Task<List<(DateOnly From, DateOnly? To)>> PeriodsAsync(int personId, int programId) =>
        [.. (await db.Enrollments.Where(e => e.ProgramId == programId && e.PersonId == personId).Select(e => new { e.From, e.To }).ToListAsync())
            .Select(e => (e.From, e.To))];
}
