using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Calendar;
using Tsunagu.Data;
using Tsunagu.Records;

namespace Tsunagu.Placements;

/// <summary>A counsellor placed for a fiscal year at a school (its 学校コード) or an office (its number in the office list).</summary>
public sealed record PlacementItem(int Id, string ProgramCode, int FiscalYear, string StaffName, string? SchoolCode, int? OfficeId, string PlaceName);

/// <summary>Exactly one of <c>schoolCode</c> and <c>officeId</c>.</summary>
public sealed record PlacementInput(string ProgramCode, int FiscalYear, string StaffName, string? SchoolCode = null, int? OfficeId = null);

public sealed record DistributionItem(int Id, string ProgramCode, DateOnly Date, string Item, string Facility, int Copies);

public sealed record DistributionInput(string ProgramCode, DateOnly Date, string Item, string Facility, int Copies);

/// <summary>
/// Placements and distributions under /api/v1, as on the activities page: the same service, rules and audit, within the
/// caller's programs (placing a counsellor is the program manager's decision).
/// </summary>
public static class PlacementsApi
{
    public static void MapPlacementsApi(this WebApplication app)
    {
        var api = app.MapRecordsGroup();

        api.MapGet("/placements", async (int? year, PlacementService placements, TsunaguDb db, TimeProvider time) =>
        {
            var fiscalYear = YearOf(year, time);
            var items = await Items((await placements.PlacementsAsync()).Where(p => p.FiscalYear == fiscalYear), db).ToListAsync();
            return items.OrderBy(p => p.ProgramCode, StringComparer.Ordinal).ThenBy(p => p.Id).ToList();
        }).WithName("listPlacements").WithSummary("Counsellors placed by the caller's programs in a fiscal year (by default the current one)");

        api.MapPost("/placements", async Task<Created<PlacementItem>> (PlacementInput input, PlacementService placements, TsunaguDb db) =>
        {
            int? schoolId = null;
            if (input.SchoolCode is not null)
            {
                var code = input.SchoolCode.Normalize(System.Text.NormalizationForm.FormKC).Trim();
                schoolId = await db.Schools.Where(s => s.Code == code).Select(s => (int?)s.Id).SingleOrDefaultAsync()
                    ?? throw new RecordInputException("schoolCode", "配置先: その学校コードは学校の一覧にありません。");
            }
            var placement = await placements.PlaceAsync(await RecordsApiGroup.ProgramIdAsync(db, input.ProgramCode), input.FiscalYear, input.StaffName ?? "", schoolId, input.OfficeId);
            return TypedResults.Created($"/api/v1/placements?year={placement.FiscalYear}", await Items(db.Placements.Where(p => p.Id == placement.Id), db).SingleAsync());
        }).WithName("placeCounsellor").WithSummary("Places a counsellor at a school or an office for a fiscal year (program managers)");

        api.MapDelete("/placements/{id:int}", async Task<NoContent> (int id, PlacementService placements) =>
        {
            await placements.RemovePlacementAsync(id);
            return TypedResults.NoContent();
        }).WithName("removePlacement").WithSummary("Takes a placement back (program managers)");

        api.MapGet("/distributions", async (int? year, PlacementService placements, TsunaguDb db, TimeProvider time) =>
        {
            var start = new DateOnly(YearOf(year, time), 4, 1);
            var items = await Distributions((await placements.DistributionsAsync()).Where(d => d.Date >= start && d.Date < start.AddYears(1)), db).ToListAsync();
            return items.OrderBy(d => d.Date).ThenBy(d => d.Id).ToList();
        }).WithName("listDistributions").WithSummary("Booklets and notices the caller's programs handed out in a fiscal year (by default the current one)");

        api.MapPost("/distributions", async Task<Created<DistributionItem>> (DistributionInput input, PlacementService placements, TsunaguDb db) =>
        {
            var d = await placements.DistributeAsync(await RecordsApiGroup.ProgramIdAsync(db, input.ProgramCode), input.Date, input.Item ?? "", input.Facility ?? "", input.Copies);
            return TypedResults.Created($"/api/v1/distributions?year={FiscalYears.Of(d.Date)}", new DistributionItem(d.Id, input.ProgramCode, d.Date, d.Item, d.Facility, d.Copies));
        }).WithName("recordDistribution").WithSummary("Records booklets or notices handed to a facility");
    }

    /// <summary>The fiscal year asked for (by default the current one), within the years records are kept for.</summary>
    static int YearOf(int? year, TimeProvider time) => year is not { } asked ? CityClock.CurrentFiscalYear(time)
        : RecordRules.FiscalYear(asked, time) is { } problem ? throw new RecordInputException("year", problem) : asked;

    static IQueryable<PlacementItem> Items(IQueryable<Placement> placements, TsunaguDb db) =>
        from p in placements
        join program in db.Programs on p.ProgramId equals program.Id
        from school in db.Schools.Where(s => s.Id == p.SchoolId).DefaultIfEmpty()
        from office in db.Offices.Where(o => o.Id == p.OfficeId).DefaultIfEmpty()
        select new PlacementItem(p.Id, program.Code, p.FiscalYear, p.StaffName, school == null ? null : school.Code, p.OfficeId,
            school == null ? office!.Name : school.Name);

    static IQueryable<DistributionItem> Distributions(IQueryable<Distribution> distributions, TsunaguDb db) =>
        distributions.Join(db.Programs, d => d.ProgramId, p => p.Id, (d, p) => new DistributionItem(d.Id, p.Code, d.Date, d.Item, d.Facility, d.Copies));
}
