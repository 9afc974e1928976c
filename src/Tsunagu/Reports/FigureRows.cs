using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Tsunagu.Calendar;
using Tsunagu.Indicators;

namespace Tsunagu.Reports;

/// <summary>
/// A report's figures as open data, in 総務省's 「統計表における機械判読可能なデータ作成に関する表記方法」: one row per
/// figure, the header the first row with nothing above it, one value per cell, numbers as numbers without separators,
/// the unit in a column of its own, the Western year with the 和暦 beside it, the 全国地方公共団体コード on every row,
/// no merged cells. What the columns mean is the second sheet of the xlsx (and <see cref="Columns"/>).
/// </summary>
public static class FigureRows
{
    /// <summary>Each column and what it holds.</summary>
    public static readonly (string Name, string Meaning)[] Columns =
    [
        ("年度（西暦）", "報告の年度（4月1日から翌年3月31日）の始まる年"),
        ("年度（和暦）", "同じ年度の和暦"),
        ("全国地方公共団体コード", "総務省の6桁のコード（検査数字を含む）"),
        ("地方公共団体名", "市の名称"),
        ("報告の状態", "下書き・局確認・取りまとめ・会議資料確定・公表"),
        ("公表版", "公表後の版番号（1 が公表、2 以降は訂正）。公表前は空欄"),
        ("事業コード", "事業を年度をまたいで識別するコード"),
        ("事業名", "実績表の事業名"),
        ("指標キー", "指標を年度をまたいで識別するキー（指標の定義のキー。定義のない数値は指標名）"),
        ("指標名", "実績表に書かれている名前"),
        ("値", "数値（桁区切りなし）"),
        ("単位", "人・件・回・% など"),
        ("数え方", "実人数・延べ人数・延べ件数・回数・率 など"),
        ("概数", "「約」の付いた値は 1、それ以外は 0"),
        ("出典", "集計（支援記録から集計した値）・手入力（担当者が入力した値）・取込（取り込んだ実績表の値）"),
        ("実績欄に掲載", "実績表の実績欄に書かれている値は 1、集計のみ（率の分母など）は 0"),
        ("分子の指標キー", "率の分子の指標キー（率のみ）"),
        ("分母の指標キー", "率の分母の指標キー（率のみ）"),
    ];

    public static string Japanese(this IndicatorSource source) => source switch
    {
        IndicatorSource.Computed => "集計",
        IndicatorSource.Manual => "手入力",
        _ => "取込",
    };

    /// <summary>One figure's cells; a number is a decimal, everything else text.</summary>
    static IEnumerable<object> Row(ReportHead head, City city, ReportProgram program, ReportFigure figure) =>
    [
        (decimal)head.FiscalYear, FiscalYears.Label(head.FiscalYear), city.Code, city.Name, head.Status.Japanese(),
        head.PublishedVersion is { } v ? (decimal)v : "",
        program.Code, program.Name, figure.Key ?? figure.Label, figure.Label, figure.Value, figure.Unit ?? "", figure.Basis.Japanese(),
        figure.Approximate ? 1m : 0m, figure.Source.Japanese(), figure.Printed ? 1m : 0m, figure.NumeratorKey ?? "", figure.DenominatorKey ?? "",
    ];

    /// <summary>The figures of a program an export states: every one, or those the table prints (what was published).</summary>
    static IEnumerable<ReportFigure> Stated(ReportProgram program, ExportOptions options) =>
        options.PrintedFiguresOnly ? program.Figures.Where(f => f.Printed) : program.Figures;

    public static Task WriteCsvAsync(ReportTable table, ExportOptions options, Stream output, CancellationToken ct)
    {
        async IAsyncEnumerable<object[]> Rows()
        {
            yield return [.. Columns.Select(c => (object)c.Name)];
            await foreach (var program in table.Programs().WithCancellation(ct))
            {
                foreach (var figure in Stated(program, options))
                {
                    yield return [.. Row(table.Head, options.City, program, figure)];
                }
            }
        }
        return WritePlainCsvAsync(Rows(), options.Encoding, output, ct);
    }

    /// <summary>
    /// Rows of data as csv, the first the header: a decimal a plain number (no separator), anything else text made safe
    /// for a spreadsheet. The csv twin of <see cref="XlsxReportWriter.WritePlainSheet"/>, for the figures and the breakdowns.
    /// </summary>
    public static async Task WritePlainCsvAsync(IAsyncEnumerable<object[]> rows, TextEncoding encoding, Stream output, CancellationToken ct)
    {
        await using var writer = new StreamWriter(output, ReportExporter.Delimited(encoding, tsv: false), bufferSize: 64 * 1024, leaveOpen: true);
        // Numbers must stay numbers (a negative figure would become text under CsvHelper's injection escape), so text
        // cells are made safe one by one.
        await using var csv = new CsvWriter(writer, new CsvConfiguration(CultureInfo.InvariantCulture) { NewLine = "\r\n" }, leaveOpen: true);
        await foreach (var row in rows.WithCancellation(ct))
        {
            foreach (var cell in row)
            {
                csv.WriteField(cell is decimal number ? FigureValues.Plain(number) : ReportExporter.SpreadsheetText((string)cell));
            }
            await csv.NextRecordAsync();
        }
        await csv.FlushAsync();
    }

    public static Task WriteXlsxAsync(ReportTable table, ExportOptions options, Stream output, CancellationToken ct) =>
        XlsxReportWriter.WriteWorkbookAsync(output,
        [
            new XlsxSheet("数値", 1, (stream, token) => WriteFiguresSheetAsync(table, options, stream, token)),
            new XlsxSheet("項目の説明", null, (stream, _) =>
            {
                XlsxReportWriter.WritePlainSheet(stream, [20, 80], [["項目", "内容"], .. Columns.Select(c => new object[] { c.Name, c.Meaning })]);
                return Task.CompletedTask;
            }),
        ], ct);

    static async Task WriteFiguresSheetAsync(ReportTable table, ExportOptions options, Stream stream, CancellationToken ct)
    {
        var rows = new List<object[]> { Columns.Select(c => (object)c.Name).ToArray() };
        await foreach (var program in table.Programs().WithCancellation(ct))
        {
            rows.AddRange(Stated(program, options).Select(f => Row(table.Head, options.City, program, f).ToArray()));
        }
        XlsxReportWriter.WritePlainSheet(stream, [.. Columns.Select(c => c.Name is "事業名" or "指標名" ? 30d : 14d)], rows);
    }
}
