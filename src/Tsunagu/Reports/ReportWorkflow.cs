using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Audit;
using Tsunagu.Data;
using Tsunagu.Indicators;

namespace Tsunagu.Reports;

/// <summary>
/// Every change to a report after import: its status (下書き → 局確認 → 取りまとめ → 会議資料確定 → 公表), a cell,
/// a figure. Before 公表 a change is an edit; after it, a correction that needs a reason and becomes a new
/// published version, the earlier ones staying readable. Each change is audited in its own transaction.
/// </summary>
public sealed class ReportWorkflow(TsunaguDb db, TimeProvider time)
{
    public async Task<AnnualReport> MoveAsync(int fiscalYear, ReportStatus to, string actor, string? reason, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var report = await LoadAsync(fiscalYear, ct);
        var now = time.GetUtcNow();
        var from = report.Status;
        report.MoveTo(to, actor, now, reason);
        Audit(actor, AuditActions.ReportStatus, fiscalYear, null, "状態", from.Japanese(), to.Japanese(), reason);
        await db.SaveChangesAsync(ct);
        if (to == ReportStatus.Published)
        {
            await PublishVersionAsync(report, actor, reason: null, now, ct);
        }
        await transaction.CommitAsync(ct);
        return report;
    }

    /// <summary>Changes one cell. Returns the published version it created, if the report was published.</summary>
    public Task<int?> EditCellAsync(
        int fiscalYear, string programCode, ReportColumnRole column, string text, string actor, string? reason, CancellationToken ct = default) =>
        EditAsync(fiscalYear, programCode, column, _ => (text, null, column.Japanese()), actor, reason, ct);

    /// <summary>
    /// Sets one figure of a program's 実績 cell by hand: the number in the cell's text changes, the rest of the text
    /// stays, and the figure is marked as a manual value with who and when.
    /// </summary>
    public Task<int?> SetFigureAsync(
        int fiscalYear, string programCode, int position, decimal value, string actor, string? reason, CancellationToken ct = default) =>
        EditAsync(fiscalYear, programCode, ReportColumnRole.Results, results =>
        {
            var figures = FigureParser.Parse(results).Figures;
            if (position < 0 || position >= figures.Count)
            {
                throw new ReportRuleException($"{programCode} の実績に {position + 1} 番目の数値はありません。");
            }
            var figure = figures[position];
            var original = results.Substring(figure.NumberIndex, figure.NumberLength);
            var number = value.ToString(original.Contains(',') || original.Contains('，') || value >= 1000 ? "#,0.####" : "0.####", CultureInfo.InvariantCulture);
            var changed = results[..figure.NumberIndex] + number + results[(figure.NumberIndex + figure.NumberLength)..];
            return (changed, position, figure.Label);
        }, actor, reason, ct);

    async Task<int?> EditAsync(
        int fiscalYear, string programCode, ReportColumnRole column, Func<string, (string Text, int? ManualFigure, string Subject)> change,
        string actor, string? reason, CancellationToken ct)
    {
        if (column == ReportColumnRole.Program)
        {
            throw new ReportRuleException("事業名はここでは変えられません。");
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var report = await LoadAsync(fiscalYear, ct);
        if (report.IsPublished && string.IsNullOrWhiteSpace(reason))
        {
            throw new ReportRuleException($"{report.Label()}は公表済みです。訂正には理由が必要です。");
        }
        var row = await db.ReportRows.Include(r => r.Program).SingleOrDefaultAsync(r => r.ReportId == report.Id && r.Program.Code == programCode, ct)
            ?? throw new ReportRuleException($"{report.Label()}に事業 {programCode} はありません。");
        var now = time.GetUtcNow();
        var before = row.Cell(column);
        var (text, manualFigure, subject) = change(before);
        if (text == before)
        {
            return null;
        }
        row.SetCell(column, text);
        if (column == ReportColumnRole.Results)
        {
            await ReplaceFiguresAsync(row.ProgramId, fiscalYear, text, manualFigure, actor, now, ct);
        }
        report.UpdatedAt = now;
        var action = report.IsPublished ? AuditActions.ReportCorrect
            : column == ReportColumnRole.Evaluation ? AuditActions.EvaluationUpdate
            : column == ReportColumnRole.Results ? AuditActions.FigureUpdate
            : AuditActions.CellUpdate;
        Audit(actor, action, fiscalYear, programCode, subject, before, text, reason);
        await db.SaveChangesAsync(ct);
        int? version = report.IsPublished ? await PublishVersionAsync(report, actor, reason, now, ct) : null;
        await transaction.CommitAsync(ct);
        return version;
    }

    /// <summary>
    /// The figures of a 実績 cell follow its text. A figure someone set by hand stays marked as manual while its label
    /// and value stay as they were set.
    /// </summary>
    async Task ReplaceFiguresAsync(int programId, int fiscalYear, string results, int? manualFigure, string actor, DateTimeOffset now, CancellationToken ct)
    {
        var previous = await db.IndicatorValues
            .Where(v => v.FiscalYear == fiscalYear && v.ProgramId == programId && v.Source != IndicatorSource.Computed)
            .ToListAsync(ct);
        db.IndicatorValues.RemoveRange(previous);
        var position = 0;
        foreach (var figure in FigureParser.Parse(results).Figures)
        {
            var value = IndicatorValue.Imported(programId, fiscalYear, position, figure, now);
            var setByHand = previous.FirstOrDefault(p => p.Source == IndicatorSource.Manual && p.Label == figure.Label && p.Value == figure.Value);
            if (position == manualFigure)
            {
                value.MarkManual(actor, now);
            }
            else if (setByHand is not null)
            {
                value.MarkManual(setByHand.RecordedBy!, setByHand.RecordedAt);
            }
            db.IndicatorValues.Add(value);
            position++;
        }
    }

    async Task<AnnualReport> LoadAsync(int fiscalYear, CancellationToken ct) =>
        await db.Reports.SingleOrDefaultAsync(r => r.FiscalYear == fiscalYear, ct) ?? throw new ReportNotFoundException(fiscalYear);

    void Audit(string actor, string action, int fiscalYear, string? programCode, string subject, string? before, string? after, string? reason) =>
        db.AuditEntries.Add(new AuditEntry
        {
            At = time.GetUtcNow(),
            Actor = actor,
            Action = action,
            FiscalYear = fiscalYear,
            ProgramCode = programCode,
            Subject = subject,
            Before = before,
            After = after,
            Reason = reason,
        });

    async Task<int> PublishVersionAsync(AnnualReport report, string actor, string? reason, DateTimeOffset at, CancellationToken ct)
    {
        var version = await db.ReportPublications.Where(p => p.ReportId == report.Id).MaxAsync(p => (int?)p.Version, ct) + 1 ?? 1;
        var table = await new ReportReader(db).ReadAsync(report.FiscalYear, ct);
        db.ReportPublications.Add(new ReportPublication
        {
            ReportId = report.Id,
            Version = version,
            PublishedAt = at,
            By = actor,
            Reason = reason,
            Snapshot = await ReportExporter.ToJsonAsync(table, ct),
        });
        await db.SaveChangesAsync(ct);
        return version;
    }
}
