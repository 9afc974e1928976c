using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Audit;
using Tsunagu.Data;

namespace Tsunagu.Records;

/// <summary>
/// A program's work that is not about one person: sessions and seminars with their attendance, counsellors placed at
/// schools and centres for a fiscal year (a program manager's decision), booklets handed to facilities. Only within
/// the user's programs; pages and API alike.
/// </summary>
public sealed class Activities(TsunaguDb db, RecordScope scope, TimeProvider time)
{
    public async Task<IQueryable<Placement>> PlacementsAsync()
    {
        var ids = await scope.ProgramIdsAsync();
        return db.Placements.Where(p => ids.Contains(p.ProgramId));
    }

    public async Task<IQueryable<Distribution>> DistributionsAsync()
    {
        var ids = await scope.ProgramIdsAsync();
        return db.Distributions.Where(d => ids.Contains(d.ProgramId));
    }

    public async Task<SupportSession> HoldSessionAsync(int programId, SessionKind kind, DateOnly date, TimeOnly? start, string title, int headCount)
    {
        await scope.EnsureProgramAsync(programId);
        RecordRules.Require(
            ("title", "名称", RecordRules.Line(title, RecordRules.TitleMax, required: true)),
            ("kind", "種類", RecordRules.Defined(kind)),
            ("headCount", "参加人数（登録のない人）", RecordRules.Count(headCount, 0, RecordRules.HeadCountMax)),
            ("date", "日付", RecordRules.FiscalYear(FiscalYears.FiscalYear.Of(date), time)));
        var session = new SupportSession { ProgramId = programId, Kind = kind, Date = date, Start = start, Title = title.Trim(), UnregisteredHeadCount = headCount };
        db.Sessions.Add(session);
        await db.SaveChangesAsync();
        return session;
    }

    /// <summary>
    /// Who came: only people enrolled (and active) in the session's program and within the user's scope can be ticked
    /// off; any other id is left out. The rest come as a head count.
    /// </summary>
    public async Task<SupportSession> SetAttendanceAsync(int sessionId, IEnumerable<int> present, int headCount)
    {
        var session = await (await scope.SessionsAsync()).Include(s => s.Attendances).SingleOrDefaultAsync(s => s.Id == sessionId)
            ?? throw new RecordAccessException("その学習会・セミナーは見られません。");
        var ids = present.Distinct().ToList();
        RecordRules.Require(
            ("headCount", "参加人数（登録のない人）", RecordRules.Count(headCount, 0, RecordRules.HeadCountMax)),
            ("personIds", "参加した人", RecordRules.Persons(ids.Count, RecordRules.HeadCountMax)));
        var allowed = await (await scope.PersonsAsync())
            .Where(p => ids.Contains(p.Id) && db.Enrollments.Any(e => e.PersonId == p.Id && e.ProgramId == session.ProgramId && e.Status == EnrollmentStatus.Active))
            .Select(p => p.Id).ToListAsync();
        session.Attendances = allowed.Select(id => new Attendance { SessionId = sessionId, PersonId = id }).ToList();
        session.UnregisteredHeadCount = headCount;
        await db.SaveChangesAsync();
        return session;
    }

    public async Task<Placement> PlaceAsync(int programId, int fiscalYear, string staffName, int? schoolId, int? officeId)
    {
        await scope.EnsureProgramAsync(programId);
        if (!scope.IsInRole(Roles.Manager))
        {
            throw new RecordAccessException("配置を登録できるのは事業の管理者です。");
        }
        RecordRules.Require(
            ("fiscalYear", "年度", RecordRules.FiscalYear(fiscalYear, time)),
            ("staffName", "配置する職員の氏名", RecordRules.Line(staffName, RecordRules.NameMax, required: true)),
            ("schoolId", "配置先", schoolId is null == officeId is null ? "学校か事業所のどちらか一つを選んでください。"
                : schoolId is { } school && !await db.Schools.AnyAsync(s => s.Id == school) || officeId is { } office && !await db.Offices.AnyAsync(o => o.Id == office)
                    ? "学校・事業所の一覧にありません。" : null));
        var placement = new Placement { ProgramId = programId, FiscalYear = fiscalYear, StaffName = staffName.Trim(), SchoolId = schoolId, OfficeId = officeId };
        db.Placements.Add(placement);
        await AuditAsync(Tsunagu.Audit.AuditActions.PlacementAdd, programId, fiscalYear, Where(placement));
        await db.SaveChangesAsync();
        return placement;
    }

    public async Task RemovePlacementAsync(int placementId)
    {
        var placement = await (await PlacementsAsync()).SingleOrDefaultAsync(p => p.Id == placementId)
            ?? throw new RecordAccessException("その配置は見られません。");
        if (!scope.IsInRole(Roles.Manager))
        {
            throw new RecordAccessException("配置を取り消せるのは事業の管理者です。");
        }
        db.Placements.Remove(placement);
        await AuditAsync(Tsunagu.Audit.AuditActions.PlacementRemove, placement.ProgramId, placement.FiscalYear, Where(placement));
        await db.SaveChangesAsync();
    }

    public async Task<Distribution> DistributeAsync(int programId, DateOnly date, string item, string facility, int copies)
    {
        await scope.EnsureProgramAsync(programId);
        RecordRules.Require(
            ("item", "配布したもの", RecordRules.Line(item, RecordRules.TitleMax, required: true)),
            ("facility", "配布先", RecordRules.Line(facility, RecordRules.TitleMax, required: true)),
            ("copies", "部数", RecordRules.Count(copies, 1, RecordRules.CopiesMax)),
            ("date", "日付", RecordRules.RecordDate(date, FiscalYears.FiscalYear.Today(time))));
        var distribution = new Distribution { ProgramId = programId, Date = date, Item = item.Trim(), Facility = facility.Trim(), Copies = copies };
        db.Distributions.Add(distribution);
        await AuditAsync(Tsunagu.Audit.AuditActions.DistributionAdd, programId, FiscalYears.FiscalYear.Of(date), $"{distribution.Item} → {distribution.Facility}");
        await db.SaveChangesAsync();
        return distribution;
    }

    static string Where(Placement placement) => placement.SchoolId is { } school ? $"school:{school}" : $"office:{placement.OfficeId}";

    async Task AuditAsync(string action, int programId, int fiscalYear, string subject) => db.Audit(time, scope.UserName, action, fiscalYear,
        await db.Programs.Where(p => p.Id == programId).Select(p => p.Code).SingleAsync(), subject);
}
