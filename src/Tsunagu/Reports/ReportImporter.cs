using Microsoft.EntityFrameworkCore;
using Tsunagu.Audit;
using Tsunagu.Calendar;
using Tsunagu.Data;
using Tsunagu.Indicators;
using Tsunagu.Japanese;
using Tsunagu.Programs;
using Tsunagu.Reports.Files;

namespace Tsunagu.Reports;

public sealed record ImportResult(
    int FiscalYear, int Rows, int NewPrograms, int Figures, bool Replaced, IReadOnlyList<FileError> Errors, ImportPreview? Preview = null)
{
    public bool Succeeded => Errors.Count == 0;
}

public enum ChangeKind { Added, Changed, Unchanged, Removed }

/// <summary>What an import would change in a program's row: added, which columns changed, unchanged, removed.</summary>
/// <param name="Code">Null for a program the import would create.</param>
public sealed record ProgramChange(string? Code, string Name, ChangeKind Kind, IReadOnlyList<ReportColumnRole> Columns);

/// <summary>What an import would do, worked out by running it and rolling it back.</summary>
public sealed record ImportPreview(string? Title, bool TitleChanged, IReadOnlyList<ProgramChange> Changes);

/// <summary>
/// Takes an annual table into the database: a title line (and lines of one cell under it, its notes), optional blank
/// lines, a header row, a row per program.
/// One transaction: either the whole year is replaced, or, on any error, nothing is written.
/// </summary>
public sealed class ReportImporter(TsunaguDb db, TimeProvider time)
{
    const int BatchSize = 500;
    const int MaxErrors = 100;

    /// <param name="dryRun">Run the whole import, describe what it changed, and roll it back: the upload preview.</param>
    /// <param name="newPrograms">
    /// Create the programs the table names that are not known yet. Without it (and once any program is known) each is
    /// listed with the known program it most resembles, and nothing is written: a typo must not become a program.
    /// </param>
    public async Task<ImportResult> ImportAsync(string path, int? fiscalYear, string actor, bool dryRun = false, bool newPrograms = false,
        CancellationToken ct = default)
    {
        TableFile file;
        try
        {
            file = TableFile.Open(path);
        }
        catch (FileErrorException e)
        {
            return Failed(fiscalYear, e.Error);
        }
        try
        {
            return await ImportAsync(file, fiscalYear, actor, dryRun, newPrograms, ct);
        }
        catch (FileErrorException e)
        {
            db.ChangeTracker.Clear();
            return Failed(fiscalYear, e.Error);
        }
        catch (ReportRuleException e)
        {
            db.ChangeTracker.Clear();
            return Failed(fiscalYear, file.Error(null, null, e.Message));
        }
    }

    static ImportResult Failed(int? fiscalYear, FileError error) => new(fiscalYear ?? 0, 0, 0, 0, false, [error]);

    async Task<ImportResult> ImportAsync(TableFile file, int? fiscalYearOption, string actor, bool dryRun, bool allowNewPrograms, CancellationToken ct)
    {
        using var records = file.ReadRecords().Where(r => !r.IsBlank).GetEnumerator();
        if (!records.MoveNext())
        {
            throw new FileErrorException(file.Error(null, null, "空のファイルです。タイトル行・見出し行・事業の行が必要です。"));
        }

        string? title = null;
        var titleLine = records.Current.Line;
        if (!LooksLikeHeader(records.Current))
        {
            var nonEmpty = records.Current.Fields.Select((f, i) => (f, i)).Where(x => x.f.Length > 0).ToList();
            if (nonEmpty.Count > 1)
            {
                throw new FileErrorException(file.Error(records.Current.Line, null,
                    "見出し行（事業名・事業概要及び計画内容・実績・実績に対する評価・担当局）がありません。"));
            }
            title = nonEmpty[0].f;
            // Lines of one cell between the title and the header are the heading's notes (公表版 第2版, 【】内は前年度…,
            // as Tsunagu's own xlsx prints them): read past.
            do
            {
                if (!records.MoveNext())
                {
                    throw new FileErrorException(file.Error(titleLine, null, "タイトルの後に見出し行がありません。"));
                }
            }
            while (!LooksLikeHeader(records.Current) && records.Current.Fields.Count(f => f.Length > 0) == 1);
        }

        var header = records.Current;
        var columns = ReadHeader(file, header);
        var fiscalYear = fiscalYearOption
            ?? (title is null ? null : FiscalYears.FindIn(title))
            ?? header.Fields.Select(FiscalYears.FindIn).FirstOrDefault(y => y is not null)
            ?? throw new FileErrorException(file.Error(titleLine, null,
                "年度を判別できません。タイトルか見出しに「令和6年度」のように書くか、--fiscal-year で指定してください。"));
        // 令和99年度 is a typo, not a plan.
        if (!CityClock.IsInFiscalYearRange(fiscalYear, time))
        {
            var (first, last) = CityClock.FiscalYearRange(time);
            throw new FileErrorException(file.Error(titleLine, null,
                $"{FiscalYears.LabelWithWestern(fiscalYear)}は取り込めません（{FiscalYears.Label(first)}から{FiscalYears.Label(last)}まで）。"));
        }
        var known = await db.Programs.AsNoTracking().Select(p => new { p.NameKey, p.Name }).ToListAsync(ct);
        var knownKeys = known.Select(p => p.NameKey).ToHashSet();

        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);

        var report = await db.Reports.SingleOrDefaultAsync(r => r.FiscalYear == fiscalYear, ct);
        var replaced = report is not null;
        var previousTitle = report?.Title;
        var before = dryRun && report is not null ? await RowsOfAsync(report.Id, ct) : [];
        if (report is null)
        {
            report = new AnnualReport { FiscalYear = fiscalYear };
            db.Reports.Add(report);
        }
        else
        {
            report.EnsureReplaceable();
            await db.ReportRows.Where(r => r.ReportId == report.Id).ExecuteDeleteAsync(ct);
            await db.ReportColumns.Where(c => c.ReportId == report.Id).ExecuteDeleteAsync(ct);
            await db.ProgramBureaus.Where(b => b.FiscalYear == fiscalYear).ExecuteDeleteAsync(ct);
            // The figures of the replaced text go with it, hand edits included; figures computed from records stay.
            await db.IndicatorValues
                .Where(v => v.FiscalYear == fiscalYear && v.Source != IndicatorSource.Computed)
                .ExecuteDeleteAsync(ct);
        }
        report.Title = title;
        report.SourceFile = file.Name;
        var version = report.Touch(now);
        report.Columns = columns.Select((c, i) => new ReportColumn { Position = i, Role = c.Role, Header = c.Header }).ToList();
        await db.SaveChangesAsync(ct);
        var reportId = report.Id;

        // A later year's table describes the program as it is now; an older year must not overwrite that.
        var laterYearExists = await db.Reports.AnyAsync(r => r.FiscalYear > fiscalYear, ct);
        var nextCode = await NextProgramNumberAsync(ct);
        var firstNewCode = nextCode;
        var bureaus = await db.Bureaus.ToDictionaryAsync(b => b.Name, b => b.Id, ct);

        var errors = new List<FileError>();
        var seen = new Dictionary<string, int>();
        var batch = new List<ReportRow>(BatchSize);
        var rows = 0;
        var newPrograms = 0;
        var figures = 0;

        async Task FlushAsync()
        {
            if (errors.Count > 0 || batch.Count == 0)
            {
                batch.Clear();
                return;
            }
            var keys = batch.Select(b => JapaneseText.MatchKey(b.ProgramName)).ToList();
            var existing = await db.Programs.Where(p => keys.Contains(p.NameKey)).ToDictionaryAsync(p => p.NameKey, ct);
            var pending = new List<(ReportRow Row, SupportProgram Program)>();
            for (var i = 0; i < batch.Count; i++)
            {
                var row = batch[i];
                if (!existing.TryGetValue(keys[i], out var program))
                {
                    program = new SupportProgram
                    {
                        Code = SupportProgram.CodeFor(nextCode++),
                        Name = JapaneseText.FoldWrapSpaces(row.ProgramName),
                        NameKey = keys[i],
                    };
                    db.Programs.Add(program);
                    newPrograms++;
                }
                if (!laterYearExists || program.Id == 0)
                {
                    program.Overview = row.Overview;
                }
                row.Program = program;
                db.ReportRows.Add(row);
                pending.Add((row, program));
            }
            await db.SaveChangesAsync(ct);

            foreach (var (row, program) in pending)
            {
                var position = 0;
                foreach (var figure in FigureParser.Parse(row.Results).Figures)
                {
                    db.IndicatorValues.Add(IndicatorValue.Imported(program.Id, fiscalYear, position++, figure, now));
                    figures++;
                }
                position = 0;
                var rowBureaus = BureauParser.Parse(row.Bureau);
                if (!laterYearExists && rowBureaus.Count > 0)
                {
                    program.Body = rowBureaus.Any(b => b.Name == "教育局") ? GoverningBody.EducationBoard : GoverningBody.Mayor;
                }
                foreach (var bureau in rowBureaus)
                {
                    if (!bureaus.TryGetValue(bureau.Name, out var bureauId))
                    {
                        var created = new Bureau { Name = bureau.Name };
                        db.Bureaus.Add(created);
                        await db.SaveChangesAsync(ct);
                        bureaus[bureau.Name] = bureauId = created.Id;
                    }
                    db.ProgramBureaus.Add(new ProgramBureau
                    {
                        ProgramId = program.Id,
                        FiscalYear = fiscalYear,
                        Position = position++,
                        BureauId = bureauId,
                        Scope = bureau.Scope,
                    });
                }
            }
            await db.SaveChangesAsync(ct);
            // Flat memory on large tables: nothing from earlier batches stays tracked.
            db.ChangeTracker.Clear();
            batch.Clear();
        }

        while (records.MoveNext() && errors.Count < MaxErrors)
        {
            var record = records.Current;
            var row = ReadRow(file, record, columns, errors);
            if (row is null)
            {
                continue;
            }
            var key = JapaneseText.MatchKey(row.ProgramName);
            if (seen.TryGetValue(key, out var firstLine))
            {
                errors.Add(file.Error(record.Line, columns.FindIndex(c => c.Role == ReportColumnRole.Program),
                    $"同じ事業が {firstLine}行目にもあります。1つの表に同じ事業は1行だけです。"));
                continue;
            }
            seen[key] = record.Line;
            if (!allowNewPrograms && known.Count > 0 && !knownKeys.Contains(key))
            {
                var nearest = known.MinBy(p => Quickenshtein.Levenshtein.GetDistance(p.NameKey, key))!;
                var similar = Quickenshtein.Levenshtein.GetDistance(nearest.NameKey, key) <= Math.Max(2, key.Length / 5);
                errors.Add(file.Error(record.Line, columns.FindIndex(c => c.Role == ReportColumnRole.Program),
                    (similar ? $"登録済みの「{nearest.Name}」と似ていますが、一致しない事業名です（誤字ではありませんか）。" : "登録されていない事業名です。")
                    + "新しい事業として取り込むときは、新しい事業を作ることを指定してください（--new-programs）。"));
                continue;
            }
            row.ReportId = reportId;
            row.Version = version;
            row.Position = rows++;
            batch.Add(row);
            if (batch.Count == BatchSize)
            {
                await FlushAsync();
            }
        }
        await FlushAsync();

        if (rows == 0 && errors.Count == 0)
        {
            errors.Add(file.Error(header.Line, null, "見出し行の後に事業の行がありません。"));
        }
        if (errors.Count > 0)
        {
            await transaction.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return new ImportResult(fiscalYear, 0, 0, 0, replaced, errors);
        }
        if (dryRun)
        {
            var preview = new ImportPreview(title, replaced && previousTitle != title, Compare(before, await RowsOfAsync(reportId, ct), firstNewCode));
            await transaction.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return new ImportResult(fiscalYear, rows, newPrograms, figures, replaced, errors, preview);
        }
        db.Audit(time, actor, AuditActions.ReportImport, fiscalYear, subject: file.Name, after: $"{rows} 事業");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new ImportResult(fiscalYear, rows, newPrograms, figures, replaced, errors);
    }

    sealed record RowText(string Code, string Name, string[] Cells);

    async Task<List<RowText>> RowsOfAsync(int reportId, CancellationToken ct) =>
        (await db.ReportRows.AsNoTracking().Where(r => r.ReportId == reportId).OrderBy(r => r.Position)
            .Select(r => new { r.Program.Code, r.ProgramName, r.Overview, r.Results, r.Evaluation, r.Bureau })
            .ToListAsync(ct))
        .Select(r => new RowText(r.Code, r.ProgramName, [r.ProgramName, r.Overview, r.Results, r.Evaluation, r.Bureau]))
        .ToList();

    static List<ProgramChange> Compare(List<RowText> before, List<RowText> after, int firstNewCode)
    {
        var old = before.ToDictionary(r => r.Code);
        var changes = new List<ProgramChange>();
        foreach (var row in after)
        {
            var created = int.TryParse(row.Code.AsSpan(1), out var number) && number >= firstNewCode;
            if (!old.Remove(row.Code, out var previous))
            {
                changes.Add(new ProgramChange(created ? null : row.Code, row.Name, ChangeKind.Added, []));
                continue;
            }
            var columns = Enum.GetValues<ReportColumnRole>().Where(role => previous.Cells[(int)role] != row.Cells[(int)role]).ToList();
            changes.Add(new ProgramChange(row.Code, row.Name, columns.Count == 0 ? ChangeKind.Unchanged : ChangeKind.Changed, columns));
        }
        changes.AddRange(old.Values.Select(r => new ProgramChange(r.Code, r.Name, ChangeKind.Removed, [])));
        return changes;
    }

    async Task<int> NextProgramNumberAsync(CancellationToken ct)
    {
        // Codes are P + number; the highest one decides the next, so codes are never reused.
        var codes = await db.Programs.Select(p => p.Code).ToListAsync(ct);
        var max = codes.Select(c => int.TryParse(c.AsSpan(1), out var n) ? n : 0).DefaultIfEmpty(0).Max();
        return max + 1;
    }

    static ReportRow? ReadRow(TableFile file, TableRecord record, List<HeaderColumn> columns, List<FileError> errors)
    {
        var fields = record.Fields;
        // A formula's text is what the last computer to open the file made of it, not what the bureau wrote.
        if (record.Formulas is [var formula, ..])
        {
            errors.Add(file.Error(record.Line, formula, "数式のセルです。値として貼り付けてから取り込んでください。"));
            return null;
        }
        if (file.Format != TableFormat.Xlsx && fields.Count != columns.Count)
        {
            errors.Add(file.Error(record.Line, Math.Min(fields.Count, columns.Count),
                $"項目の数が {fields.Count} 個です。見出しと同じ {columns.Count} 個にしてください。"));
            return null;
        }
        // A spreadsheet leaves trailing empty cells out, but a value right of the table is a mistake.
        for (var i = columns.Count; i < fields.Count; i++)
        {
            if (fields[i].Length > 0)
            {
                errors.Add(file.Error(record.Line, i, $"見出しのない列に値があります（表は {columns.Count} 列です）。"));
                return null;
            }
        }
        var row = new ReportRow();
        for (var i = 0; i < columns.Count; i++)
        {
            var text = i < fields.Count ? fields[i] : "";
            // A printed table (the city's, or Tsunagu's own xlsx) carries last year's values in 【】: they are last
            // year's figures, not this year's, and are added again on the way out.
            row.SetCell(columns[i].Role, columns[i].Role == ReportColumnRole.Results ? ReportView.WithoutPreviousYear(text) : text);
        }
        if (string.IsNullOrWhiteSpace(row.ProgramName))
        {
            errors.Add(file.Error(record.Line, columns.FindIndex(c => c.Role == ReportColumnRole.Program), "事業名が空です。"));
            return null;
        }
        return row;
    }

    sealed record HeaderColumn(ReportColumnRole Role, string Header);

    static bool LooksLikeHeader(TableRecord record) =>
        record.Fields.Count(f => f.Length > 0) > 1 && record.Fields.Any(f => RoleOf(f) == ReportColumnRole.Program);

    /// <summary>Columns are known by their words, so a table with its columns in another order still reads.</summary>
    static ReportColumnRole? RoleOf(string header)
    {
        var key = JapaneseText.MatchKey(header);
        // 「実績に対する評価」 also contains 実績: evaluation is tested first.
        if (key.Contains("評価"))
        {
            return ReportColumnRole.Evaluation;
        }
        if (key.Contains("実績"))
        {
            return ReportColumnRole.Results;
        }
        if (key.Contains("概要") || key.Contains("計画"))
        {
            return ReportColumnRole.Overview;
        }
        if (key.Contains("担当") || key.Contains("所管"))
        {
            return ReportColumnRole.Bureau;
        }
        return key.Contains("事業名") || key == "事業" ? ReportColumnRole.Program : null;
    }

    static List<HeaderColumn> ReadHeader(TableFile file, TableRecord header)
    {
        var fields = header.Fields.ToList();
        while (fields.Count > 0 && fields[^1].Length == 0)
        {
            fields.RemoveAt(fields.Count - 1);
        }
        if (!fields.Any(f => RoleOf(f) == ReportColumnRole.Program))
        {
            throw new FileErrorException(file.Error(header.Line, null,
                "見出し行（事業名・事業概要及び計画内容・実績・実績に対する評価・担当局）がありません。"));
        }
        var columns = new List<HeaderColumn>();
        for (var i = 0; i < fields.Count; i++)
        {
            var role = RoleOf(fields[i]) ?? throw new FileErrorException(file.Error(header.Line, i,
                fields[i].Length == 0 ? "見出しが空です。" : $"見出し「{fields[i]}」が分かりません。"));
            if (columns.Any(c => c.Role == role))
            {
                throw new FileErrorException(file.Error(header.Line, i, $"「{role.Japanese()}」の列が2つあります。"));
            }
            columns.Add(new HeaderColumn(role, fields[i]));
        }
        var missing = Enum.GetValues<ReportColumnRole>().Where(r => columns.All(c => c.Role != r)).ToList();
        if (missing.Count > 0)
        {
            throw new FileErrorException(file.Error(header.Line, null,
                $"見出しに{string.Join("・", missing.Select(m => $"「{m.Japanese()}」"))}の列がありません。"));
        }
        return columns;
    }
}
