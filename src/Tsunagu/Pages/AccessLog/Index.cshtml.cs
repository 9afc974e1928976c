using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Audit;
using Tsunagu.Calendar;
using Tsunagu.Data;

namespace Tsunagu.Pages.AccessLog;

/// <summary>
/// Who read which person's record, for auditors. Person ids only: an auditor investigates, never reads records.
/// Every look at the log, and every export, is itself in the audit trail.
/// </summary>
public class IndexModel(TsunaguDb db, AccessLogSearch search, TimeProvider time) : TsunaguPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Staff { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? Person { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    // "page" is Razor Pages' own route value; the page number is "p".
    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public List<AccessLogEntry> Entries { get; private set; } = [];
    public int Total { get; private set; }
    public List<DailyReads> Daily { get; private set; } = [];
    public List<ReadAlert> Alerts { get; private set; } = [];
    public List<(string Id, string Email)> Accounts { get; private set; } = [];
    public AuditVerification? LastVerification { get; private set; }

    public int Pages => Math.Max(1, (Total + AccessLogSearch.PageSize - 1) / AccessLogSearch.PageSize);

    /// <summary>The days asked for; by default the last seven, in Japan time.</summary>
    AccessLogFilter Filter()
    {
        var today = CityClock.Today(time);
        var to = To ?? today;
        var from = From ?? to.AddDays(-6);
        (From, To) = (from, to);
        return new AccessLogFilter(string.IsNullOrEmpty(Staff) ? null : Staff, Person, from, to);
    }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var filter = Filter();
        (Entries, Total) = await search.PageAsync(filter, PageNumber, ct);
        Daily = await search.DailyAsync(filter, ct);
        Alerts = await search.AlertsAsync(ct);
        LastVerification = await db.AuditVerifications.AsNoTracking().OrderByDescending(v => v.Id).FirstOrDefaultAsync(ct);
        Accounts = [.. (await db.Users.AsNoTracking().OrderBy(u => u.Email).Select(u => new { u.Id, u.Email }).ToListAsync(ct)).Select(u => (u.Id, u.Email ?? u.Id))];
        await search.RecordViewAsync(Actor, AuditActions.AccessLogView, filter);
    }

    /// <summary>Checks both hash chains now (the same check as `tsunagu audit verify`).</summary>
    public async Task<IActionResult> OnPostVerifyAsync(CancellationToken ct)
    {
        await AuditChain.VerifyAsync(db, time, Actor, ct);
        return RedirectToPage();
    }

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        var filter = Filter();
        await search.RecordViewAsync(Actor, AuditActions.AccessLogExport, filter);
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"accesslog-{filter.From:yyyyMMdd}-{filter.To:yyyyMMdd}.csv\"";
        await search.WriteCsvAsync(filter, Response.Body, ct);
        return new EmptyResult();
    }

    public string Link(int page) =>
        $"/accesslog?staff={Uri.EscapeDataString(Staff ?? "")}&person={Person}&from={From:yyyy-MM-dd}&to={To:yyyy-MM-dd}&p={page}";
}
