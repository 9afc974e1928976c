using System.CommandLine;
using System.Text.Json;
using Tsunagu.Calendar;
using Tsunagu.Data;

namespace Tsunagu.Indicators;

/// <summary>The `indicators` verbs: compute, list, breakdown.</summary>
public static class IndicatorCommands
{
    public static Command Create(Cli cli)
    {
        var computeYear = Cli.FiscalYearOption(required: true);
        var compute = new Command("compute", "その年度のすべての指標を記録から集計し、下書きの実績欄に書き込みます（確認中・公表済みの年度は比べるだけです）。")
        {
            computeYear,
        };
        compute.SetAction((result, ct) => cli.WithDatabaseAsync(DatabaseUse.Writes, ct, async (services, _) =>
        {
            var computed = await services.GetRequiredService<FigureComputation>().RunAsync(result.GetValue(computeYear), Cli.Actor, ct);
            foreach (var f in computed.Figures)
            {
                await cli.Io.Out.WriteLineAsync($"{f.ProgramCode}\t{f.Definition.Label}\t{f.Explain()}\t{IndicatorDefinitions.Describe(f.Definition)}");
            }
            foreach (var (code, note) in computed.Applied.Notes)
            {
                await cli.Io.Out.WriteLineAsync($"{code}\t{note}");
            }
            await cli.Io.Out.WriteLineAsync(computed.Summary);
            return 0;
        }));
        var listYear = Cli.FiscalYearOption(required: true);
        var list = new Command("list", "その年度に使う指標の定義を一覧します。") { listYear };
        list.SetAction((result, ct) => cli.WithDatabaseAsync(DatabaseUse.Reads, ct, async (services, _) =>
        {
            foreach (var d in await services.GetRequiredService<IndicatorDefinitions>().InForceAsync(result.GetValue(listYear), ct: ct))
            {
                await cli.Io.Out.WriteLineAsync($"{d.Program.Code}\t{d.Key}\t{IndicatorDefinitions.Describe(d)}");
            }
            return 0;
        }));
        var breakdownYear = Cli.FiscalYearOption(required: true);
        var program = new Option<string>("--program") { Description = "事業コード（例: P006）", Required = true };
        var by = new Option<string>("--by") { Description = "区・事業所・学校種・分類", Required = true };
        var keys = new Option<string?>("--figures") { Description = "指標のキーをカンマ区切りで（省略時は分けられるものすべて）" };
        var rowTotals = new Option<bool>("--row-totals") { Description = "行の合計も載せる（指標が互いに重ならないときだけ意味があります）" };
        var unsuppressed = new Option<bool>("--unsuppressed") { Description = "秘匿せずに表示する（庁内の確認用。公表しないでください）" };
        var breakdownFormat = new Option<string>("--format")
        {
            Description = "tsv（既定。表の形で表示）| csv | xlsx（オープンデータの形: 1行に1つの値。xlsx は凡例のシート付き。--out が必要）",
            DefaultValueFactory = _ => "tsv",
        };
        breakdownFormat.AcceptOnlyFromAmong("tsv", "csv", "xlsx");
        var breakdownOut = new Option<FileInfo?>("--out") { Description = "csv・xlsx の書き出し先" };
        var breakdown = new Command("breakdown", "指標の内訳表を表示・書き出します。小さな値は秘匿し、合計から分からないよう二次秘匿します。")
        {
            breakdownYear, program, by, keys, rowTotals, unsuppressed, breakdownFormat, breakdownOut,
        };
        breakdown.SetAction((result, ct) => cli.WithDatabaseAsync(DatabaseUse.Reads, ct, async (services, db) =>
        {
            var year = result.GetValue(breakdownYear);
            var dimension = BreakdownText.Parse(result.GetValue(by)!) ?? throw new RefusalException(RefusalKind.Invalid, "--by は 区・事業所・学校種・分類 のどれかです。");
            var inForce = (await services.GetRequiredService<IndicatorDefinitions>().InForceAsync(year, ct: ct))
                .Where(d => d.Program.Code == result.GetValue(program)).ToList();
            var wanted = result.GetValue(keys)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var figures = wanted is null
                ? inForce
                : [.. wanted.Select(k => inForce.FirstOrDefault(d => d.Key == k) ?? throw new RefusalException(RefusalKind.Invalid, $"指標「{k}」はこの事業の{FiscalYears.Label(year)}の指標にありません。"))];
            var table = await services.GetRequiredService<Breakdowns>().ComputeAsync(year, figures, dimension, result.GetValue(rowTotals), ct);
            var show = result.GetValue(unsuppressed);
            if (result.GetValue(breakdownFormat) is "csv" or "xlsx")
            {
                if (show)
                {
                    throw new RefusalException(RefusalKind.Invalid, "--unsuppressed の内訳は書き出せません（書き出すのは公表する秘匿済みの表だけです）。");
                }
                var target = result.GetValue(breakdownOut) ?? throw new RefusalException(RefusalKind.Invalid, "csv・xlsx には書き出し先 --out が必要です。");
                await using (var file = File.Create(target.FullName))
                {
                    await BreakdownExport.WriteAsync(table, year, City.From(services.GetRequiredService<IConfiguration>()),
                        result.GetValue(breakdownFormat) == "xlsx" ? BreakdownFormat.Xlsx : BreakdownFormat.Csv, file, ct);
                }
                await cli.Io.Error.WriteLineAsync($"{target.FullName} に書き出しました。");
                return 0;
            }
            var t = table.Table;
            await cli.Io.Out.WriteLineAsync(string.Join('\t', [table.DimensionLabel, .. table.Figures.Select(f => $"{f.Label}（{f.Unit}）"), .. t.HasRowTotals ? ["合計"] : Array.Empty<string>()]));
            for (var r = 0; r < t.Rows; r++)
            {
                await cli.Io.Out.WriteLineAsync(string.Join('\t', [table.Rows[r], .. Enumerable.Range(0, t.Columns).Select(c => table.Show(r * t.Columns + c, show)),
                    .. t.HasRowTotals ? [table.Show(t.RowTotalIndex(r), show)] : Array.Empty<string>()]));
            }
            await cli.Io.Out.WriteLineAsync(string.Join('\t', ["合計", .. Enumerable.Range(0, t.Columns).Select(c => table.Show(t.ColumnTotalIndex(c), show)),
                .. t.HasRowTotals ? [table.Show(t.GrandTotalIndex, show)] : Array.Empty<string>()]));
            await cli.Io.Out.WriteLineAsync(show ? "（秘匿していません。公表しないでください）" : table.Legend);
            foreach (var note in table.Notes)
            {
                await cli.Io.Error.WriteLineAsync(note);
            }
            return 0;
        }));
        var loadFile = new Argument<FileInfo>("FILE") { Description = "指標の定義の表（.csv / .xlsx、見出し: 事業名・キー・指標名・単位・数え方 ほか）" };
        var loadYear = Cli.FiscalYearOption(required: true);
        var load = new Command("load", "指標の定義を表から読み込み、その年度から使います（すでに定義のある事業はそのままにします）。") { loadFile, loadYear };
        load.SetAction((result, ct) => cli.WithDatabaseAsync(DatabaseUse.Writes, ct, async (services, _) =>
        {
            var year = result.GetValue(loadYear);
            var loaded = await services.GetRequiredService<DefinitionFile>().LoadAsync(result.GetValue(loadFile)!.FullName, year, Cli.Actor, ct);
            if (!loaded.Succeeded)
            {
                return await cli.RefuseFileAsync(loaded.Errors);
            }
            foreach (var program in loaded.Skipped)
            {
                await cli.Io.Out.WriteLineAsync($"{program}: {FiscalYears.Label(year)}の定義がすでにあるので、そのままにしました。");
            }
            await cli.Io.Out.WriteLineAsync($"{FiscalYears.Label(year)}から使う指標の定義を {loaded.Saved} 件保存しました。");
            return 0;
        }));
        return new Command("indicators", "指標の定義と記録からの集計") { compute, list, breakdown, load, Parse(cli) };
    }

    /// <summary>
    /// `indicators parse TEXT`: the figures in a 実績 text. Also answered as `metrics parse`, its name before the verbs
    /// took the glossary's words (hidden, for scripts written against it).
    /// </summary>
    public static Command Parse(Cli cli)
    {
        var text = new Argument<string>("TEXT") { Description = "実績欄の文（例: 利用者数:303人 高校進学率:99%）" };
        var parse = new Command("parse", "実績欄の文から数値を読み取り、JSON の配列で表示します。") { text };
        parse.SetAction(result =>
        {
            var figures = FigureParser.Parse(result.GetValue(text)!).Figures.Select(f => new
            {
                label = f.Label,
                value = f.Value,
                unit = f.Unit,
                basis = f.Basis,
                approximate = f.Approximate,
                text = f.Text,
                inNarrative = f.InNarrative,
            });
            cli.Io.Out.WriteLine(JsonSerializer.Serialize(figures, Reports.ReportTable.Json));
            return 0;
        });
        return parse;
    }
}
