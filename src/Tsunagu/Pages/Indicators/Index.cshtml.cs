using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Calendar;
using Tsunagu.Data;
using Tsunagu.Indicators;
using Tsunagu.Reports;

namespace Tsunagu.Pages.Indicators;

/// <summary>
/// The year's figures as counted from the records: each with its definition, the previous year and the change, and
/// a link to what it counted; a breakdown for publication; for planners, the button that counts them again.
/// </summary>
public class IndexModel(
    TsunaguDb db, IndicatorDefinitions definitions, FigureComputation computation, Breakdowns breakdowns, TimeProvider time, IConfiguration configuration)
    : TsunaguPageModel
{
    [BindProperty(SupportsGet = true)]
    public int? Year { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Program { get; set; }

    [BindProperty(SupportsGet = true)]
    public BreakdownDimension? By { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Unsuppressed { get; set; }

    public sealed record Row(IndicatorDefinition Definition, IndicatorValue? Value, decimal? Previous);

    public List<Row> Rows { get; private set; } = [];
    public Breakdown? Table { get; private set; }

    /// <summary>Planners and administrators may see a breakdown before suppression, to check it; nobody else.</summary>
    public bool MaySeeUnsuppressed => User.IsInRole(Roles.Planner) || User.IsInRole(Roles.Admin);

    public IReadOnlyList<(string Code, string Note)> Notes { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (Year is null)
        {
            // The latest year with a table or computed figures; else the year that is under way.
            var latest = await db.Reports.MaxAsync(r => (int?)r.FiscalYear, ct) ?? CityClock.CurrentFiscalYear(time);
            return Redirect($"/indicators/{latest}");
        }
        await LoadAsync(ct);
        await BreakDownAsync(ct);
        Unsuppressed &= MaySeeUnsuppressed;
        return Page();
    }

    /// <summary>The breakdown shown, as open data (csv, or xlsx with its legend): always the suppressed table.</summary>
    public async Task<IActionResult> OnGetBreakdownFileAsync(string? format, CancellationToken ct)
    {
        if (Year is null)
        {
            return NotFound();
        }
        await LoadAsync(ct);
        var known = Enum.TryParse<BreakdownFormat>(format, ignoreCase: true, out var fileFormat) && Enum.IsDefined(fileFormat);
        if (!known)
        {
            Errors.Add($"形式「{format}」では書き出せません。csv か xlsx です。");
        }
        if (!known || !await BreakDownAsync(ct) || Table is not { } table)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var file = new MemoryStream();
        await BreakdownExport.WriteAsync(table, Year.Value, City.From(configuration), fileFormat, file, ct);
        file.Position = 0;
        var name = $"{FiscalYears.Label(Year.Value)}_{Program}_{table.Dimension.Japanese()}別内訳.{fileFormat.ToString().ToLowerInvariant()}";
        return File(file, fileFormat == BreakdownFormat.Xlsx ? ExportFormat.Xlsx.ContentType(TextEncoding.Utf8) : "text/csv; charset=utf-8", name);
    }

    async Task<bool> BreakDownAsync(CancellationToken ct)
    {
        if (Program is null || By is not { } by)
        {
            return false;
        }
        try
        {
            Table = await breakdowns.ComputeAsync(Year!.Value, [.. Rows.Select(r => r.Definition).Where(d => d.Program.Code == Program)], by, rowTotals: false, ct);
            return true;
        }
        catch (DefinitionException e)
        {
            Errors.Add(e.Message);
            return false;
        }
    }

    public async Task<IActionResult> OnPostComputeAsync(CancellationToken ct)
    {
        if (!CanEdit)
        {
            return Forbid();
        }
        if (Year is not { } year)
        {
            return NotFound();
        }
        var computed = await computation.RunAsync(year, Actor, ct);
        TempData["Message"] = computed.Summary;
        TempData["Notes"] = string.Join("\n", computed.Applied.Notes.Select(n => $"{n.ProgramCode}: {n.Note}"));
        return Redirect($"/indicators/{Year}");
    }

    async Task LoadAsync(CancellationToken ct)
    {
        var year = Year!.Value;
        var inForce = await definitions.InForceAsync(year, ct: ct);
        var values = await db.IndicatorValues.AsNoTracking()
            .Where(v => (v.FiscalYear == year || v.FiscalYear == year - 1) && v.Source == IndicatorSource.Computed)
            .ToListAsync(ct);
        // Last year's figure: as counted then (same key), else as printed in last year's table (same label and unit).
        var printedLastYear = await FigureValues.OfYearAsync(db, year - 1, ct);
        var keysLastYear = (await db.IndicatorDefinitions.AsNoTracking().Where(d => values.Select(v => v.DefinitionId).Contains(d.Id)).ToListAsync(ct))
            .ToDictionary(d => d.Id, d => (d.ProgramId, d.Key));
        Rows = [.. inForce.Select(d =>
        {
            var value = values.FirstOrDefault(v => v.FiscalYear == year && v.DefinitionId == d.Id);
            var previous = values.FirstOrDefault(v => v.FiscalYear == year - 1 && v.DefinitionId is { } id && keysLastYear[id] == (d.ProgramId, d.Key))?.Value
                ?? (printedLastYear.TryGetValue((d.Program.Code, d.Label, d.Unit), out var printed) ? printed : null);
            return new Row(d, value, previous);
        })];
    }
}
