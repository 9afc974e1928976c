using Microsoft.EntityFrameworkCore;
using Tsunagu.Data;
using Tsunagu.Indicators;

namespace Tsunagu.Reports;

/// <summary>
/// Moves a report through 下書き → 局確認 → 取りまとめ → 会議資料確定 → 公表, keeps what was published as a snapshot,
/// and takes corrections after publication only with a reason, each as a new published version.
/// </summary>
public sealed class ReportWorkflow(TsunaguDb db, TimeProvider time)
{
    public async Task<AnnualReport> MoveAsync(int fiscalYear, ReportStatus to, string by, string? reason, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var report = await LoadAsync(fiscalYear, ct);
        var now = time.GetUtcNow();
        report.MoveTo(to, by, now, reason);
        await db.SaveChangesAsync(ct);
        if (to == ReportStatus.Published)
        {
            await PublishVersionAsync(report, by, reason: null, now, ct);
        }
        await transaction.CommitAsync(ct);
        return report;
    }

    /// <summary>Changes one cell of a published report; the version published before stays readable.</summary>
    public async Task<int> CorrectAsync(
        int fiscalYear, string programCode, ReportColumnRole column, string text, string reason, string by, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ReportRuleException("公表後の訂正には理由が必要です。");
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var report = await LoadAsync(fiscalYear, ct);
        if (!report.IsPublished)
        {
            throw new ReportRuleException($"{report.Label()}はまだ公表されていません。訂正は公表後の変更に使います。");
        }
        if (column == ReportColumnRole.Program)
        {
            throw new ReportRuleException("事業名は訂正で変えられません。");
        }
        var row = await db.ReportRows.SingleOrDefaultAsync(r => r.ReportId == report.Id && r.Program.Code == programCode, ct)
            ?? throw new ReportRuleException($"{report.Label()}に事業 {programCode} はありません。");
        var now = time.GetUtcNow();
        row.SetCell(column, text);
        if (column == ReportColumnRole.Results)
        {
            await db.IndicatorValues
                .Where(v => v.FiscalYear == fiscalYear && v.ProgramId == row.ProgramId && v.Source == IndicatorSource.Imported)
                .ExecuteDeleteAsync(ct);
            var position = 0;
            foreach (var figure in FigureParser.Parse(text).Figures)
            {
                db.IndicatorValues.Add(IndicatorValue.Imported(row.ProgramId, fiscalYear, position++, figure, now));
            }
        }
        report.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        var version = await PublishVersionAsync(report, by, reason, now, ct);
        await transaction.CommitAsync(ct);
        return version;
    }

    async Task<AnnualReport> LoadAsync(int fiscalYear, CancellationToken ct) =>
        await db.Reports.SingleOrDefaultAsync(r => r.FiscalYear == fiscalYear, ct) ?? throw new ReportNotFoundException(fiscalYear);

    async Task<int> PublishVersionAsync(AnnualReport report, string by, string? reason, DateTimeOffset at, CancellationToken ct)
    {
        var version = await db.ReportPublications.Where(p => p.ReportId == report.Id).MaxAsync(p => (int?)p.Version, ct) + 1 ?? 1;
        var table = await new ReportReader(db).ReadAsync(report.FiscalYear, ct);
        var snapshot = await ReportExporter.ToJsonAsync(table, ct);
        db.ReportPublications.Add(new ReportPublication
        {
            ReportId = report.Id,
            Version = version,
            PublishedAt = at,
            By = by,
            Reason = reason,
            Snapshot = snapshot,
        });
        await db.SaveChangesAsync(ct);
        return version;
    }
}
