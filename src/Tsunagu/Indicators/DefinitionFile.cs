using Microsoft.EntityFrameworkCore;
using Tsunagu.Data;
using Tsunagu.Japanese;
using Tsunagu.Reports.Files;

namespace Tsunagu.Indicators;

/// <summary>What loading a definitions file did: definitions saved, programs left as they were, or what is wrong.</summary>
public sealed record DefinitionFileResult(int Saved, IReadOnlyList<string> Skipped, IReadOnlyList<FileError> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// A city's indicator definitions as a table (.csv or .xlsx), one row per figure in the order the 実績 cell prints
/// them: 事業名, キー, 指標名, 単位, 数え方, and optionally 条件, 分子, 分母, 小数, 表記, 実績欄 (載せる / 載せない). Each row is
/// saved through <see cref="IndicatorDefinitions.SaveAsync"/> from the given year, with the same checks as the page;
/// a program that already has definitions in force that year is left as it is (its planners change it on the page).
/// Any bad row: nothing is written. The demo city loads Indicators/Data/definitions.csv, the city's own way of
/// counting its published table, this way too.
/// </summary>
public sealed class DefinitionFile(TsunaguDb db, IndicatorDefinitions definitions)
{
    static readonly string[] Required = ["事業名", "キー", "指標名", "単位", "数え方"];
    static readonly string[] Headings = [.. Required, "条件", "分子", "分母", "小数", "表記", "実績欄"];

    sealed record Row(int Line, string ProgramName, DefinitionInput Input);

    public async Task<DefinitionFileResult> LoadAsync(string path, int fromYear, string actor, CancellationToken ct = default)
    {
        var errors = new List<FileError>();
        var rows = new List<Row>();
        TableFile? file = null;
        try
        {
            file = TableFile.Open(path);
            var records = file.ReadRecords().Where(r => !r.IsBlank);
            var header = records.FirstOrDefault() ?? throw new FileErrorException(file.Error(null, null, "空のファイルです。"));
            // Every heading's place, found once for the whole file.
            var columns = Headings.ToDictionary(h => h, header.ColumnOf);
            int Column(string name) => columns[name];
            if (Required.Where(c => Column(c) < 0).ToList() is { Count: > 0 } missing)
            {
                throw new FileErrorException(file.Error(header.Line, null, $"見出しに{string.Join("・", missing.Select(m => $"「{m}」"))}の列がありません。"));
            }
            foreach (var record in records.Skip(1))
            {
                string? Cell(string name) => Column(name) is var i and >= 0 && i < record.Fields.Count && record.Fields[i].Trim() is { Length: > 0 } value ? value : null;
                var measureText = Cell("数え方") ?? "";
                var decimalsText = Cell("小数") ?? "0";
                var inResults = Cell("実績欄") ?? "載せる";
                if (MeasureText.Parse(measureText) is not { } measure)
                {
                    errors.Add(file.Error(record.Line, Column("数え方"),
                        $"数え方: 「{measureText}」が分かりません（{string.Join("・", Enum.GetValues<MeasureKind>().Select(k => k.Japanese()))}）。"));
                }
                else if (!int.TryParse(decimalsText.Normalize(System.Text.NormalizationForm.FormKC), out var decimals))
                {
                    errors.Add(file.Error(record.Line, Column("小数"), $"小数: 「{decimalsText}」は桁数ではありません。"));
                }
                else if (inResults is not ("載せる" or "載せない"))
                {
                    errors.Add(file.Error(record.Line, Column("実績欄"), $"実績欄: 「{inResults}」ではなく「載せる」か「載せない」と書いてください。"));
                }
                else
                {
                    rows.Add(new Row(record.Line, Cell("事業名") ?? "", new DefinitionInput(
                        "", Cell("キー") ?? "", fromYear, 0, Cell("指標名") ?? "", Cell("単位") ?? "", measure, Cell("条件"), Cell("分子"), Cell("分母"),
                        decimals, Cell("表記"), InResults: inResults == "載せる")));
                }
                if (errors.Count >= 100)
                {
                    break;
                }
            }
        }
        catch (FileErrorException e)
        {
            errors.Add(e.Error);
        }
        if (errors.Count > 0 || file is null)
        {
            return new DefinitionFileResult(0, [], errors);
        }

        var programs = await db.Programs.AsNoTracking().ToDictionaryAsync(p => p.NameKey, ct);
        foreach (var row in rows.Where(r => !programs.ContainsKey(JapaneseText.MatchKey(r.ProgramName))))
        {
            errors.Add(file.Error(row.Line, null, $"事業名: 「{row.ProgramName}」という事業はありません（先に実績表を取り込んでください）。"));
        }
        if (errors.Count > 0)
        {
            return new DefinitionFileResult(0, [], errors);
        }

        var (saved, skipped) = (0, new List<string>());
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var program in rows.GroupBy(r => programs[JapaneseText.MatchKey(r.ProgramName)]))
        {
            if ((await definitions.InForceAsync(fromYear, program.Key.Id, ct)).Count > 0)
            {
                skipped.Add(program.Key.Name);
                continue;
            }
            foreach (var (row, position) in program.Select((r, i) => (r, i)))
            {
                try
                {
                    await definitions.SaveAsync(row.Input with { ProgramCode = program.Key.Code, Position = position }, actor, ct);
                    saved++;
                }
                catch (DefinitionException e)
                {
                    errors.Add(file.Error(row.Line, null, e.Message));
                }
            }
        }
        if (errors.Count > 0)
        {
            // Rolled back when the transaction is disposed; nothing of the file stays.
            db.ChangeTracker.Clear();
            return new DefinitionFileResult(0, [], errors);
        }
        await transaction.CommitAsync(ct);
        return new DefinitionFileResult(saved, skipped, []);
    }
}
