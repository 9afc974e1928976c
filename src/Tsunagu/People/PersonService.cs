using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Audit;
using Tsunagu.Calendar;
using Tsunagu.Contacts;
using Tsunagu.Data;
using Tsunagu.Japanese;
using Tsunagu.Records;

namespace Tsunagu.People;

/// <summary>A worker who can be a case's 担当者: the account's id and how they appear.</summary>
public sealed record StaffMember(string Id, string Name);

public sealed record NewPerson(
    string Name, string Kana, DateOnly BirthDate, PersonRole Role, string? SchoolCode,
    int ProgramId, DateOnly EnrolledOn, ReferralSource Source, int? HouseholdId, string? WardCode, HouseholdCircumstances Circumstances);

/// <summary>Registering persons and households, ending enrolments, recording outcomes. Every write checks the scope first.</summary>
public sealed class PersonService(TsunaguDb db, RecordScope scope, TimeProvider time)
{
    public async Task<Person> RegisterAsync(NewPerson input)
    {
        await scope.EnsureProgramAsync(input.ProgramId);
        var today = CityClock.Today(time);
        RecordRules.Require(
            ("name", "氏名", RecordRules.Line(input.Name, RecordRules.NameMax, required: true)),
            ("kana", "ふりがな", RecordRules.Line(input.Kana, RecordRules.NameMax, required: true)),
            ("birthDate", "生年月日", RecordRules.BirthDate(input.BirthDate, today)),
            ("enrolledOn", "登録日", RecordRules.RecordDate(input.EnrolledOn, today, input.BirthDate)),
            ("role", "区分", RecordRules.Defined(input.Role)),
            ("source", "紹介元", RecordRules.Defined(input.Source)),
            ("schoolCode", "学校コード", RecordRules.SchoolCode(input.SchoolCode)),
            ("wardCode", "区のコード", RecordRules.WardCode(input.WardCode)));
        // A restricted record of the user's programs that the user does not see is never registered a second time beside
        // it, where nobody would know to restrict the copy (the import's rule, and its reach: the user's programs, so
        // that registration cannot probe the whole city). The worker learns only that a manager must look; the audit
        // keeps which record matched, for the managers and auditors.
        var seen = await scope.PersonsAsync();
        var programIds = await scope.ProgramIdsAsync();
        var hidden = db.Persons.Where(p => p.Restriction != null && p.MergedIntoId == null && !seen.Any(s => s.Id == p.Id)
            && db.Enrollments.Any(e => e.PersonId == p.Id && programIds.Contains(e.ProgramId)));
        if ((await Duplicates.FindAsync(hidden, input.Name, input.Kana, input.BirthDate)).FirstOrDefault() is { } match)
        {
            scope.Audit(AuditActions.RestrictedMatch, await db.Programs.Where(p => p.Id == input.ProgramId).Select(p => p.Code).SingleAsync(),
                $"person:{match.Id}", "登録を拒否（閲覧制限のある記録と一致）");
            await db.SaveChangesAsync();
            throw new RecordConflictException("閲覧制限のある記録の人と、氏名（またはふりがな）と生年月日が一致します。二重の記録にならないよう、事業の管理者に相談してください。");
        }
        var now = time.GetUtcNow();
        Household? household = null;
        if (input.HouseholdId is { } householdId)
        {
            household = await (await scope.PersonsAsync()).Where(p => p.HouseholdId == householdId).Select(p => p.Household).FirstOrDefaultAsync()
                ?? throw new RecordNotFoundException("その世帯は見られません。");
        }
        household ??= new Household { WardCode = input.WardCode, Circumstances = input.Circumstances, CreatedAt = now };
        // Stored exactly as given: a registered name is never normalised.
        var person = new Person
        {
            Name = input.Name,
            Kana = input.Kana,
            KanaKey = JapaneseText.KanaKey(input.Kana),
            BirthDate = input.BirthDate,
            Role = input.Role,
            SchoolCode = string.IsNullOrWhiteSpace(input.SchoolCode) ? null : input.SchoolCode.Normalize(System.Text.NormalizationForm.FormKC),
            Household = household,
            CreatedAt = now,
        };
        db.Persons.Add(person);
        db.Enrollments.Add(new Enrollment
        {
            Person = person,
            ProgramId = input.ProgramId,
            From = input.EnrolledOn,
            Source = input.Source,
            OwnerUserId = scope.UserId,
            OfficeId = await scope.OfficeInAsync(input.ProgramId),
        });
        await db.SaveChangesAsync();
        return person;
    }

    /// <summary>
    /// Ends a person's enrolment (支援の終結) on a day, for one of the program's reasons (<see cref="EndReasons"/>).
    /// Contacts up to that day may still be written up; after it, the person is enrolled again to be recorded.
    /// </summary>
    public async Task EndEnrollmentAsync(int enrollmentId, DateOnly to, string? reason)
    {
        // Only the user's programs' enrolments are found at all.
        var enrollment = await (await scope.EnrollmentsAsync()).Include(e => e.Program).SingleOrDefaultAsync(e => e.Id == enrollmentId)
            ?? throw new RecordNotFoundException("その登録は見られません。");
        if (enrollment.Status == EnrollmentStatus.Ended)
        {
            throw new RecordConflictException("この登録はすでに終了しています。");
        }
        // Contacts already recorded after the day would fall outside every period.
        var lastContact = await db.Contacts
            .Where(c => c.ProgramId == enrollment.ProgramId && c.Persons.Any(p => p.PersonId == enrollment.PersonId && p.Role == ContactPersonRole.Subject))
            .MaxAsync(c => (DateOnly?)c.Date);
        RecordRules.Require(
            ("to", "終了日", RecordRules.RecordDate(to, CityClock.Today(time), enrolledFrom: enrollment.From)
                ?? (lastContact > to ? $"{FiscalYears.FormatDate(lastContact.Value)}の記録があります。それより後の日を選んでください。" : null)),
            ("reason", "終結理由", string.IsNullOrWhiteSpace(reason) ? "選んでください。"
                : EndReasons.For(enrollment.Program).Contains(reason) ? null : "一覧から選んでください。"));
        enrollment.To = to;
        enrollment.Status = EnrollmentStatus.Ended;
        enrollment.EndReason = reason;
        scope.Audit(AuditActions.EnrollmentEnd, enrollment.Program.Code, $"person:{enrollment.PersonId}",
            $"{to.ToString("O", CultureInfo.InvariantCulture)} {reason}");
        await db.SaveChangesAsync();
    }

    /// <summary>終結の承認: the manager confirms an ended case's closure (the end itself counted from its day).</summary>
    public async Task ApproveClosureAsync(int enrollmentId)
    {
        var enrollment = await (await scope.EnrollmentsAsync()).Include(e => e.Program).SingleOrDefaultAsync(e => e.Id == enrollmentId)
            ?? throw new RecordNotFoundException("その登録は見られません。");
        if (!scope.IsInRole(Roles.Manager))
        {
            throw new RecordAccessException("終結を承認するのは事業の管理者です。");
        }
        if (enrollment.Status != EnrollmentStatus.Ended || enrollment.ClosureApprovedAt is not null)
        {
            throw new RecordConflictException(enrollment.Status != EnrollmentStatus.Ended ? "まだ終了していない登録です。" : "この終結は承認済みです。");
        }
        (enrollment.ClosureApprovedAt, enrollment.ClosureApprovedBy) = (time.GetUtcNow(), await scope.StaffNameAsync());
        scope.Audit(AuditActions.EnrollmentClosureApprove, enrollment.Program.Code, $"person:{enrollment.PersonId}", "終結承認");
        await db.SaveChangesAsync();
    }

    /// <summary>
    /// Enrols a person the user can see in one of the user's programs: again, after support there ended (再登録: a new
    /// period from a day after the last one ended, with the referral source of this return), or for the first time —
    /// the person a worker of two programs found already registered in the other («同じ人ですか»).
    /// </summary>
    public async Task<Enrollment> EnrollAsync(int personId, int programId, DateOnly from, ReferralSource source)
    {
        await scope.EnsureProgramAsync(programId);
        var person = await (await scope.PersonsAsync()).AsNoTracking().SingleOrDefaultAsync(p => p.Id == personId)
            ?? throw new RecordNotFoundException("その人は見られません。");
        var periods = await db.Enrollments.AsNoTracking().Where(e => e.PersonId == personId && e.ProgramId == programId).ToListAsync();
        if (periods.Any(e => e.Status == EnrollmentStatus.Active))
        {
            throw new RecordConflictException("この事業にはすでに登録されています。");
        }
        var lastEnded = periods.Count == 0 ? (DateOnly?)null : periods.Max(e => e.To!.Value);
        RecordRules.Require(
            ("from", "登録日", RecordRules.RecordDate(from, CityClock.Today(time), person.BirthDate)
                ?? (from <= lastEnded ? $"前の登録が{FiscalYears.FormatDate(lastEnded.Value)}まであります。その翌日以降にしてください。" : null)),
            ("source", "紹介元", RecordRules.Defined(source)));
        var enrollment = new Enrollment
        {
            PersonId = personId,
            ProgramId = programId,
            From = from,
            Source = source,
            OwnerUserId = scope.UserId,
            OfficeId = await scope.OfficeInAsync(programId),
        };
        db.Enrollments.Add(enrollment);
        scope.Audit(AuditActions.EnrollmentStart, await db.Programs.Where(p => p.Id == programId).Select(p => p.Code).SingleAsync(), $"person:{personId}",
            $"{from.ToString("O", CultureInfo.InvariantCulture)} {source.Japanese()}{(periods.Count > 0 ? " 再登録" : "")}");
        await db.SaveChangesAsync();
        return enrollment;
    }

    /// <summary>
    /// Hands a case over to another worker of the program (担当替え), with a reason: the current 担当者 or the
    /// program's manager may; the new one must be assigned to the program. Audited with both accounts.
    /// </summary>
    public async Task TransferAsync(int enrollmentId, string? toUserId, string? reason)
    {
        var enrollment = await (await scope.EnrollmentsAsync()).Include(e => e.Program).SingleOrDefaultAsync(e => e.Id == enrollmentId)
            ?? throw new RecordNotFoundException("その登録は見られません。");
        if (enrollment.Status != EnrollmentStatus.Active)
        {
            throw new RecordConflictException("終了した登録の担当は替えられません。");
        }
        if (enrollment.OwnerUserId != scope.UserId && !scope.IsInRole(Roles.Manager))
        {
            throw new RecordAccessException("担当を替えられるのは、いまの担当者か事業の管理者です。");
        }
        var staff = await ProgramStaffAsync(enrollment.ProgramId);
        RecordRules.Require(
            ("toUserId", "新しい担当者", string.IsNullOrEmpty(toUserId) ? "選んでください。"
                : toUserId == enrollment.OwnerUserId ? "いまの担当者です。"
                : staff.Any(s => s.Id == toUserId) ? null : "この事業の職員から選んでください。"),
            ("reason", "担当替えの理由", RecordRules.Note(reason, RecordRules.ReasonMax, required: true)));
        string? NameOf(string? id) => id is null ? null : staff.FirstOrDefault(s => s.Id == id)?.Name ?? id;
        scope.Audit(AuditActions.EnrollmentTransfer, enrollment.Program.Code, $"person:{enrollment.PersonId}", NameOf(toUserId), NameOf(enrollment.OwnerUserId), reason: reason);
        enrollment.OwnerUserId = toUserId;
        await db.SaveChangesAsync();
    }

    /// <summary>The case workers and managers assigned to a program, by 氏名: who can be a case's 担当者.</summary>
    public async Task<List<StaffMember>> ProgramStaffAsync(int programId) =>
        (await db.ProgramAssignments.Where(a => a.ProgramId == programId)
            .Join(db.Users, a => a.UserId, u => u.Id, (a, u) => u)
            .Where(u => db.UserRoles.Any(r => r.UserId == u.Id && db.Roles.Any(x => x.Id == r.RoleId && (x.Name == Roles.Caseworker || x.Name == Roles.Manager))))
            .Select(u => new { u.Id, Name = u.DisplayName ?? u.Email ?? u.Id }).Distinct().ToListAsync())
        .Select(u => new StaffMember(u.Id, u.Name)).OrderBy(s => s.Name, StringComparer.Ordinal).ToList();

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
            ("fiscalYear", "年度", fiscalYear > CityClock.CurrentFiscalYear(time) ? "来年度の結果はまだ記録できません。" : RecordRules.FiscalYear(fiscalYear, time)),
            ("kind", "進路・結果", RecordRules.Defined(kind)));
        static string Describe(OutcomeKind kind, string? course) => $"{kind.Japanese()} {course}".Trim();
        // A withdrawn outcome of the year is the row recorded again (one per person, program and year).
        var outcome = await db.Outcomes.IgnoreQueryFilters().SingleOrDefaultAsync(o => o.PersonId == personId && o.ProgramId == programId && o.FiscalYear == fiscalYear);
        var before = outcome is null || outcome.WithdrawnAt is not null ? null : Describe(outcome.Kind, outcome.Course);
        if (outcome is null)
        {
            outcome = new Outcome { PersonId = personId, ProgramId = programId, FiscalYear = fiscalYear };
            db.Outcomes.Add(outcome);
        }
        outcome.Kind = kind;
        outcome.Course = course;
        outcome.WithdrawnAt = null;
        outcome.RecordedOn = CityClock.Today(time);
        scope.Audit(AuditActions.OutcomeRecord, await db.Programs.Where(p => p.Id == programId).Select(p => p.Code).SingleAsync(), $"person:{personId}", Describe(kind, course), before, fiscalYear);
        await db.SaveChangesAsync();
        return outcome;
    }

    /// <summary>取消 of an outcome recorded in error: kept, and no longer counted (高校進学率 follows); the reason in the audit.</summary>
    public async Task WithdrawOutcomeAsync(int outcomeId, string? reason)
    {
        var outcome = await (await scope.OutcomesAsync()).SingleOrDefaultAsync(o => o.Id == outcomeId)
            ?? throw new RecordNotFoundException("その進路・結果は見られません。");
        RecordRules.Require(("reason", "取消の理由", RecordRules.Note(reason, RecordRules.ReasonMax, required: true)));
        outcome.WithdrawnAt = time.GetUtcNow();
        scope.Audit(AuditActions.OutcomeWithdraw, await db.Programs.Where(p => p.Id == outcome.ProgramId).Select(p => p.Code).SingleAsync(),
            $"person:{outcome.PersonId}", "取消", $"{outcome.Kind.Japanese()} {outcome.Course}".Trim(), outcome.FiscalYear, reason);
        await db.SaveChangesAsync();
    }

    /// <summary>A household's circumstances, as the programs' eligibility asks; changed by staff who see a member.</summary>
    public async Task SetCircumstancesAsync(int householdId, HouseholdCircumstances circumstances)
    {
        // Found through a member in scope, and tracked: the change is saved from this one query.
        var household = await (await scope.PersonsAsync()).Where(p => p.HouseholdId == householdId).Select(p => p.Household).FirstOrDefaultAsync()
            ?? throw new RecordNotFoundException("その世帯は見られません。");
        if (household.Circumstances == circumstances)
        {
            return;
        }
        scope.Audit(AuditActions.HouseholdCircumstances, null, $"household:{householdId}", circumstances.Japanese(), household.Circumstances.Japanese());
        household.Circumstances = circumstances;
        await db.SaveChangesAsync();
    }
}
