using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Audit;
using Tsunagu.Contacts;
using Tsunagu.Data;
using Tsunagu.Records;

namespace Tsunagu.People;

/// <summary>
/// What a merge moved from the duplicate to the kept person, by row: kept in the audit entry (as its "before"), so the
/// entry alone can undo the merge. Ids only — no name or note.
/// </summary>
public sealed record MergedRows(
    int Duplicate, int Kept, List<long> Contacts, List<long> SharedContacts, List<int> Enrollments, List<AbsorbedPeriod> Absorbed,
    PeriodState? KeptPeriodBefore, List<int> Outcomes, List<int> Subsidies, List<int> Referrals, List<int> Attendances, List<long>? Attachments = null,
    bool CopiedPhone = false, bool CopiedEmail = false);

/// <summary>A duplicate's period folded into the kept person's overlapping period of the same program.</summary>
public sealed record AbsorbedPeriod(
    int ProgramId, DateOnly From, DateOnly? To, ReferralSource Source, EnrollmentStatus Status, string? EndReason, int? OfficeId = null, string? OwnerUserId = null);

public sealed record PeriodState(int Id, DateOnly From, DateOnly? To, EnrollmentStatus Status, string? EndReason);

/// <summary>
/// Merging a person registered twice (名寄せ) into one, by a manager of the program both are in: the duplicate's
/// contacts, enrolments, outcomes, subsidies, referrals, attendance and attachments move to the kept record, so 実人数 counts one
/// person (the facts follow through the contact-link triggers). The duplicate's row stays, marked merged; the audit
/// entry keeps what moved, and undoing it moves everything back.
/// </summary>
public sealed class PersonMergeService(TsunaguDb db, RecordScope scope)
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task MergeAsync(int keptId, int duplicateId, string? reason)
    {
        if (!scope.IsInRole(Roles.Manager))
        {
            throw new RecordAccessException("記録を統合できるのは事業の管理者です。");
        }
        await using var transaction = await db.Database.BeginTransactionAsync();
        RecordRules.Require(
            ("reason", "統合の理由", RecordRules.Note(reason, RecordRules.ReasonMax, required: true)),
            ("duplicateId", "統合する記録", keptId == duplicateId ? "同じ記録どうしは統合できません。" : null));
        var persons = await scope.PersonsAsync();
        var pair = await persons.Where(p => p.Id == keptId || p.Id == duplicateId).ToListAsync();
        if (pair.Count != 2)
        {
            throw new RecordNotFoundException("その人は見られません。");
        }
        // A restricted record's contacts would become visible to everyone who sees the other one.
        if (pair.Any(p => p.Restriction is not null))
        {
            throw new RecordConflictException("閲覧制限のある記録は統合できません。制限を解除して統合し、統合した記録に制限をかけ直してください。");
        }
        var programIds = await scope.ProgramIdsAsync();
        var periods = await db.Enrollments.Where(e => e.PersonId == keptId || e.PersonId == duplicateId).ToListAsync();
        var common = periods.Where(e => e.PersonId == duplicateId && programIds.Contains(e.ProgramId))
            .Select(e => e.ProgramId).Intersect(periods.Where(e => e.PersonId == keptId).Select(e => e.ProgramId)).FirstOrDefault();
        if (common == 0)
        {
            throw new RecordInputException("duplicateId", "統合する記録: 二人が同じ担当事業に登録されていません。");
        }
        // Everything of the duplicate moves: a registration in a program outside the manager's would move unseen.
        if (periods.Any(e => e.PersonId == duplicateId && !programIds.Contains(e.ProgramId)))
        {
            throw new RecordAccessException("統合する記録に担当外の事業の登録があります。その事業の管理者と調整してください。");
        }
        var outcomes = await db.Outcomes.Where(o => o.PersonId == keptId || o.PersonId == duplicateId).ToListAsync();
        if (outcomes.Where(o => o.PersonId == duplicateId).Any(d => outcomes.Any(k => k.PersonId == keptId && k.ProgramId == d.ProgramId && k.FiscalYear == d.FiscalYear)))
        {
            throw new RecordConflictException("両方の記録に同じ年度の進路・結果があります。どちらかを訂正してから統合してください。");
        }
        var attendances = await db.Attendances.Where(a => a.PersonId == keptId || a.PersonId == duplicateId).ToListAsync();
        if (attendances.Where(a => a.PersonId == duplicateId).Any(d => attendances.Any(k => k.PersonId == keptId && k.SessionId == d.SessionId)))
        {
            throw new RecordConflictException("両方の記録が同じ学習会に出席しています。どちらかの出席を取り消してから統合してください。");
        }

        var links = await db.ContactPersons.Where(p => p.PersonId == duplicateId || p.PersonId == keptId).ToListAsync();
        var keptContacts = links.Where(l => l.PersonId == keptId).Select(l => l.ContactId).ToHashSet();
        var moved = new List<long>();
        var shared = new List<long>();
        // Removed and added rather than changed: the facts' triggers count links as they are inserted and deleted.
        foreach (var link in links.Where(l => l.PersonId == duplicateId))
        {
            db.ContactPersons.Remove(link);
            if (keptContacts.Contains(link.ContactId))
            {
                shared.Add(link.ContactId);
                continue;
            }
            db.ContactPersons.Add(new ContactPerson { ContactId = link.ContactId, PersonId = keptId, Role = link.Role });
            moved.Add(link.ContactId);
        }
        await db.SaveChangesAsync();

        // A period of the duplicate overlapping one of the kept person's in the same program is folded into it.
        var movedPeriods = new List<int>();
        var absorbed = new List<AbsorbedPeriod>();
        PeriodState? keptBefore = null;
        foreach (var period in periods.Where(e => e.PersonId == duplicateId).OrderBy(e => e.From))
        {
            var overlap = periods.FirstOrDefault(k => k.PersonId == keptId && k.ProgramId == period.ProgramId
                && k.From <= (period.To ?? DateOnly.MaxValue) && period.From <= (k.To ?? DateOnly.MaxValue));
            if (overlap is null)
            {
                period.PersonId = keptId;
                movedPeriods.Add(period.Id);
                continue;
            }
            if (keptBefore is not null && keptBefore.Id != overlap.Id)
            {
                throw new RecordConflictException("登録期間の重なりが複雑なため統合できません。先に登録期間を整理してください。");
            }
            // A folded period's plan and sharing would go with its row, and an undo could not bring them back.
            if (await db.SupportPlans.AnyAsync(p => p.EnrollmentId == period.Id) || await db.CaseShares.AnyAsync(c => c.EnrollmentId == period.Id))
            {
                throw new RecordConflictException("重なる登録期間に支援計画か事業所間の共有があります。先に登録期間を整理してください。");
            }
            keptBefore ??= new PeriodState(overlap.Id, overlap.From, overlap.To, overlap.Status, overlap.EndReason);
            absorbed.Add(new AbsorbedPeriod(period.ProgramId, period.From, period.To, period.Source, period.Status, period.EndReason, period.OfficeId, period.OwnerUserId));
            overlap.From = period.From < overlap.From ? period.From : overlap.From;
            (overlap.To, overlap.Status, overlap.EndReason) = period.To is null || overlap.To is null
                ? (null, EnrollmentStatus.Active, null)
                : period.To > overlap.To ? (period.To, period.Status, period.EndReason) : (overlap.To, overlap.Status, overlap.EndReason);
            db.Enrollments.Remove(period);
        }
        var outcomeIds = outcomes.Where(o => o.PersonId == duplicateId).Select(o => o.Id).ToList();
        await db.Outcomes.Where(o => o.PersonId == duplicateId).ExecuteUpdateAsync(s => s.SetProperty(o => o.PersonId, keptId));
        var subsidyIds = await db.Subsidies.Where(s => s.PersonId == duplicateId).Select(s => s.Id).ToListAsync();
        await db.Subsidies.Where(s => s.PersonId == duplicateId).ExecuteUpdateAsync(s => s.SetProperty(a => a.PersonId, keptId));
        var referralIds = await db.Referrals.Where(r => r.PersonId == duplicateId).Select(r => r.Id).ToListAsync();
        await db.Referrals.Where(r => r.PersonId == duplicateId).ExecuteUpdateAsync(s => s.SetProperty(r => r.PersonId, keptId));
        var sessionIds = attendances.Where(a => a.PersonId == duplicateId).Select(a => a.SessionId).ToList();
        await db.Attendances.Where(a => a.PersonId == duplicateId).ExecuteUpdateAsync(s => s.SetProperty(a => a.PersonId, keptId));
        var attachmentIds = await db.Attachments.Where(a => a.PersonId == duplicateId).Select(a => a.Id).ToListAsync();
        await db.Attachments.Where(a => a.PersonId == duplicateId).ExecuteUpdateAsync(s => s.SetProperty(a => a.PersonId, keptId));
        var (kept, gone) = (pair.Single(p => p.Id == keptId), pair.Single(p => p.Id == duplicateId));
        gone.MergedIntoId = keptId;
        // The duplicate's telephone and e-mail stay reachable where the kept record has none (kept on the duplicate too,
        // for an undo). Its household's address and consents stay with that household.
        var (copiedPhone, copiedEmail) = (kept.Phone is null && gone.Phone is not null, kept.Email is null && gone.Email is not null);
        if (copiedPhone)
        {
            (kept.Phone, kept.PhoneKey) = (gone.Phone, gone.PhoneKey);
        }
        if (copiedEmail)
        {
            kept.Email = gone.Email;
        }

        var rows = new MergedRows(duplicateId, keptId, moved, shared, movedPeriods, absorbed, keptBefore, outcomeIds, subsidyIds, referralIds, sessionIds, attachmentIds, copiedPhone, copiedEmail);
        var code = await db.Programs.Where(p => p.Id == common).Select(p => p.Code).SingleAsync();
        scope.Audit(AuditActions.PersonMerge, code, $"person:{duplicateId}", $"person:{keptId} へ統合（支援記録 {moved.Count + shared.Count} 件、登録 {movedPeriods.Count + absorbed.Count} 件）",
            JsonSerializer.Serialize(rows, Json), reason: reason);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }

    /// <summary>Undoes a merge from its audit entry: what moved goes back, the duplicate is a person of its own again.</summary>
    public async Task UndoAsync(long auditEntryId, string? reason)
    {
        if (!scope.IsInRole(Roles.Manager))
        {
            throw new RecordAccessException("統合を取り消せるのは事業の管理者です。");
        }
        RecordRules.Require(("reason", "取り消しの理由", RecordRules.Note(reason, RecordRules.ReasonMax, required: true)));
        await using var transaction = await db.Database.BeginTransactionAsync();
        var programIds = await scope.ProgramIdsAsync();
        var programCodes = await db.Programs.Where(p => programIds.Contains(p.Id)).Select(p => p.Code).ToListAsync();
        var entry = await db.AuditEntries.AsNoTracking().SingleOrDefaultAsync(a => a.Id == auditEntryId && a.Action == AuditActions.PersonMerge && programCodes.Contains(a.ProgramCode!))
            ?? throw new RecordNotFoundException("その統合は見られません。");
        var rows = JsonSerializer.Deserialize<MergedRows>(entry.Before!, Json)!;
        var duplicate = await db.Persons.SingleAsync(p => p.Id == rows.Duplicate);
        if (duplicate.MergedIntoId != rows.Kept)
        {
            throw new RecordConflictException("この統合はすでに取り消されています。");
        }
        // Restricted since the merge: its history would move back to a record nobody restricted.
        if (await db.Persons.AnyAsync(p => (p.Id == rows.Kept || p.Id == rows.Duplicate) && p.Restriction != null))
        {
            throw new RecordConflictException("閲覧制限のある記録の統合は取り消せません。制限を解除して取り消し、分かれた記録それぞれに制限をかけ直してください。");
        }
        var links = await db.ContactPersons.Where(p => p.PersonId == rows.Kept && rows.Contacts.Contains(p.ContactId)).ToListAsync();
        db.ContactPersons.RemoveRange(links);
        db.ContactPersons.AddRange(links.Select(l => new ContactPerson { ContactId = l.ContactId, PersonId = rows.Duplicate, Role = l.Role }));
        var sharedRoles = await db.ContactPersons.Where(p => p.PersonId == rows.Kept && rows.SharedContacts.Contains(p.ContactId)).ToListAsync();
        db.ContactPersons.AddRange(sharedRoles.Select(l => new ContactPerson { ContactId = l.ContactId, PersonId = rows.Duplicate, Role = l.Role }));
        await db.SaveChangesAsync();

        await db.Enrollments.Where(e => rows.Enrollments.Contains(e.Id)).ExecuteUpdateAsync(s => s.SetProperty(e => e.PersonId, rows.Duplicate));
        if (rows.KeptPeriodBefore is { } before)
        {
            var kept = await db.Enrollments.SingleAsync(e => e.Id == before.Id);
            (kept.From, kept.To, kept.Status, kept.EndReason) = (before.From, before.To, before.Status, before.EndReason);
        }
        db.Enrollments.AddRange(rows.Absorbed.Select(a => new Enrollment
        {
            PersonId = rows.Duplicate,
            ProgramId = a.ProgramId,
            From = a.From,
            To = a.To,
            Source = a.Source,
            Status = a.Status,
            EndReason = a.EndReason,
            OfficeId = a.OfficeId,
            OwnerUserId = a.OwnerUserId,
        }));
        await db.Outcomes.Where(o => rows.Outcomes.Contains(o.Id)).ExecuteUpdateAsync(s => s.SetProperty(o => o.PersonId, rows.Duplicate));
        await db.Subsidies.Where(a => rows.Subsidies.Contains(a.Id)).ExecuteUpdateAsync(s => s.SetProperty(a => a.PersonId, rows.Duplicate));
        await db.Referrals.Where(r => rows.Referrals.Contains(r.Id)).ExecuteUpdateAsync(s => s.SetProperty(r => r.PersonId, rows.Duplicate));
        await db.Attendances.Where(a => a.PersonId == rows.Kept && rows.Attendances.Contains(a.SessionId))
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.PersonId, rows.Duplicate));
        var attachments = rows.Attachments ?? [];
        await db.Attachments.Where(a => attachments.Contains(a.Id)).ExecuteUpdateAsync(s => s.SetProperty(a => a.PersonId, rows.Duplicate));
        duplicate.MergedIntoId = null;
        if (rows.CopiedPhone || rows.CopiedEmail)
        {
            var kept = await db.Persons.SingleAsync(p => p.Id == rows.Kept);
            (kept.Phone, kept.PhoneKey) = rows.CopiedPhone ? (null, null) : (kept.Phone, kept.PhoneKey);
            kept.Email = rows.CopiedEmail ? null : kept.Email;
        }
        scope.Audit(AuditActions.PersonUnmerge, entry.ProgramCode, $"person:{rows.Duplicate}", $"person:{rows.Kept} から分離（監査 {entry.Id} の取り消し）", reason: reason);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }
}
