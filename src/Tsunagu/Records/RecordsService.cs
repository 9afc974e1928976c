using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Audit;
using Tsunagu.Data;
using Tsunagu.People;
using Tsunagu.Programs;

namespace Tsunagu.Records;

public sealed record NewPerson(
    string Name, string Kana, DateOnly BirthDate, PersonRole Role, string? SchoolCode,
    int ProgramId, DateOnly EnrolledOn, ReferralSource Source, int? HouseholdId, string? WardCode, HouseholdCircumstances Circumstances);

public sealed record NewContact(
    int ProgramId, DateOnly Date, TimeOnly? Time, ContactKind Kind, string? Category, ContactChannel Channel, int? DurationMinutes,
    IReadOnlyList<int> OtherPersonIds, IReadOnlyDictionary<NoteProvenance, string> Notes, int? OfficeId = null);

/// <summary>A correction of what a contact recorded; the reason is kept in the audit.</summary>
public sealed record ContactCorrection(DateOnly Date, TimeOnly? Time, ContactKind Kind, string? Category, ContactChannel Channel, int? OfficeId, string Reason);

/// <summary>What case workers write: registrations, contacts, referrals. Every write checks the scope first.</summary>
public sealed class RecordsService(TsunaguDb db, RecordScope scope, TimeProvider time)
{
    public async Task<Person> RegisterAsync(NewPerson input)
    {
        await scope.EnsureProgramAsync(input.ProgramId);
        var today = FiscalYears.FiscalYear.Today(time);
        RecordRules.Require(
            ("name", "氏名", RecordRules.Line(input.Name, RecordRules.NameMax, required: true)),
            ("kana", "ふりがな", RecordRules.Line(input.Kana, RecordRules.NameMax, required: true)),
            ("birthDate", "生年月日", RecordRules.BirthDate(input.BirthDate, today)),
            ("enrolledOn", "登録日", RecordRules.RecordDate(input.EnrolledOn, today, input.BirthDate)),
            ("role", "区分", RecordRules.Defined(input.Role)),
            ("source", "紹介元", RecordRules.Defined(input.Source)),
            ("schoolCode", "学校コード", RecordRules.SchoolCode(input.SchoolCode)),
            ("wardCode", "区のコード", RecordRules.WardCode(input.WardCode)));
        var now = time.GetUtcNow();
        Household? household = null;
        if (input.HouseholdId is { } householdId)
        {
            household = await (await scope.PersonsAsync()).Where(p => p.HouseholdId == householdId).Select(p => p.Household).FirstOrDefaultAsync()
                ?? throw new RecordAccessException("その世帯は見られません。");
        }
        household ??= new Household { WardCode = input.WardCode, Circumstances = input.Circumstances, CreatedAt = now };
        // Stored exactly as given: a registered name is never normalised.
        var person = new Person
        {
            Name = input.Name,
            Kana = input.Kana,
            KanaKey = Search.KanaKey(input.Kana),
            BirthDate = input.BirthDate,
            Role = input.Role,
            SchoolCode = string.IsNullOrWhiteSpace(input.SchoolCode) ? null : input.SchoolCode.Normalize(System.Text.NormalizationForm.FormKC),
            Household = household,
            CreatedAt = now,
        };
        db.Persons.Add(person);
        db.Enrollments.Add(new Enrollment { Person = person, ProgramId = input.ProgramId, From = input.EnrolledOn, Source = input.Source });
        await db.SaveChangesAsync();
        return person;
    }

    public async Task<Contact> RecordContactAsync(int personId, NewContact input)
    {
        await scope.EnsureProgramAsync(input.ProgramId);
        var persons = await scope.PersonsAsync();
        var involved = new[] { personId }.Concat(input.OtherPersonIds).Distinct().ToList();
        // An ended enrolment still takes records up to its last day (written up afterwards), not beyond.
        var enrolled = await db.Enrollments
            .Where(e => e.ProgramId == input.ProgramId && involved.Contains(e.PersonId) && (e.Status == EnrollmentStatus.Active || e.To >= input.Date))
            .Select(e => e.PersonId).ToListAsync();
        var inHousehold = await persons.Where(p => involved.Contains(p.Id)).Select(p => new { p.Id, p.HouseholdId, p.Role, p.BirthDate }).ToListAsync();
        var subjectHousehold = inHousehold.FirstOrDefault(p => p.Id == personId)?.HouseholdId;
        if (!enrolled.Contains(personId))
        {
            throw new RecordInputException("programCode", "この人はこの事業に登録されていません。先に登録してください。");
        }
        // Others on the record are the person's own household (a guardian with the child), never someone out of scope.
        if (input.OtherPersonIds.Any(id => inHousehold.All(p => p.Id != id || p.HouseholdId != subjectHousehold)))
        {
            throw new RecordInputException("otherPersonIds", "同じ世帯の人だけを一緒に記録できます。");
        }
        var enrolledFrom = await db.Enrollments.Where(e => e.ProgramId == input.ProgramId && e.PersonId == personId).MinAsync(e => (DateOnly?)e.From);
        RecordRules.Require(
            ("date", "記録日", RecordRules.RecordDate(input.Date, FiscalYears.FiscalYear.Today(time), inHousehold.Single(p => p.Id == personId).BirthDate, enrolledFrom)),
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
        var enrolledFrom = await db.Enrollments.Where(e => e.ProgramId == contact.ProgramId && e.PersonId == subject.PersonId).MinAsync(e => (DateOnly?)e.From);
        RecordRules.Require(
            ("reason", "訂正の理由", RecordRules.Note(input.Reason, RecordRules.ReasonMax, required: true)),
            ("date", "記録日", RecordRules.RecordDate(input.Date, FiscalYears.FiscalYear.Today(time), subject.Birth, enrolledFrom)),
            ("kind", "種別", RecordRules.Defined(input.Kind)),
            ("channel", "方法", RecordRules.Defined(input.Channel)),
            ("category", "分類", RecordRules.Line(input.Category, RecordRules.CategoryMax)),
            ("officeId", "事業所", input.OfficeId is { } officeId && !await db.Offices.AnyAsync(o => o.Id == officeId) ? "一覧にありません。" : null));
        static string Describe(Contact c) =>
            $"{c.Date:yyyy-MM-dd} {c.Time?.ToString("HH:mm") ?? "--:--"} {c.Kind.Japanese()} {c.Category ?? "（分類なし）"} {c.Channel.Japanese()} 事業所:{c.OfficeId?.ToString() ?? "なし"}";
        var before = Describe(contact);
        (contact.Date, contact.Time, contact.Kind, contact.Category, contact.Channel, contact.OfficeId) =
            (input.Date, input.Time, input.Kind, string.IsNullOrWhiteSpace(input.Category) ? null : input.Category, input.Channel, input.OfficeId);
        Audit(Tsunagu.Audit.AuditActions.ContactCorrect, contact.Program, $"contact:{contact.Id}", Describe(contact), before, FiscalYears.FiscalYear.Of(contact.Date), input.Reason);
        await db.SaveChangesAsync();
        return contact;
    }

    /// <summary>Ends a person's enrolment (support finished, moved away, declined further support).</summary>
    public async Task EndEnrollmentAsync(int enrollmentId, DateOnly to)
    {
        // Only the user's programs' enrolments are found at all.
        var enrollment = await (await scope.EnrollmentsAsync()).Include(e => e.Program).SingleOrDefaultAsync(e => e.Id == enrollmentId)
            ?? throw new RecordAccessException("その登録は見られません。");
        if (enrollment.Status == EnrollmentStatus.Ended)
        {
            throw new RecordConflictException("この登録はすでに終了しています。");
        }
        RecordRules.Require(("to", "終了日", RecordRules.RecordDate(to, FiscalYears.FiscalYear.Today(time), enrolledFrom: enrollment.From)));
        enrollment.To = to;
        enrollment.Status = EnrollmentStatus.Ended;
        Audit(Tsunagu.Audit.AuditActions.EnrollmentEnd, enrollment.Program, $"person:{enrollment.PersonId}", to.ToString("O"));
        await db.SaveChangesAsync();
    }

    /// <summary>
    /// What became of a person in a fiscal year (entered high school and which 課程, promoted, graduated…): the
    /// numerator of 高校進学率 and the like. One outcome per person, program and year; recording again replaces it.
    /// </summary>
    public async Task<Outcome> RecordOutcomeAsync(int personId, int programId, int fiscalYear, OutcomeKind kind, string? course)
    {
        await scope.EnsureProgramAsync(programId);
        if (!await db.Enrollments.AnyAsync(e => e.PersonId == personId && e.ProgramId == programId))
        {
            throw new RecordInputException("programCode", "この人はこの事業に登録されていません。");
        }
        course = string.IsNullOrWhiteSpace(course) ? null : course.Trim();
        RecordRules.Require(
            ("course", "課程", kind == OutcomeKind.EnteredHighSchool && course is null ? "高等学校への進学は課程（全日制・定時制・通信制）も選んでください。" : RecordRules.Line(course, RecordRules.CategoryMax)),
            ("fiscalYear", "年度", fiscalYear > FiscalYears.FiscalYear.Current(time) ? "来年度の結果はまだ記録できません。" : RecordRules.FiscalYear(fiscalYear, time)),
            ("kind", "進路・結果", RecordRules.Defined(kind)));
        static string Describe(OutcomeKind kind, string? course) => $"{kind.Japanese()} {course}".Trim();
        var outcome = await db.Outcomes.SingleOrDefaultAsync(o => o.PersonId == personId && o.ProgramId == programId && o.FiscalYear == fiscalYear);
        var before = outcome is null ? null : Describe(outcome.Kind, outcome.Course);
        if (outcome is null)
        {
            outcome = new Outcome { PersonId = personId, ProgramId = programId, FiscalYear = fiscalYear };
            db.Outcomes.Add(outcome);
        }
        outcome.Kind = kind;
        outcome.Course = course;
        outcome.RecordedOn = FiscalYears.FiscalYear.Today(time);
        Audit(Tsunagu.Audit.AuditActions.OutcomeRecord, await db.Programs.SingleAsync(p => p.Id == programId), $"person:{personId}", Describe(kind, course), before, fiscalYear);
        await db.SaveChangesAsync();
        return outcome;
    }

    /// <summary>A household's circumstances, as the programs' eligibility asks; changed by staff who see a member.</summary>
    public async Task SetCircumstancesAsync(int householdId, HouseholdCircumstances circumstances)
    {
        // Found through a member in scope, and tracked: the change is saved from this one query.
        var household = await (await scope.PersonsAsync()).Where(p => p.HouseholdId == householdId).Select(p => p.Household).FirstOrDefaultAsync()
            ?? throw new RecordAccessException("その世帯は見られません。");
        if (household.Circumstances == circumstances)
        {
            return;
        }
        Audit(Tsunagu.Audit.AuditActions.HouseholdCircumstances, null, $"household:{householdId}", circumstances.Japanese(), household.Circumstances.Japanese());
        household.Circumstances = circumstances;
        await db.SaveChangesAsync();
    }

    /// <summary>
    /// Connects a person to another program or an outside agency. Between the mayor's bureaus and the education
    /// board this is the only way a record passes, so every referral is also in the audit trail.
    /// </summary>
    public async Task<Referral> ReferAsync(int personId, int fromProgramId, int? toProgramId, string? toAgency, string reason)
    {
        await scope.EnsureProgramAsync(fromProgramId);
        if (!await db.Enrollments.AnyAsync(e => e.PersonId == personId && e.ProgramId == fromProgramId))
        {
            throw new RecordInputException("programCode", "この人はこの事業に登録されていません。");
        }
        RecordRules.Require(
            ("toProgramCode", "つなぎ先", toProgramId is null == string.IsNullOrWhiteSpace(toAgency) ? "事業か外部の機関のどちらか一つを指定してください。" : null),
            ("toAgency", "つなぎ先の機関", RecordRules.Line(toAgency, RecordRules.TitleMax)),
            ("reason", "つなぐ理由", RecordRules.Note(reason, RecordRules.ReasonMax, required: true)));
        var from = await db.Programs.SingleAsync(p => p.Id == fromProgramId);
        var to = toProgramId is { } id ? await db.Programs.SingleOrDefaultAsync(p => p.Id == id) ?? throw new RecordInputException("toProgramCode", "つなぎ先の事業がありません。") : null;
        var referral = new Referral
        {
            PersonId = personId,
            FromProgramId = fromProgramId,
            ToProgramId = toProgramId,
            ToAgency = to is null ? toAgency : null,
            Reason = reason,
            Status = ReferralStatus.Sent,
            SentAt = time.GetUtcNow(),
            SentBy = scope.UserName,
        };
        db.Referrals.Add(referral);
        Audit(Tsunagu.Audit.AuditActions.ReferralSend, from, $"person:{personId}", to?.Code ?? toAgency);
        await db.SaveChangesAsync();
        return referral;
    }

    /// <summary>The receiving program accepts (the person is enrolled there) or declines, with a note.</summary>
    public async Task<Referral> DecideAsync(int referralId, bool accept, string? note)
    {
        var referral = await db.Referrals.Include(r => r.ToProgram).SingleOrDefaultAsync(r => r.Id == referralId)
            ?? throw new RecordAccessException("その依頼はありません。");
        if (referral.ToProgramId is not { } toProgramId)
        {
            throw new RecordConflictException("外部機関への依頼は受理できません。");
        }
        await scope.EnsureProgramAsync(toProgramId);
        if (referral.Status != ReferralStatus.Sent)
        {
            throw new RecordConflictException($"この依頼はすでに「{referral.Status.Japanese()}」です。");
        }
        RecordRules.Require(("note", "メモ", RecordRules.Note(note, RecordRules.ReasonMax)));
        var now = time.GetUtcNow();
        referral.Status = accept ? ReferralStatus.Accepted : ReferralStatus.Declined;
        referral.DecidedAt = now;
        referral.DecidedBy = scope.UserName;
        referral.DecisionNote = note;
        if (accept && !await db.Enrollments.AnyAsync(e => e.PersonId == referral.PersonId && e.ProgramId == toProgramId && e.Status == EnrollmentStatus.Active))
        {
            db.Enrollments.Add(new Enrollment
            {
                PersonId = referral.PersonId,
                ProgramId = toProgramId,
                From = FiscalYears.FiscalYear.Today(time),
                Source = ReferralSource.OtherProgram,
            });
        }
        Audit(accept ? Tsunagu.Audit.AuditActions.ReferralAccept : Tsunagu.Audit.AuditActions.ReferralDecline, referral.ToProgram!, $"person:{referral.PersonId}", note);
        await db.SaveChangesAsync();
        return referral;
    }

    void Audit(string action, SupportProgram? program, string subject, string? after, string? before = null, int? fiscalYear = null, string? reason = null) =>
        db.Audit(time, scope.UserName, action, fiscalYear, program?.Code, subject, before, after, reason);
}
