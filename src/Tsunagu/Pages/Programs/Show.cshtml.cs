using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Audit;
using Tsunagu.Calendar;
using Tsunagu.Data;
using Tsunagu.Indicators;
using Tsunagu.Programs;
using Tsunagu.Reports;

namespace Tsunagu.Pages.Programs;

public class ShowModel(TsunaguDb db, ReportWorkflow workflow, RecordScope scope) : TsunaguPageModel
{
    [BindProperty(SupportsGet = true)]
    public string Code { get; set; } = "";

    public SupportProgram Program { get; private set; } = null!;
    public List<BureauRef> Bureaus { get; private set; } = [];
    public List<YearEntry> Years { get; private set; } = [];
    public List<string> Labels { get; private set; } = [];

    /// <summary>The indicators' labels by key, to name a rate's parts.</summary>
    public Dictionary<(int ProgramId, string Key), string> PartLabels { get; private set; } = [];
    public List<AuditEntry> History { get; private set; } = [];

    /// <summary>The user is this program's manager: its figures by month are theirs to follow (月別の実績).</summary>
    public bool ManagesProgram { get; private set; }

    /// <param name="Figures">The figures the 実績 cell prints (imported or set by hand).</param>
    /// <param name="Computed">The figures counted from the records, with the definition each was counted by.</param>
    public sealed record YearEntry(int FiscalYear, ReportStatus Status, ReportRow Row, List<IndicatorValue> Figures, List<IndicatorValue> Computed);

    public decimal? ValueOf(int fiscalYear, string label) =>
        Years.FirstOrDefault(y => y.FiscalYear == fiscalYear)?.Figures.FirstOrDefault(f => f.Label == label)?.Value;

    /// <summary>An evaluation not saved because someone saved theirs after this one was read: the year, and the text typed.</summary>
    public (int Year, string Text)? Conflict { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : NotFound();

    /// <param name="version">The row's version the form was shown with: a save on an older one is refused, never overwrites.</param>
    public Task<IActionResult> OnPostEvaluationAsync(int year, string text, string? reason, int? version, CancellationToken ct) =>
        EditAsync(year, () => workflow.EditCellAsync(year, Code, ReportColumnRole.Evaluation, text ?? "", Actor, reason, version, ct), "評価", ct,
            () => Conflict = (year, text ?? ""));

    public Task<IActionResult> OnPostFigureAsync(int year, int position, decimal value, string? reason, int? version, CancellationToken ct) =>
        EditAsync(year, () => workflow.SetFigureAsync(year, Code, position, value, Actor, reason, version, ct), "数値", ct);

    async Task<IActionResult> EditAsync(int year, Func<Task<CellChange>> edit, string what, CancellationToken ct, Action? onConflict = null)
    {
        if (!CanEdit)
        {
            return Forbid();
        }
        try
        {
            var version = (await edit()).PublishedVersion;
            TempData["Message"] = version is { } v
                ? $"{FiscalYears.Label(year)}の{what}を訂正しました（公表版 第{v}版）。"
                : $"{FiscalYears.Label(year)}の{what}を保存しました。";
            return Redirect($"/programs/{Code}#year-{year}");
        }
        catch (Exception e) when (e is ReportRuleException or ReportNotFoundException or StaleVersionException)
        {
            if (!await LoadAsync(ct))
            {
                return NotFound();
            }
            Errors.Add(e is StaleVersionException ? $"{FiscalYears.Label(year)}の{what}は保存していません。{e.Message}" : e.Message);
            if (e is StaleVersionException)
            {
                onConflict?.Invoke();
                Response.StatusCode = StatusCodes.Status409Conflict;
            }
            return Page();
        }
    }

    async Task<bool> LoadAsync(CancellationToken ct)
    {
        var program = await db.Programs.AsNoTracking().SingleOrDefaultAsync(p => p.Code == Code, ct);
        if (program is null)
        {
            return false;
        }
        Program = program;
        ManagesProgram = scope.IsInRole(Roles.Manager) && (await scope.ProgramIdsAsync()).Contains(program.Id);
        var rows = await db.ReportRows.AsNoTracking()
            .Where(r => r.ProgramId == program.Id)
            .Join(db.Reports, r => r.ReportId, report => report.Id, (r, report) => new { Row = r, report.FiscalYear, report.Status })
            .OrderByDescending(x => x.FiscalYear)
            .ToListAsync(ct);
        var values = (await db.IndicatorValues.AsNoTracking().Include(v => v.Definition).Where(v => v.ProgramId == program.Id).ToListAsync(ct))
            .OrderBy(v => v.Position).ToList();
        var figures = values.Where(v => v.Source != IndicatorSource.Computed).ToLookup(v => v.FiscalYear);
        var computed = values.Where(v => v.Source == IndicatorSource.Computed).ToLookup(v => v.FiscalYear);
        Years = rows.Select(x => new YearEntry(x.FiscalYear, x.Status, x.Row, figures[x.FiscalYear].ToList(), computed[x.FiscalYear].ToList())).ToList();
        Labels = Years.OrderBy(y => y.FiscalYear).SelectMany(y => y.Figures.Select(f => f.Label)).Distinct().ToList();
        PartLabels = IndicatorDefinitions.Labels(values.Select(v => v.Definition).OfType<IndicatorDefinition>());
        if (Years.Count > 0)
        {
            var latest = Years[0].FiscalYear;
            Bureaus = await db.ProgramBureaus.AsNoTracking()
                .Where(b => b.ProgramId == program.Id && b.FiscalYear == latest)
                .OrderBy(b => b.Position)
                .Select(b => new BureauRef(b.Bureau.Name, b.Scope))
                .ToListAsync(ct);
        }
        // The program's own changes, and what happened to the reports it is in (imports, status changes). Events of
        // people's records (outcomes, referrals, corrections and their reasons) only for the program's own staff.
        var reportYears = Years.Select(y => (int?)y.FiscalYear).ToList();
        var staff = (await scope.ProgramIdsAsync()).Contains(program.Id);
        History = await db.AuditEntries.AsNoTracking()
            .Where(a => (a.ProgramCode == Code && (staff || AuditActions.Report.Contains(a.Action)))
                || (a.ProgramCode == null && reportYears.Contains(a.FiscalYear) && AuditActions.Report.Contains(a.Action)))
            .OrderByDescending(a => a.Id).Take(200).ToListAsync(ct);
        // Nor events of a person the user does not see (閲覧制限, another office's case): not even that they happened.
        var persons = History.Select(a => a.Subject is { } s && s.StartsWith("person:", StringComparison.Ordinal)
            && int.TryParse(s.AsSpan(7), System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : (int?)null).ToList();
        if (persons.Any(p => p is not null))
        {
            var wanted = persons.OfType<int>().Distinct().ToList();
            var seen = (await (await scope.PersonsAsync()).Where(p => wanted.Contains(p.Id)).Select(p => p.Id).ToListAsync(ct)).ToHashSet();
            History = History.Where((a, i) => persons[i] is not { } id || seen.Contains(id)).ToList();
        }
        return true;
    }
}
