using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Data;
using Tsunagu.Indicators;
using Tsunagu.Reports;

namespace Tsunagu.Pages.Reports;

public class YearModel(TsunaguDb db, ReportReader reader, ReportWorkflow workflow, IConfiguration configuration) : TsunaguPageModel
{
    [BindProperty(SupportsGet = true)]
    public int Year { get; set; }

    public ReportHead Head { get; private set; } = null!;
    public List<ReportProgram> Programs { get; private set; } = [];
    public IReadOnlyList<Finding> Findings { get; private set; } = [];
    public List<ReportStatusChange> StatusChanges { get; private set; } = [];
    public List<ReportPublication> Publications { get; private set; } = [];

    /// <summary>The figure a definition of the year counts (program, label, unit) → its drill-down's definition.</summary>
    public Dictionary<(string Program, string Label, string? Unit), int> DrillDowns { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : NotFound();

    /// <summary>
    /// Downloads are written to a temporary file first, so a refusal (a character Shift_JIS lacks) is shown on the
    /// page instead of breaking off a download halfway. <paramref name="previousYear"/> is true unless the form's box
    /// is cleared (its hidden "false" comes after the box's "true", and the first value binds).
    /// </summary>
    public async Task<IActionResult> OnGetDownloadAsync(string? format, string? encoding, int? version, bool previousYear = true, CancellationToken ct = default)
    {
        if (ExportFormats.Parse(format) is not { } exportFormat)
        {
            return await RefusedAsync([ExportFormats.Unknown(format)], ct);
        }
        ReportTable table;
        try
        {
            table = version is { } v ? await reader.ReadPublishedAsync(Year, v, ct) : await reader.ReadAsync(Year, ct);
        }
        catch (ReportNotFoundException)
        {
            return NotFound();
        }
        // The page's own choice is UTF-8 or Shift_JIS; a value it does not offer is read as UTF-8, as before.
        var options = new ExportOptions(City.From(configuration), ExportFormats.ParseEncoding(encoding) ?? TextEncoding.Utf8, previousYear);
        FileStream file;
        try
        {
            file = await ReportExporter.ToTemporaryFileAsync(table, exportFormat, options, ct);
        }
        catch (RefusalException e)
        {
            return await RefusedAsync(e is UnencodableException unencodable
                ? ["Shift_JIS（CP932）で表せない文字があるため書き出しませんでした。UTF-8 の CSV を使うか、次の文字を確認してください。",
                    .. unencodable.Characters.Select(c => c.ToString())]
                : [e.Message], ct);
        }
        return File(file, exportFormat.ContentType(options.Encoding), exportFormat.FileName(Year, version, options.Encoding));
    }

    /// <summary>A download that cannot be written: the page, with why, as a 400.</summary>
    async Task<IActionResult> RefusedAsync(IEnumerable<string> messages, CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return NotFound();
        }
        Errors.AddRange(messages);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    /// <param name="version">The report's version the page was shown with: a move decided on an older one is refused.</param>
    public async Task<IActionResult> OnPostStatusAsync(ReportStatus to, string? reason, int? version, CancellationToken ct)
    {
        if (!CanEdit)
        {
            return Forbid();
        }
        try
        {
            await workflow.MoveAsync(Year, to, Actor, reason, version, ct);
            TempData["Message"] = $"状態を「{to.Japanese()}」にしました。";
            return RedirectToPage(new { Year });
        }
        catch (Exception e) when (e is ReportRuleException or StaleVersionException)
        {
            await LoadAsync(ct);
            Errors.Add(e.Message);
            if (e is StaleVersionException)
            {
                Response.StatusCode = StatusCodes.Status409Conflict;
            }
            return Page();
        }
    }

    async Task<bool> LoadAsync(CancellationToken ct)
    {
        ReportTable table;
        try
        {
            table = await reader.ReadAsync(Year, ct);
        }
        catch (ReportNotFoundException)
        {
            return false;
        }
        Head = table.Head;
        Programs = await table.Programs().ToListAsync(ct);
        Findings = await ReportChecks.RunAsync(db, Year, ReportChecks.DefaultMaxChange, ct);
        DrillDowns = (await Tsunagu.Indicators.IndicatorDefinitions.InForceAsync(db, Year, null, ct))
            .DistinctBy(d => (d.Program.Code, d.Label, d.Unit)).ToDictionary(d => (d.Program.Code, d.Label, (string?)d.Unit), d => d.Id);
        var reportId = await db.Reports.Where(r => r.FiscalYear == Year).Select(r => r.Id).SingleAsync(ct);
        StatusChanges = await db.ReportStatusChanges.AsNoTracking().Where(c => c.ReportId == reportId).OrderBy(c => c.Id).ToListAsync(ct);
        Publications = await db.ReportPublications.AsNoTracking().Where(p => p.ReportId == reportId).OrderBy(p => p.Version)
            .Select(p => new ReportPublication { Version = p.Version, PublishedAt = p.PublishedAt, By = p.By, Reason = p.Reason, Snapshot = "" })
            .ToListAsync(ct);
        return true;
    }
}
