using Microsoft.EntityFrameworkCore;
using Tsunagu.Attachments;
using Tsunagu.Audit;
using Tsunagu.Calendar;
using Tsunagu.Data;
using Tsunagu.People;
using Tsunagu.Plans;

namespace Tsunagu.Retention;

/// <summary>What one program's rule deleted (or, in a dry run, would delete).</summary>
public sealed record RetentionResult(string ProgramCode, string ProgramName, int Years, DateOnly EndedBefore, IReadOnlyList<int> Persons)
{
    public int PersonsRemoved { get; set; }
    public int Enrollments { get; set; }
    public int Contacts { get; set; }
    public int Attachments { get; set; }
    public int Plans { get; set; }
    public int Referrals { get; set; }
    public int Attendances { get; set; }
    public int Outcomes { get; set; }
    public int Subsidies { get; set; }

    /// <summary>Counts only: what the audit keeps and the operator reads, never who.</summary>
    public string Counts =>
        $"人 {Persons.Count:N0}（うち人の記録ごと削除 {PersonsRemoved:N0}）、登録期間 {Enrollments:N0}、支援記録 {Contacts:N0}、添付書類 {Attachments:N0}、" +
        $"支援計画 {Plans:N0}、紹介 {Referrals:N0}、出席 {Attendances:N0}、進路・結果 {Outcomes:N0}、補助金申請 {Subsidies:N0}";

    public string Rule => $"保存年限 {Years} 年（終了した年度の翌年度の4月1日から起算）: {FiscalYears.FormatDate(EndedBefore.AddDays(-1))} までに終了";
}

/// <summary>
/// 保存年限: deletes the records of persons whose support in a program ended longer ago than the program's rule keeps
/// them (<see cref="RetentionRules"/>) — the person's periods in the program, their contacts in it (with the notes and
/// earlier wordings), attachments and their files, plans, attendances, outcomes, subsidy applications, referrals
/// neither of whose programs keeps the person, and the person (and an emptied household) once nothing of theirs is left.
/// A contact shared with someone still kept stays, as theirs. The access log keeps its rows, which name a person by id
/// only; the audit records each program's deletion by counts and rule, never by name. Published tables are their own
/// snapshots and do not change; recomputing a year whose records were deleted gives the smaller figures.
/// </summary>
public sealed class RecordRetention(TsunaguDb db, RetentionRules rules, AttachmentStore files, TimeProvider time, ILogger<RecordRetention> logger)
{
    /// <summary>Persons per transaction: a night's run holds SQLite's write lock for a batch at a time, not for the whole.</summary>
    const int Batch = 200;

    /// <summary>The programs without a rule (whose records are kept), by code.</summary>
    public async Task<List<string>> WithoutRuleAsync(CancellationToken ct) =>
        [.. (await db.Programs.OrderBy(p => p.Code).Select(p => p.Code).ToListAsync(ct)).Where(code => rules.YearsFor(code) is null)];

    /// <summary>Each program's due persons deleted (or counted and rolled back: <paramref name="dryRun"/>), as of today.</summary>
    public async Task<List<RetentionResult>> RunAsync(bool dryRun, string actor, CancellationToken ct)
    {
        var unknown = rules.NamedPrograms.Except(await db.Programs.Select(p => p.Code).ToListAsync(ct), StringComparer.OrdinalIgnoreCase).ToList();
        if (unknown.Count > 0)
        {
            throw new RefusalException(RefusalKind.Invalid, $"Retention:Programs に、ない事業のコードがあります: {string.Join(", ", unknown)}");
        }
        var today = CityClock.Today(time);
        var results = new List<RetentionResult>();
        foreach (var program in await db.Programs.OrderBy(p => p.Code).Select(p => new { p.Id, p.Code, p.Name }).ToListAsync(ct))
        {
            if (rules.YearsFor(program.Code) is not { } years)
            {
                continue;
            }
            var endedBefore = RetentionRules.EndedBefore(today, years);
            // Due: every period of the person in the program has ended, the last before the rule's day.
            var due = await db.Enrollments.Where(e => e.ProgramId == program.Id)
                .GroupBy(e => e.PersonId)
                .Where(g => g.All(e => e.Status == EnrollmentStatus.Ended && e.To != null && e.To < endedBefore))
                .Select(g => g.Key).OrderBy(id => id).ToListAsync(ct);
            var result = new RetentionResult(program.Code, program.Name, years, endedBefore, due);
            foreach (var batch in due.Chunk(Batch))
            {
                var stored = new List<string>();
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                foreach (var personId in batch)
                {
                    stored.AddRange(await DeleteAsync(personId, program.Id, result, ct));
                }
                if (dryRun)
                {
                    await transaction.RollbackAsync(ct);
                    continue;
                }
                await transaction.CommitAsync(ct);
                foreach (var name in stored)
                {
                    RemoveFile(name);
                }
            }
            if (!dryRun && due.Count > 0)
            {
                db.Audit(time, actor, AuditActions.RetentionDelete, programCode: program.Code, after: result.Counts, reason: result.Rule);
                await db.SaveChangesAsync(ct);
            }
            results.Add(result);
        }
        return results;
    }

    void RemoveFile(string name)
    {
        try
        {
            files.Delete(name);
        }
        catch (IOException e)
        {
            // The row is gone; a file left behind is sealed and named at random, and the next run's operator is told.
            logger.LogWarning(e, "An attachment's file could not be removed after its record was deleted by retention");
        }
    }

    /// <summary>One person's records in one program; returns the attachments' stored names, removed after the commit.</summary>
    async Task<List<string>> DeleteAsync(int personId, int programId, RetentionResult result, CancellationToken ct)
    {
        var enrollments = await db.Enrollments.Where(e => e.PersonId == personId && e.ProgramId == programId).Select(e => e.Id).ToListAsync(ct);
        var plans = db.SupportPlans.Where(p => enrollments.Contains(p.EnrollmentId));
        var reviews = db.PlanReviews.Where(r => plans.Any(p => p.Id == r.PlanId));
        await db.Set<GoalReview>().Where(g => reviews.Any(r => r.Id == g.ReviewId)).ExecuteDeleteAsync(ct);
        await reviews.ExecuteDeleteAsync(ct);
        await db.Set<PlanGoal>().Where(g => plans.Any(p => p.Id == g.PlanId)).ExecuteDeleteAsync(ct);
        await db.Set<PlannedService>().Where(s => plans.Any(p => p.Id == s.PlanId)).ExecuteDeleteAsync(ct);
        result.Plans += await plans.ExecuteDeleteAsync(ct);
        await db.CaseShares.Where(s => enrollments.Contains(s.EnrollmentId)).ExecuteDeleteAsync(ct);

        // The person's contacts in the program; a contact someone else is also on stays, without this person.
        var contacts = await db.Contacts.IgnoreQueryFilters().Where(c => c.ProgramId == programId && c.Persons.Any(p => p.PersonId == personId))
            .Select(c => new { c.Id, Others = c.Persons.Any(p => p.PersonId != personId) }).ToListAsync(ct);
        var contactIds = contacts.Select(c => c.Id).ToList();
        var alone = contacts.Where(c => !c.Others).Select(c => c.Id).ToList();
        var attachments = db.Attachments.Where(a => (a.PersonId == personId && a.ProgramId == programId) || (a.ContactId != null && alone.Contains(a.ContactId.Value)));
        var stored = await attachments.Select(a => a.StoredName).ToListAsync(ct);
        result.Attachments += await attachments.ExecuteDeleteAsync(ct);
        await db.ContactPersons.Where(p => p.PersonId == personId && contactIds.Contains(p.ContactId)).ExecuteDeleteAsync(ct);
        await db.ContactNoteRevisions.Where(r => db.ContactNotes.Any(n => n.Id == r.NoteId && alone.Contains(n.ContactId))).ExecuteDeleteAsync(ct);
        await db.ContactNotes.Where(n => alone.Contains(n.ContactId)).ExecuteDeleteAsync(ct);
        result.Contacts += await db.Contacts.IgnoreQueryFilters().Where(c => alone.Contains(c.Id)).ExecuteDeleteAsync(ct);

        result.Attendances += await db.Attendances.Where(a => a.PersonId == personId && db.Sessions.Any(s => s.Id == a.SessionId && s.ProgramId == programId)).ExecuteDeleteAsync(ct);
        result.Outcomes += await db.Outcomes.IgnoreQueryFilters().Where(o => o.PersonId == personId && o.ProgramId == programId).ExecuteDeleteAsync(ct);
        result.Subsidies += await db.Subsidies.IgnoreQueryFilters().Where(s => s.PersonId == personId && s.ProgramId == programId).ExecuteDeleteAsync(ct);
        await db.PersonYearFacts.Where(f => f.PersonId == personId && f.ProgramId == programId).ExecuteDeleteAsync(ct);
        result.Enrollments += await db.Enrollments.Where(e => enrollments.Contains(e.Id)).ExecuteDeleteAsync(ct);

        // A referral belongs to both its programs: it goes when neither keeps the person.
        var kept = db.Enrollments.Where(e => e.PersonId == personId);
        result.Referrals += await db.Referrals.IgnoreQueryFilters()
            .Where(r => r.PersonId == personId && (r.FromProgramId == programId || r.ToProgramId == programId)
                && !kept.Any(e => e.ProgramId == r.FromProgramId || e.ProgramId == r.ToProgramId))
            .ExecuteDeleteAsync(ct);

        if (await IsEmptyAsync(personId, ct))
        {
            result.PersonsRemoved++;
            await RemovePersonAsync(personId, ct);
        }
        return stored;
    }

    /// <summary>Nothing of the person's is left anywhere: no period, no contact, no attachment, no row of any program.</summary>
    async Task<bool> IsEmptyAsync(int personId, CancellationToken ct) =>
        !await db.Enrollments.AnyAsync(e => e.PersonId == personId, ct)
        && !await db.ContactPersons.AnyAsync(p => p.PersonId == personId, ct)
        && !await db.Attachments.AnyAsync(a => a.PersonId == personId, ct)
        && !await db.Attendances.AnyAsync(a => a.PersonId == personId, ct)
        && !await db.Outcomes.IgnoreQueryFilters().AnyAsync(o => o.PersonId == personId, ct)
        && !await db.Subsidies.IgnoreQueryFilters().AnyAsync(s => s.PersonId == personId, ct)
        && !await db.Referrals.IgnoreQueryFilters().AnyAsync(r => r.PersonId == personId, ct);

    /// <summary>The person, the duplicates once merged into them (emptied by the merge), and their household if it is now empty.</summary>
    async Task RemovePersonAsync(int personId, CancellationToken ct)
    {
        var household = await db.Persons.IgnoreQueryFilters().Where(p => p.Id == personId).Select(p => p.HouseholdId).SingleAsync(ct);
        var persons = db.Persons.IgnoreQueryFilters().Where(p => p.Id == personId || p.MergedIntoId == personId);
        await db.RestrictedRecordStaff.Where(s => persons.Any(p => p.Id == s.PersonId)).ExecuteDeleteAsync(ct);
        await db.PersonYearFacts.Where(f => persons.Any(p => p.Id == f.PersonId)).ExecuteDeleteAsync(ct);
        await persons.ExecuteDeleteAsync(ct);
        if (household is { } householdId && !await db.Persons.IgnoreQueryFilters().AnyAsync(p => p.HouseholdId == householdId, ct))
        {
            await db.ReachConsents.Where(c => c.HouseholdId == householdId).ExecuteDeleteAsync(ct);
            await db.Deliveries.Where(d => d.HouseholdId == householdId).ExecuteDeleteAsync(ct);
            await db.Households.Where(h => h.Id == householdId).ExecuteDeleteAsync(ct);
        }
    }
}
