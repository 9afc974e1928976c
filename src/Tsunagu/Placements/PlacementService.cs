using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Audit;
using Tsunagu.Calendar;
using Tsunagu.Data;
using Tsunagu.Records;

namespace Tsunagu.Placements;

/// <summary>
/// A program's work that is not about one person: counsellors placed at schools and centres for a fiscal year (a
/// program manager's decision) and booklets handed to facilities. Only within the user's programs.
/// </summary>
public sealed class PlacementService(TsunaguDb db, RecordScope scope, TimeProvider time)
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
        await AuditAsync(AuditActions.PlacementAdd, programId, fiscalYear, Where(placement));
        await db.SaveChangesAsync();
        return placement;
    }

    public async Task RemovePlacementAsync(int placementId)
    {
        var placement = await (await PlacementsAsync()).SingleOrDefaultAsync(p => p.Id == placementId)
            ?? throw new RecordNotFoundException("その配置は見られません。");
        if (!scope.IsInRole(Roles.Manager))
        {
            throw new RecordAccessException("配置を取り消せるのは事業の管理者です。");
        }
        db.Placements.Remove(placement);
        await AuditAsync(AuditActions.PlacementRemove, placement.ProgramId, placement.FiscalYear, Where(placement));
        await db.SaveChangesAsync();
    }

    public async Task<Distribution> DistributeAsync(int programId, DateOnly date, string item, string facility, int copies)
    {
        await scope.EnsureProgramAsync(programId);
        RecordRules.Require(
            ("item", "配布したもの", RecordRules.Line(item, RecordRules.TitleMax, required: true)),
            ("facility", "配布先", RecordRules.Line(facility, RecordRules.TitleMax, required: true)),
            ("copies", "部数", RecordRules.Count(copies, 1, RecordRules.CopiesMax)),
            ("date", "日付", RecordRules.RecordDate(date, CityClock.Today(time))));
        var distribution = new Distribution { ProgramId = programId, Date = date, Item = item.Trim(), Facility = facility.Trim(), Copies = copies };
        db.Distributions.Add(distribution);
        await AuditAsync(AuditActions.DistributionAdd, programId, FiscalYears.Of(date), $"{distribution.Item} → {distribution.Facility}");
        await db.SaveChangesAsync();
        return distribution;
    }

    static string Where(Placement placement) => placement.SchoolId is { } school ? $"school:{school}" : $"office:{placement.OfficeId}";

    async Task AuditAsync(string action, int programId, int fiscalYear, string subject) =>
        scope.Audit(action, await db.Programs.Where(p => p.Id == programId).Select(p => p.Code).SingleAsync(), subject, fiscalYear: fiscalYear);
}
