using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tsunagu.Access;
using Tsunagu.Audit;
using Tsunagu.Data;
using Tsunagu.Records;

namespace Tsunagu.People;

/// <summary>Why a record is 閲覧制限 (a kind, never the story: that belongs in the case's notes).</summary>
public enum RestrictionKind
{
    DomesticViolence = 0,    // DV被害
    SupportMeasure = 1,      // 住民基本台帳の支援措置
    TemporaryProtection = 2, // 一時保護中
    Other = 3,               // その他
}

/// <summary>A worker named on a restricted record: one of the few who find it (with the managers of its programs).</summary>
public class RestrictedRecordStaff
{
    public int Id { get; set; }
    public int PersonId { get; set; }
    public required string UserId { get; set; }
}

/// <summary>
/// A case of a program run by several offices, shared with another office of it (a family that moved ward, a joint
/// case): that office's workers see it too, until the share is taken back.
/// </summary>
public class CaseShare
{
    public int Id { get; set; }
    public int EnrollmentId { get; set; }
    public int OfficeId { get; set; }
    public DateTimeOffset SharedAt { get; set; }
}

public sealed class RestrictedRecordStaffConfiguration : IEntityTypeConfiguration<RestrictedRecordStaff>
{
    public void Configure(EntityTypeBuilder<RestrictedRecordStaff> builder)
    {
        builder.ToTable("restricted_record_staff");
        builder.HasIndex(s => new { s.PersonId, s.UserId }).IsUnique();
        builder.HasOne<Person>().WithMany().HasForeignKey(s => s.PersonId);
    }
}

public sealed class CaseShareConfiguration : IEntityTypeConfiguration<CaseShare>
{
    public void Configure(EntityTypeBuilder<CaseShare> builder)
    {
        builder.ToTable("case_shares");
        builder.HasIndex(s => new { s.EnrollmentId, s.OfficeId }).IsUnique();
        builder.HasOne<Enrollment>().WithMany().HasForeignKey(s => s.EnrollmentId);
    }
}

public static class RestrictionText
{
    public static string Japanese(this RestrictionKind kind) => kind switch
    {
        RestrictionKind.DomesticViolence => "DV被害",
        RestrictionKind.SupportMeasure => "住民基本台帳の支援措置",
        RestrictionKind.TemporaryProtection => "一時保護中",
        _ => "その他",
    };
}

/// <summary>
/// 閲覧制限 and sharing between offices. Both narrow <see cref="RecordScope"/>; what they change is audited by ids and
/// codes. A worker who restricts a record is named on it with the cases' 担当者, so that nobody working the case loses
/// it; only a manager lifts a restriction.
/// </summary>
public sealed class RestrictionService(TsunaguDb db, RecordScope scope, PersonService people, TimeProvider time)
{
    public async Task RestrictAsync(int personId, RestrictionKind? kind)
    {
        var person = await (await scope.PersonsAsync()).SingleOrDefaultAsync(p => p.Id == personId)
            ?? throw new RecordNotFoundException("その人の記録は見られません。");
        RecordRules.Require(("kind", "制限の理由", kind is null ? "選んでください。" : RecordRules.Defined(kind.Value)));
        var before = person.Restriction?.Japanese();
        person.Restriction = kind;
        var named = await db.RestrictedRecordStaff.Where(s => s.PersonId == personId).Select(s => s.UserId).ToListAsync();
        var owners = await db.Enrollments.Where(e => e.PersonId == personId && e.Status == EnrollmentStatus.Active && e.OwnerUserId != null)
            .Select(e => e.OwnerUserId!).ToListAsync();
        foreach (var userId in owners.Append(scope.UserId).Distinct().Except(named))
        {
            if (userId != scope.UserId || !scope.IsInRole(Roles.Manager))
            {
                db.RestrictedRecordStaff.Add(new RestrictedRecordStaff { PersonId = personId, UserId = userId });
            }
        }
        scope.Audit(AuditActions.PersonRestrict, null, $"person:{personId}", kind!.Value.Japanese(), before);
        // 送付禁止: notices already waiting for the household are not sent, in the same save (a relay holding one checks
        // before it sends).
        if (person.HouseholdId is { } household)
        {
            foreach (var waiting in await Notices.Recipients.Waiting(db).Where(d => d.HouseholdId == household).ToListAsync())
            {
                (waiting.Status, waiting.Error) = (Notices.DeliveryStatus.Stopped, "送付禁止");
            }
        }
        await db.SaveChangesAsync();
    }

    public async Task LiftAsync(int personId, string? reason)
    {
        var person = await (await scope.PersonsAsync()).SingleOrDefaultAsync(p => p.Id == personId)
            ?? throw new RecordNotFoundException("その人の記録は見られません。");
        if (!scope.IsInRole(Roles.Manager))
        {
            throw new RecordAccessException("閲覧制限を解除できるのは事業の管理者です。");
        }
        if (person.Restriction is not { } kind)
        {
            throw new RecordConflictException("この記録に閲覧制限はありません。");
        }
        RecordRules.Require(("reason", "解除の理由", RecordRules.Note(reason, RecordRules.ReasonMax, required: true)));
        person.Restriction = null;
        scope.Audit(AuditActions.PersonUnrestrict, null, $"person:{personId}", null, kind.Japanese(), reason: reason);
        await db.SaveChangesAsync();
    }

    /// <summary>The staff of the person's programs (those the user shares), who can be named on the restricted record.</summary>
    public async Task<List<StaffMember>> CandidatesAsync(int personId)
    {
        var programs = await (await scope.EnrollmentsAsync()).Where(e => e.PersonId == personId).Select(e => e.ProgramId).Distinct().ToListAsync();
        var staff = new List<StaffMember>();
        foreach (var programId in programs)
        {
            staff.AddRange(await people.ProgramStaffAsync(programId));
        }
        return [.. staff.DistinctBy(s => s.Id).OrderBy(s => s.Name, StringComparer.Ordinal)];
    }

    public async Task<List<string>> NamedAsync(int personId) =>
        await db.RestrictedRecordStaff.Where(s => s.PersonId == personId).Select(s => s.UserId).ToListAsync();

    /// <summary>Names a worker of the person's programs on the restricted record, or takes them off it (never the last one).</summary>
    public async Task NameAsync(int personId, string? userId, bool named)
    {
        var person = await (await scope.PersonsAsync()).AsNoTracking().SingleOrDefaultAsync(p => p.Id == personId)
            ?? throw new RecordNotFoundException("その人の記録は見られません。");
        if (person.Restriction is null)
        {
            throw new RecordConflictException("閲覧制限のない記録です。");
        }
        var candidates = await CandidatesAsync(personId);
        RecordRules.Require(("userId", "職員", candidates.Any(c => c.Id == userId) ? null : "この人の事業の職員から選んでください。"));
        var row = await db.RestrictedRecordStaff.SingleOrDefaultAsync(s => s.PersonId == personId && s.UserId == userId);
        if (named == (row is not null))
        {
            return;
        }
        if (named)
        {
            db.RestrictedRecordStaff.Add(new RestrictedRecordStaff { PersonId = personId, UserId = userId! });
        }
        else
        {
            if (await db.RestrictedRecordStaff.CountAsync(s => s.PersonId == personId) == 1)
            {
                throw new RecordConflictException("閲覧できる職員を一人は残してください。");
            }
            db.RestrictedRecordStaff.Remove(row!);
        }
        scope.Audit(named ? AuditActions.RestrictionName : AuditActions.RestrictionUnname, null, $"person:{personId}", userId);
        await db.SaveChangesAsync();
    }

    /// <summary>Shares a case of an office-run program with another of the city's offices, with a reason (audited).</summary>
    public async Task ShareAsync(int enrollmentId, int? officeId, string? reason)
    {
        var enrollment = await (await scope.EnrollmentsAsync()).Include(e => e.Program).AsNoTracking().SingleOrDefaultAsync(e => e.Id == enrollmentId)
            ?? throw new RecordNotFoundException("その登録は見られません。");
        if (enrollment.OfficeId is null)
        {
            throw new RecordConflictException("この登録は事業所ごとの登録ではありません。");
        }
        RecordRules.Require(
            ("officeId", "共有先", officeId is not { } office ? "選んでください。"
                : office == enrollment.OfficeId ? "担当している事業所です。"
                : await db.Offices.AnyAsync(o => o.Id == office) ? null : "一覧にありません。"),
            ("reason", "共有の理由", RecordRules.Note(reason, RecordRules.ReasonMax, required: true)));
        if (await db.CaseShares.AnyAsync(s => s.EnrollmentId == enrollmentId && s.OfficeId == officeId))
        {
            return;
        }
        db.CaseShares.Add(new CaseShare { EnrollmentId = enrollmentId, OfficeId = officeId!.Value, SharedAt = time.GetUtcNow() });
        scope.Audit(AuditActions.EnrollmentShare, enrollment.Program.Code, $"person:{enrollment.PersonId}", $"office:{officeId}", reason: reason);
        await db.SaveChangesAsync();
    }

    public async Task UnshareAsync(int enrollmentId, int officeId)
    {
        var enrollment = await (await scope.EnrollmentsAsync()).Include(e => e.Program).AsNoTracking().SingleOrDefaultAsync(e => e.Id == enrollmentId)
            ?? throw new RecordNotFoundException("その登録は見られません。");
        var share = await db.CaseShares.SingleOrDefaultAsync(s => s.EnrollmentId == enrollmentId && s.OfficeId == officeId)
            ?? throw new RecordNotFoundException("その共有はありません。");
        db.CaseShares.Remove(share);
        scope.Audit(AuditActions.EnrollmentUnshare, enrollment.Program.Code, $"person:{enrollment.PersonId}", null, $"office:{officeId}");
        await db.SaveChangesAsync();
    }
}
