using Microsoft.EntityFrameworkCore;
using Tsunagu.Audit;
using Tsunagu.Calendar;
using Tsunagu.Data;
using Tsunagu.Indicators;

namespace Tsunagu.Reports;

/// <summary>A cell's change: the published version it made (after 公表), and the row's version now (its ETag).</summary>
public sealed record CellChange(int? PublishedVersion, int Version);

/// <summary>What applying the computed figures to a year did: whether anything was written, why not, and what to look at.</summary>
public sealed record ComputedYear(bool Written, string? Refusal, IReadOnlyList<(string ProgramCode, string Note)> Notes);

/// <summary>
/// Every change to a report after import: its status (下書き → 局確認 → 取りまとめ → 会議資料確定 → 公表), a cell,
/// a figure. Before 公表 a change is an edit; after it, a correction that needs a reason and becomes a new
/// published version, the earlier ones staying readable. Each change is audited in its own transaction.
/// </summary>
public sealed class ReportWorkflow(TsunaguDb db, TimeProvider time)
{
    /// <param name="expectedVersion">The report's version the change was decided on (If-Match, the form's); null: whatever it is now.</param>
    public async Task<AnnualReport> MoveAsync(int fiscalYear, ReportStatus to, string actor, string? reason, int? expectedVersion = null, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await LockYearAsync(fiscalYear, ct);
        var report = await LoadAsync(fiscalYear, ct);
        AnnualReport.EnsureCurrent(expectedVersion, report.Version, report.Label());
        var now = time.GetUtcNow();
        var from = report.Status;
        report.MoveTo(to, actor, now, reason);
        Audit(actor, AuditActions.ReportStatus, fiscalYear, null, "状態", from.Japanese(), to.Japanese(), reason);
        await db.SaveChangesAsync(ct);
        if (to == ReportStatus.Published)
        {
            await PublishVersionAsync(report, actor, correction: null, now, ct);
        }
        await transaction.CommitAsync(ct);
        return report;
    }

    /// <summary>Changes one cell: the published version it created (if the report was published) and the row's version.</summary>
    /// <param name="expectedVersion">The row's version the text was written on (If-Match, the form's); null: whatever it is now.</param>
    public Task<CellChange> EditCellAsync(
        int fiscalYear, string programCode, ReportColumnRole column, string text, string actor, string? reason, int? expectedVersion = null,
        CancellationToken ct = default) =>
        EditAsync(fiscalYear, programCode, column, _ => (text, null, column.Japanese()), actor, reason, expectedVersion, ct);

    /// <summary>
    /// Corrects a cell of a published report, with a reason: a new published version, whose number is returned. A
    /// report not yet published is refused (before 公表 a change is an edit, not a correction).
    /// </summary>
    public async Task<int> CorrectCellAsync(
        int fiscalYear, string programCode, ReportColumnRole column, string text, string actor, string reason, CancellationToken ct = default)
    {
        if (!await db.Reports.AnyAsync(r => r.FiscalYear == fiscalYear && r.Status == ReportStatus.Published, ct))
        {
            throw new ReportRuleException($"{FiscalYears.Label(fiscalYear)}の報告はまだ公表されていません。訂正は公表後の変更に使います。");
        }
        return (await EditCellAsync(fiscalYear, programCode, column, text, actor, reason, ct: ct)).PublishedVersion
            ?? throw new ReportRuleException("訂正後の文が今の文と同じです。");
    }

    /// <summary>
    /// Sets one figure of a program's 実績 cell by hand: the number in the cell's text changes, the rest of the text
    /// stays, and the figure is marked as a manual value with who and when.
    /// </summary>
    public Task<CellChange> SetFigureAsync(
        int fiscalYear, string programCode, int position, decimal value, string actor, string? reason, int? expectedVersion = null,
        CancellationToken ct = default) =>
        EditAsync(fiscalYear, programCode, ReportColumnRole.Results, results =>
        {
            var figures = FigureParser.Parse(results).Figures;
            if (position < 0 || position >= figures.Count)
            {
                throw new ReportRuleException($"{programCode} の実績に {position + 1} 番目の数値はありません。");
            }
            var figure = figures[position];
            var original = results.Substring(figure.NumberIndex, figure.NumberLength);
            var changed = results[..figure.NumberIndex] + FigureValues.FormatLike(value, original) + results[(figure.NumberIndex + figure.NumberLength)..];
            return (changed, position, figure.Label);
        }, actor, reason, expectedVersion, ct);

    async Task<CellChange> EditAsync(
        int fiscalYear, string programCode, ReportColumnRole column, Func<string, (string Text, int? ManualFigure, string Subject)> change,
        string actor, string? reason, int? expectedVersion, CancellationToken ct)
    {
        if (column == ReportColumnRole.Program)
        {
            throw new ReportRuleException("事業名はここでは変えられません。");
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await LockYearAsync(fiscalYear, ct);
        var report = await LoadAsync(fiscalYear, ct);
        if (report.IsPublished && string.IsNullOrWhiteSpace(reason))
        {
            throw new ReportRuleException($"{report.Label()}は公表済みです。訂正には理由が必要です。");
        }
        var row = await db.ReportRows.Include(r => r.Program).SingleOrDefaultAsync(r => r.ReportId == report.Id && r.Program.Code == programCode, ct)
            ?? throw new ReportRuleException($"{report.Label()}に事業 {programCode} はありません。");
        AnnualReport.EnsureCurrent(expectedVersion, row.Version, $"{report.Label()}の {programCode}");
        var now = time.GetUtcNow();
        var before = row.Cell(column);
        var (text, manualFigure, subject) = change(before);
        if (text == before)
        {
            return new CellChange(null, row.Version);
        }
        row.SetCell(column, text);
        if (column == ReportColumnRole.Results)
        {
            await ReplaceFiguresAsync(row.ProgramId, fiscalYear, text, manualFigure, actor, now, ct);
        }
        row.Version = report.Touch(now);
        var action = report.IsPublished ? AuditActions.ReportCorrect
            : column == ReportColumnRole.Evaluation ? AuditActions.EvaluationUpdate
            : column == ReportColumnRole.Results ? AuditActions.FigureUpdate
            : AuditActions.CellUpdate;
        Audit(actor, action, fiscalYear, programCode, subject, before, text, reason);
        await db.SaveChangesAsync(ct);
        int? version = report.IsPublished ? await PublishVersionAsync(report, actor, (programCode, column, reason!), now, ct) : null;
        await transaction.CommitAsync(ct);
        return new CellChange(version, row.Version);
    }

    /// <summary>
    /// Stores the year's computed figures and writes them into the draft's 実績 cells (creating the draft from last
    /// year's table, or from the programs, when the year has none). A year past 下書き is not touched: its figures
    /// are compared, and each difference is a note. A figure set by hand is kept; a difference is a note.
    /// </summary>
    public async Task<ComputedYear> ApplyComputedAsync(int fiscalYear, IReadOnlyList<ComputedFigure> figures, string actor, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await LockYearAsync(fiscalYear, ct);
        var report = await db.Reports.Include(r => r.Rows).Include(r => r.Columns).AsSplitQuery().SingleOrDefaultAsync(r => r.FiscalYear == fiscalYear, ct);
        var notes = new List<(string ProgramCode, string Note)>();
        if (report is not null && report.Status != ReportStatus.Draft)
        {
            var printed = await FigureValues.OfYearAsync(db, fiscalYear, ct);
            foreach (var f in figures.Where(f => f.Value is not null))
            {
                if (printed.TryGetValue((f.ProgramCode, f.Definition.Label, f.Definition.Unit), out var was) && was != f.Value)
                {
                    notes.Add((f.ProgramCode, $"「{f.Definition.Label}」は報告では {FigureValues.Format(was)}{f.Definition.Unit}、記録からの集計は {FigureValues.Format(f.Value!.Value)}{f.Definition.Unit} です。"));
                }
            }
            return new ComputedYear(false, $"{report.Label()}は「{report.Status.Japanese()}」のため、集計結果は保存せず実績欄も変えていません。", notes);
        }

        var now = time.GetUtcNow();
        var carriedOver = false;
        if (report is null)
        {
            (report, carriedOver) = await NewDraftAsync(fiscalYear, now, ct);
        }
        await db.IndicatorValues.Where(v => v.FiscalYear == fiscalYear && v.Source == IndicatorSource.Computed).ExecuteDeleteAsync(ct);
        var manual = (await db.IndicatorValues.AsNoTracking().Where(v => v.FiscalYear == fiscalYear && v.Source == IndicatorSource.Manual)
            .Select(v => new { v.ProgramId, v.Label }).ToListAsync(ct)).ToLookup(v => v.ProgramId, v => v.Label);
        var labels = IndicatorDefinitions.Labels(figures.Select(f => f.Definition));
        foreach (var program in figures.GroupBy(f => f.Definition.ProgramId).Select(g => g.ToList()))
        {
            var (programId, code) = (program[0].Definition.ProgramId, program[0].ProgramCode);
            foreach (var f in program.Where(f => f.Value is not null))
            {
                db.IndicatorValues.Add(new IndicatorValue
                {
                    ProgramId = programId,
                    FiscalYear = fiscalYear,
                    Position = f.Definition.Position,
                    Label = f.Definition.Label,
                    Value = f.Value!.Value,
                    Unit = f.Definition.Unit,
                    Basis = f.Definition.Basis,
                    Source = IndicatorSource.Computed,
                    SourceText = IndicatorDefinitions.Describe(f.Definition, labels),
                    DefinitionId = f.Definition.Id,
                    Denominator = f.Denominator,
                    RecordedAt = now,
                    RecordedBy = actor,
                });
            }
            var row = report.Rows.SingleOrDefault(r => r.ProgramId == programId);
            if (row is null)
            {
                var definedBy = program[0].Definition.Program;
                row = new ReportRow
                {
                    ProgramId = programId,
                    ProgramName = definedBy.Name,
                    Overview = definedBy.Overview,
                    Position = report.Rows.Select(r => r.Position + 1).DefaultIfEmpty(0).Max(),
                };
                report.Rows.Add(row);
            }
            var composed = ResultsComposer.Compose(row.Results, program, manual[programId].ToHashSet(), carriedOver && row.Id != 0);
            notes.AddRange(composed.Notes.Select(n => (code, n)));
            if (composed.Text != row.Results)
            {
                Audit(actor, AuditActions.IndicatorCompute, fiscalYear, code, "実績", row.Results, composed.Text, null);
                row.Results = composed.Text;
                row.Version = report.Touch(now);
                await db.SaveChangesAsync(ct);
                await ReplaceFiguresAsync(programId, fiscalYear, composed.Text, null, actor, now, ct);
            }
        }
        if (carriedOver)
        {
            var counted = figures.Select(f => f.Definition.ProgramId).ToHashSet();
            var codes = await db.Programs.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Code, ct);
            notes.AddRange(report.Rows.Where(r => !counted.Contains(r.ProgramId) && !string.IsNullOrWhiteSpace(r.Results))
                .Select(r => (codes[r.ProgramId], "実績欄は前年度の文のままです（記録から集計する指標がありません）。")));
        }
        report.Touch(now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new ComputedYear(true, null, notes);
    }

    /// <summary>A year's first draft: last year's table with its texts (evaluations left for the programs to write), or empty.</summary>
    async Task<(AnnualReport Report, bool FromLastYear)> NewDraftAsync(int fiscalYear, DateTimeOffset now, CancellationToken ct)
    {
        var last = await db.Reports.AsNoTracking().Include(r => r.Columns).Include(r => r.Rows).AsSplitQuery()
            .Where(r => r.FiscalYear < fiscalYear).OrderByDescending(r => r.FiscalYear).FirstOrDefaultAsync(ct);
        string ThisYear(string text) => last is null ? text : text.Replace(FiscalYears.Label(last.FiscalYear), FiscalYears.Label(fiscalYear), StringComparison.Ordinal);
        var report = new AnnualReport
        {
            FiscalYear = fiscalYear,
            Title = last?.Title is { } title ? ThisYear(title) : $"主な施策の{FiscalYears.Label(fiscalYear)}実績",
            UpdatedAt = now,
            Columns = last is null
                ? [.. Enum.GetValues<ReportColumnRole>().Select((role, i) => new ReportColumn
                {
                    Position = i, Role = role,
                    Header = role == ReportColumnRole.Results ? $"{FiscalYears.Label(fiscalYear)}実績(件数等)" : role.Japanese(),
                })]
                : [.. last.Columns.Select(c => new ReportColumn { Position = c.Position, Role = c.Role, Header = ThisYear(c.Header) })],
            // Every program has its row in the table, counted or not; without last year's, in the order of their codes.
            Rows = last is not null
                ? [.. last.Rows.Select(r => new ReportRow
                {
                    Position = r.Position, ProgramId = r.ProgramId, ProgramName = r.ProgramName, Overview = r.Overview, Results = r.Results, Bureau = r.Bureau,
                })]
                : [.. (await db.Programs.AsNoTracking().OrderBy(p => p.Code).ToListAsync(ct))
                    .Select((p, i) => new ReportRow { Position = i, ProgramId = p.Id, ProgramName = p.Name, Overview = p.Overview })],
        };
        db.Reports.Add(report);
        if (last is not null)
        {
            db.ProgramBureaus.AddRange(await db.ProgramBureaus.AsNoTracking().Where(b => b.FiscalYear == last.FiscalYear)
                .Select(b => new Programs.ProgramBureau { ProgramId = b.ProgramId, FiscalYear = fiscalYear, Position = b.Position, BureauId = b.BureauId, Scope = b.Scope })
                .ToListAsync(ct));
        }
        await db.SaveChangesAsync(ct);
        return (report, last is not null);
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

    /// <summary>The advisory lock's first key for a year's report ("TSRP"); the second is the year.</summary>
    const int PostgresLockSpace = 0x54535250;

    /// <summary>
    /// One change to a year's table at a time. Each change reads the table, changes it and writes it back: two at once
    /// would both read the same text, and the second's write would undo the first's figure, or both would number the
    /// same published version. The second now waits for the first's commit and reads what it wrote. On PostgreSQL an
    /// advisory lock of the transaction (there may be no row yet to lock: computing a year creates its draft); SQLite's
    /// write transaction already holds the whole database.
    /// </summary>
    async Task LockYearAsync(int fiscalYear, CancellationToken ct)
    {
        if (db is PostgresTsunaguDb)
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({PostgresLockSpace}, {fiscalYear})", ct);
        }
    }

    async Task<AnnualReport> LoadAsync(int fiscalYear, CancellationToken ct) =>
        await db.Reports.SingleOrDefaultAsync(r => r.FiscalYear == fiscalYear, ct) ?? throw new ReportNotFoundException(fiscalYear);

    void Audit(string actor, string action, int fiscalYear, string? programCode, string subject, string? before, string? after, string? reason) =>
        db.Audit(time, actor, action, fiscalYear, programCode, subject, before, after, reason);

    async Task<int> PublishVersionAsync(
        AnnualReport report, string actor, (string ProgramCode, ReportColumnRole Column, string Reason)? correction, DateTimeOffset at, CancellationToken ct)
    {
        var version = await db.ReportPublications.Where(p => p.ReportId == report.Id).MaxAsync(p => (int?)p.Version, ct) + 1 ?? 1;
        var table = await new ReportReader(db).ReadAsync(report.FiscalYear, ct);
        db.ReportPublications.Add(new ReportPublication
        {
            ReportId = report.Id,
            Version = version,
            PublishedAt = at,
            By = actor,
            Reason = correction?.Reason,
            ProgramCode = correction?.ProgramCode,
            Column = correction?.Column,
            // The version's own number and history are the publication rows' (ReportReader.ReadPublishedAsync).
            Snapshot = await ReportExporter.ToJsonAsync(table, ct),
        });
        await db.SaveChangesAsync(ct);
        return version;
    }
}
