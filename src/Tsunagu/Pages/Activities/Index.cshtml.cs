using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Calendar;
using Tsunagu.Data;
using Tsunagu.Placements;
using Tsunagu.Places;
using Tsunagu.Programs;

namespace Tsunagu.Pages.Activities;

/// <summary>Counsellor placements per fiscal year and booklet distributions of the user's programs.</summary>
public class IndexModel(TsunaguDb db, RecordScope scope, PlacementService placements, TimeProvider time) : TsunaguPageModel
{
    [BindProperty(SupportsGet = true)]
    public int? Year { get; set; }

    public int FiscalYear { get; private set; }
    public List<SupportProgram> Programs { get; private set; } = [];
    public List<Placement> Placements { get; private set; } = [];
    public List<Distribution> Distributions { get; private set; } = [];
    public Dictionary<int, School> Schools { get; private set; } = [];
    public Dictionary<int, Office> Offices { get; private set; } = [];
    public bool IsManager => User.IsInRole(Roles.Manager);
    public DateOnly Today { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    /// <param name="place">"school:ID" or "office:ID", from the one select that lists both.</param>
    public Task<IActionResult> OnPostPlaceAsync(int programId, string? staffName, string? place) =>
        RunAsync(() => placements.PlaceAsync(programId, Year ?? CityClock.CurrentFiscalYear(time), staffName ?? "", IdOf("school:", place), IdOf("office:", place)),
            "配置を登録しました。", "#placements");

    static int? IdOf(string prefix, string? place) =>
        place is not null && place.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(place[prefix.Length..], out var id) ? id : null;

    public Task<IActionResult> OnPostRemoveAsync(int placementId) =>
        RunAsync(() => placements.RemovePlacementAsync(placementId), "配置を取り消しました。", "#placements");

    public Task<IActionResult> OnPostDistributeAsync(int programId, DateOnly date, string item, string facility, int copies) =>
        RunAsync(() => placements.DistributeAsync(programId, date, item, facility, copies), "配布を記録しました。", "#distributions");

    Task<IActionResult> RunAsync(Func<Task> action, string message, string section) => WriteRecordsAsync(async () =>
    {
        await action();
        return $"/activities?year={Year ?? CityClock.CurrentFiscalYear(time)}{section}";
    }, message, LoadAsync);

    async Task LoadAsync()
    {
        Today = CityClock.Today(time);
        FiscalYear = Year ?? FiscalYears.Of(Today);
        var ids = await scope.ProgramIdsAsync();
        Programs = await db.Programs.AsNoTracking().Where(p => ids.Contains(p.Id)).OrderBy(p => p.Code).ToListAsync();
        Placements = await (await placements.PlacementsAsync()).AsNoTracking().Where(p => p.FiscalYear == FiscalYear)
            .OrderBy(p => p.ProgramId).ThenBy(p => p.SchoolId == null).ThenBy(p => p.SchoolId).ThenBy(p => p.OfficeId).ToListAsync();
        var start = new DateOnly(FiscalYear, 4, 1);
        Distributions = await (await placements.DistributionsAsync()).AsNoTracking().Where(d => d.Date >= start && d.Date < start.AddYears(1))
            .OrderBy(d => d.Date).ToListAsync();
        Schools = await db.Schools.AsNoTracking().ToDictionaryAsync(s => s.Id);
        Offices = await db.Offices.AsNoTracking().ToDictionaryAsync(o => o.Id);
    }
}
