using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Calendar;
using Tsunagu.Data;
using Tsunagu.Indicators;
using Tsunagu.Reports;

namespace Tsunagu.Pages.Reports;

public class YearModel(TsunaguDb db, ReportReader reader, ReportWorkflow workflow) : TsunaguPageModel
{
    [BindProperty(SupportsGet = true)]
    public int Year { get; set; }

    public ReportHead Head { get; private set; } = null!;
    public List<ReportProgram> Programs { get; private set; } = [];
    public Dictionary<(string Code, string Label, string? Unit), decimal> Previous { get; private set; } = [];
    public IReadOnlyList<Finding> Findings { get; private set; } = [];
    public List<ReportStatusChange> StatusChanges { get; private set; } = [];
    public List<ReportPublication> Publications { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : NotFound();

    /// <summary>
    /// Downloads are written to a temporary file first, so a refusal (a character Shift_JIS lacks) is shown on the
    /// page instead of breaking off a download halfway.
    /// </summary>
    public async Task<IActionResult> OnGetDownloadAsync(ExportFormat format, string? encoding, int? version, CancellationToken ct)
    {
        ReportTable table;
        try
        {
            table = version is { } v ? await reader.ReadPublishedAsync(Year, v, ct) : await reader.ReadAsync(Year, ct);
        }
        catch (ReportNotFoundException)
        {
            return NotFound();
        }
        var cp932 = string.Equals(encoding, "cp932", StringComparison.OrdinalIgnoreCase);
        var path = Path.GetTempFileName();
        var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
        try
        {
            await ReportExporter.WriteAsync(table, format, cp932 ? TextEncoding.Cp932 : TextEncoding.Utf8, file, ct);
        }
        catch (UnencodableException e)
        {
            await file.DisposeAsync();
            await LoadAsync(ct);
            Errors.Add("Shift_JIS（CP932）で表せない文字があるため書き出しませんでした。UTF-8 の CSV を使うか、次の文字を確認してください。");
            Errors.AddRange(e.Characters.Select(c => c.ToString()));
            return Page();
        }
        file.Position = 0;
        var extension = format.ToString().ToLowerInvariant();
        var name = $"{FiscalYears.Label(Year)}_実績報告{(version is { } n ? $"_公表版第{n}版" : "")}{(cp932 ? "_sjis" : "")}.{extension}";
        return File(file, ContentType(format, cp932), name);
    }

    static string ContentType(ExportFormat format, bool cp932) => format switch
    {
        ExportFormat.Csv => cp932 ? "text/csv; charset=shift_jis" : "text/csv; charset=utf-8",
        ExportFormat.Tsv => cp932 ? "text/tab-separated-values; charset=shift_jis" : "text/tab-separated-values; charset=utf-8",
        ExportFormat.Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ExportFormat.Json => "application/json; charset=utf-8",
        _ => "text/html; charset=utf-8",
    };

    public async Task<IActionResult> OnPostStatusAsync(ReportStatus to, string? reason, CancellationToken ct)
    {
        if (!CanEdit)
        {
            return Forbid();
        }
        try
        {
            await workflow.MoveAsync(Year, to, Actor, reason, ct);
            TempData["Message"] = $"状態を「{to.Japanese()}」にしました。";
            return RedirectToPage(new { Year });
        }
        catch (ReportRuleException e)
        {
            await LoadAsync(ct);
            Errors.Add(e.Message);
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
        Previous = await FigureValues.OfYearAsync(db, Year - 1, ct);
        Findings = await ReportChecks.RunAsync(db, Year, ReportChecks.DefaultMaxChange, ct);
        var reportId = await db.Reports.Where(r => r.FiscalYear == Year).Select(r => r.Id).SingleAsync(ct);
        StatusChanges = await db.ReportStatusChanges.AsNoTracking().Where(c => c.ReportId == reportId).OrderBy(c => c.Id).ToListAsync(ct);
        Publications = await db.ReportPublications.AsNoTracking().Where(p => p.ReportId == reportId).OrderBy(p => p.Version)
            .Select(p => new ReportPublication { Version = p.Version, PublishedAt = p.PublishedAt, By = p.By, Reason = p.Reason, Snapshot = "" })
            .ToListAsync(ct);
        return true;
    }
}
