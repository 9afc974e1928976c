using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Audit;
using Tsunagu.Data;

namespace Tsunagu.Records;

/// <summary>
/// A program's work that is not about one person: counsellors placed at schools and centres for a fiscal year (a
/// program manager's decision) and booklets handed to facilities. Only within the user's programs.
/// </summary>
public sealed class Activities(TsunaguDb db, RecordScope scope, IHttpContextAccessor http, TimeProvider time)
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
        if (http.HttpContext?.User.IsInRole(Roles.Manager) != true)
        {
            throw new RecordAccessException("配置を登録できるのは事業の管理者です。");
        }
        if (string.IsNullOrWhiteSpace(staffName))
        {
            throw new RecordAccessException("配置する職員の氏名を入力してください。");
        }
        if (schoolId is null == officeId is null)
        {
            throw new RecordAccessException("配置先は学校か事業所のどちらか一つを選んでください。");
        }
        if (schoolId is { } school && !await db.Schools.AnyAsync(s => s.Id == school) || officeId is { } office && !await db.Offices.AnyAsync(o => o.Id == office))
        {
            throw new RecordAccessException("配置先が学校・事業所の一覧にありません。");
        }
        var placement = new Placement { ProgramId = programId, FiscalYear = fiscalYear, StaffName = staffName.Trim(), SchoolId = schoolId, OfficeId = officeId };
        db.Placements.Add(placement);
        await AuditAsync("placement.add", programId, fiscalYear, schoolId is not null ? $"school:{schoolId}" : $"office:{officeId}");
        await db.SaveChangesAsync();
        return placement;
    }

    public async Task RemovePlacementAsync(int placementId)
    {
        var placement = await (await PlacementsAsync()).SingleOrDefaultAsync(p => p.Id == placementId)
            ?? throw new RecordAccessException("その配置は見られません。");
        if (http.HttpContext?.User.IsInRole(Roles.Manager) != true)
        {
            throw new RecordAccessException("配置を取り消せるのは事業の管理者です。");
        }
        db.Placements.Remove(placement);
        await AuditAsync("placement.remove", placement.ProgramId, placement.FiscalYear,
            placement.SchoolId is not null ? $"school:{placement.SchoolId}" : $"office:{placement.OfficeId}");
        await db.SaveChangesAsync();
    }

    public async Task<Distribution> DistributeAsync(int programId, DateOnly date, string item, string facility, int copies)
    {
        await scope.EnsureProgramAsync(programId);
        if (string.IsNullOrWhiteSpace(item) || string.IsNullOrWhiteSpace(facility))
        {
            throw new RecordAccessException("配布したものと配布先を入力してください。");
        }
        if (copies < 1)
        {
            throw new RecordAccessException("部数は1以上です。");
        }
        var distribution = new Distribution { ProgramId = programId, Date = date, Item = item.Trim(), Facility = facility.Trim(), Copies = copies };
        db.Distributions.Add(distribution);
        await AuditAsync("distribution.add", programId, FiscalYears.FiscalYear.Of(date), $"{distribution.Item} → {distribution.Facility}");
        await db.SaveChangesAsync();
        return distribution;
    }

    async Task AuditAsync(string action, int programId, int fiscalYear, string subject) => db.AuditEntries.Add(new AuditEntry
    {
        At = time.GetUtcNow(),
        Actor = scope.UserName,
        Action = action,
        ProgramCode = await db.Programs.Where(p => p.Id == programId).Select(p => p.Code).SingleAsync(),
        FiscalYear = fiscalYear,
        Subject = subject,
    });
}
