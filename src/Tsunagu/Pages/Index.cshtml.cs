using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Data;
using Tsunagu.Reports;

namespace Tsunagu.Pages;

public class IndexModel(TsunaguDb db) : PageModel
{
    public sealed record YearRow(int FiscalYear, string? Title, ReportStatus Status, int Rows, int Findings, DateTimeOffset UpdatedAt);

    public List<YearRow> Years { get; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        // A case worker's day starts from finding a person; the annual tables are not theirs to read.
        if (!Roles.Reports.Any(User.IsInRole))
        {
            return Roles.Records.Any(User.IsInRole) ? Redirect("/caseload") : Forbid();
        }
        var reports = await db.Reports.AsNoTracking().OrderByDescending(r => r.FiscalYear)
            .Select(r => new { r.FiscalYear, r.Title, r.Status, Rows = r.Rows.Count, r.UpdatedAt })
            .ToListAsync(ct);
        foreach (var r in reports)
        {
            var findings = await ReportChecks.RunAsync(db, r.FiscalYear, ReportChecks.DefaultMaxChange, ct);
            Years.Add(new YearRow(r.FiscalYear, r.Title, r.Status, r.Rows, findings.Count, r.UpdatedAt));
        }
        return Page();
    }
}
