using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Calendar;
using Tsunagu.Data;

namespace Tsunagu.Reports;

/// <summary>The `report` verbs: import, export, check, list, status, correct.</summary>
public static class ReportCommands
{
    public static Command Create(Cli cli)
    {
        var report = new Command("report", "年次実績報告（主な施策の実績表）");

        var file = new Argument<FileInfo>("FILE") { Description = ".xlsx、.csv、.tsv のファイル" };
        var importYear = Cli.FiscalYearOption(required: false);
        var reportDryRun = new Option<bool>("--dry-run") { Description = "書き込まずに、取り込んだ場合の結果だけを表示します" };
        var newPrograms = new Option<bool>("--new-programs")
        {
            Description = "登録されていない事業名を新しい事業として作ります（指定しないと、一覧して何も書き込みません。誤字が新しい事業にならないように）",
        };
        var import = new Command("import", "実績表を取り込みます。同じ年度の下書きは置き換えます。") { file, importYear, reportDryRun, newPrograms };
        import.SetAction((result, ct) => cli.WithDatabaseAsync(DatabaseUse.Writes, ct, async (services, db) =>
        {
            var fiscalYear = result.GetValue(importYear);
            var dryRun = result.GetValue(reportDryRun);
            var outcome = await services.GetRequiredService<ReportImporter>()
                .ImportAsync(result.GetValue(file)!.FullName, fiscalYear == 0 ? null : fiscalYear, Cli.Actor, dryRun, result.GetValue(newPrograms), ct);
            if (!outcome.Succeeded)
            {
                return await cli.RefuseFileAsync(outcome.Errors);
            }
            if (dryRun)
            {
                await cli.Io.Out.WriteLineAsync(
                    $"（確認のみ・書き込みなし）{FiscalYears.LabelWithWestern(outcome.FiscalYear)}: {outcome.Rows} 事業を{(outcome.Replaced ? "取り込み直します" : "取り込みます")}" +
                    $"（新しい事業 {outcome.NewPrograms}、数値 {outcome.Figures} 件）。");
                return 0;
            }
            var findings = await ReportChecks.RunAsync(db, outcome.FiscalYear, ReportChecks.DefaultMaxChange, ct);
            await cli.Io.Out.WriteLineAsync(
                $"{FiscalYears.LabelWithWestern(outcome.FiscalYear)}: {outcome.Rows} 事業を{(outcome.Replaced ? "取り込み直しました" : "取り込みました")}" +
                $"（新しい事業 {outcome.NewPrograms}、数値 {outcome.Figures} 件）。");
            if (findings.Count > 0)
            {
                await cli.Io.Out.WriteLineAsync(
                    $"データ品質の指摘が {findings.Count} 件あります: tsunagu report check --fiscal-year {outcome.FiscalYear}");
            }
            return 0;
        }));

        var exportYear = Cli.FiscalYearOption(required: true);
        var format = new Option<string>("--format")
        {
            Description = "tsv | csv | xlsx | json | html | figures-csv | figures-xlsx（figures-* は数値を1行1件で。オープンデータ用）",
            Required = true,
        };
        format.AcceptOnlyFromAmong([.. ExportFormats.Names]);
        var output = new Option<FileInfo?>("--out") { Description = "書き出し先（省略すると標準出力）" };
        var encoding = new Option<string>("--encoding")
        {
            Description = "utf-8（既定）| cp932（csv・tsv・figures-csv のみ）",
            DefaultValueFactory = _ => "utf-8",
        };
        encoding.AcceptOnlyFromAmong(ExportFormats.EncodingNames);
        var version = new Option<int?>("--published-version") { Description = "公表版の版番号（省略すると現在の内容）" };
        var withoutPreviousYear = new Option<bool>("--without-previous-year")
        {
            Description = "実績欄に前年度の値【】を付けません（xlsx・csv・html。tsv は取り込んだ表のまま、付けません）",
        };
        var export = new Command("export", "実績表を書き出します。") { exportYear, format, output, encoding, version, withoutPreviousYear };
        export.SetAction((result, ct) => cli.WithDatabaseAsync(DatabaseUse.Reads, ct, async (services, db) =>
        {
            var reader = services.GetRequiredService<ReportReader>();
            var year = result.GetValue(exportYear);
            var table = result.GetValue(version) is { } v
                ? await reader.ReadPublishedAsync(year, v, ct)
                : await reader.ReadAsync(year, ct);
            var options = new ExportOptions(
                City.From(services.GetRequiredService<IConfiguration>()),
                ExportFormats.ParseEncoding(result.GetValue(encoding))!.Value,
                PreviousYear: !result.GetValue(withoutPreviousYear));
            var exportFormat = ExportFormats.Parse(result.GetValue(format))!.Value;
            if (result.GetValue(output) is { } target)
            {
                // Written beside the target and moved into place, so a failed export never leaves half a file.
                var temp = Path.Combine(target.DirectoryName ?? ".", $".{target.Name}.{Guid.NewGuid():N}.tmp");
                try
                {
                    await using (var stream = File.Create(temp))
                    {
                        await ReportExporter.WriteAsync(table, exportFormat, options, stream, ct);
                    }
                    File.Move(temp, target.FullName, overwrite: true);
                }
                finally
                {
                    File.Delete(temp);
                }
                await cli.Io.Error.WriteLineAsync($"{target.FullName} に書き出しました。");
            }
            else
            {
                await using var stdout = cli.Io.OpenStandardOutput();
                await ReportExporter.WriteAsync(table, exportFormat, options, stdout, ct);
            }
            return 0;
        }));

        var checkYear = Cli.FiscalYearOption(required: true);
        var maxChange = new Option<double>("--max-change")
        {
            Description = "前年度からの変化をこの割合より大きいと指摘します（既定 0.5 = ±50%）",
            DefaultValueFactory = _ => ReportChecks.DefaultMaxChange,
        };
        var check = new Command("check", "データ品質の指摘を1行に1件ずつ表示します（事業コード・事業名・列・種類・内容・該当テキスト）。")
        {
            checkYear, maxChange,
        };
        check.SetAction((result, ct) => cli.WithDatabaseAsync(DatabaseUse.Reads, ct, async (_, db) =>
        {
            var findings = await ReportChecks.RunAsync(db, result.GetValue(checkYear), result.GetValue(maxChange), ct);
            foreach (var finding in findings)
            {
                await cli.Io.Out.WriteLineAsync(finding.ToString());
            }
            await cli.Io.Error.WriteLineAsync($"指摘 {findings.Count} 件");
            return 0;
        }));

        var list = new Command("list", "取り込んだ年度と状態を一覧します。");
        list.SetAction((result, ct) => cli.WithDatabaseAsync(DatabaseUse.Reads, ct, async (_, db) =>
        {
            var reports = await db.Reports.AsNoTracking().OrderBy(r => r.FiscalYear)
                .Select(r => new { r.FiscalYear, r.Status, r.Title, Rows = r.Rows.Count })
                .ToListAsync(ct);
            foreach (var r in reports)
            {
                await cli.Io.Out.WriteLineAsync($"{r.FiscalYear}\t{FiscalYears.Label(r.FiscalYear)}\t{r.Status.Japanese()}\t{r.Rows}事業\t{r.Title}");
            }
            return 0;
        }));

        var statusYear = Cli.FiscalYearOption(required: true);
        var to = new Option<string?>("--to") { Description = "移す状態: 下書き・局確認・取りまとめ・会議資料確定・公表（英名も可）" };
        var reason = new Option<string?>("--reason") { Description = "差し戻しや訂正の理由" };
        var status = new Command("status", "報告の状態を表示し、--to で次の段階へ進めます。") { statusYear, to, reason };
        status.SetAction((result, ct) => cli.WithDatabaseAsync(DatabaseUse.Writes, ct, async (services, db) =>
        {
            var year = result.GetValue(statusYear);
            if (result.GetValue(to) is { } target)
            {
                var next = ReportText.ParseStatus(target)
                    ?? throw new ReportRuleException($"状態「{target}」は分かりません。下書き・局確認・取りまとめ・会議資料確定・公表のいずれかです。");
                await services.GetRequiredService<ReportWorkflow>().MoveAsync(year, next, Cli.Actor, result.GetValue(reason), ct: ct);
            }
            var report = await db.Reports.AsNoTracking().Include(r => r.StatusChanges).Include(r => r.Publications)
                .SingleOrDefaultAsync(r => r.FiscalYear == year, ct) ?? throw new ReportNotFoundException(year);
            await cli.Io.Out.WriteLineAsync($"{FiscalYears.LabelWithWestern(year)}: {report.Status.Japanese()}");
            foreach (var change in report.StatusChanges.OrderBy(c => c.Id))
            {
                await cli.Io.Out.WriteLineAsync($"  {change.At:yyyy-MM-dd HH:mm} {change.From.Japanese()} → {change.To.Japanese()} {change.By} {change.Reason}");
            }
            foreach (var publication in report.Publications.OrderBy(p => p.Version))
            {
                await cli.Io.Out.WriteLineAsync($"  公表版 第{publication.Version}版 {publication.PublishedAt:yyyy-MM-dd HH:mm} {publication.By} {publication.Reason}");
            }
            return 0;
        }));

        var correctYear = Cli.FiscalYearOption(required: true);
        var program = new Option<string>("--program") { Description = "事業コード（例: P006）", Required = true };
        var column = new Option<ReportColumnRole>("--column") { Description = "overview | results | evaluation | bureau", Required = true };
        var text = new Option<string>("--text") { Description = "訂正後のセルの文", Required = true };
        var correctionReason = new Option<string>("--reason") { Description = "訂正の理由", Required = true };
        var correct = new Command("correct", "公表済みの報告のセルを理由を付けて訂正し、新しい公表版にします。")
        {
            correctYear, program, column, text, correctionReason,
        };
        correct.SetAction((result, ct) => cli.WithDatabaseAsync(DatabaseUse.Writes, ct, async (services, db) =>
        {
            var newVersion = await services.GetRequiredService<ReportWorkflow>().CorrectCellAsync(
                result.GetValue(correctYear), result.GetValue(program)!, result.GetValue(column), result.GetValue(text)!,
                Cli.Actor, result.GetValue(correctionReason)!, ct);
            await cli.Io.Out.WriteLineAsync($"訂正しました。公表版 第{newVersion}版です（前の版は --published-version で読めます）。");
            return 0;
        }));

        report.Subcommands.Add(import);
        report.Subcommands.Add(export);
        report.Subcommands.Add(check);
        report.Subcommands.Add(list);
        report.Subcommands.Add(status);
        report.Subcommands.Add(correct);
        return report;
    }
}
