using Tsunagu.Calendar;
using Tsunagu.Reports;

namespace Tsunagu.Indicators;

public enum BreakdownFormat { Csv, Xlsx }

/// <summary>
/// A breakdown as open data, in the same machine-readable form as the figures (<see cref="FigureRows"/>): one row per
/// cell, totals as rows whose 区分 is 合計, the value a number without separators or x where it is hidden; the legend
/// and the notes on a sheet of their own (the csv is the data alone: its legend is on the page and the xlsx). Only
/// ever the suppressed table: this is what is published.
/// </summary>
public static class BreakdownExport
{
    static readonly string[] Header =
    [
        "年度（西暦）", "年度（和暦）", "全国地方公共団体コード", "地方公共団体名", "事業コード", "事業名", "分け方", "区分", "指標キー", "指標名", "単位", "値",
    ];

    const string Total = "合計";

    static IEnumerable<object[]> Rows(Breakdown b, int fiscalYear, City city)
    {
        var t = b.Table;
        var program = b.Figures[0].Program;
        object[] Row(string group, int column, int index) =>
        [
            (decimal)fiscalYear, FiscalYears.Label(fiscalYear), city.Code, city.Name, program.Code, program.Name, b.DimensionLabel, group,
            b.Figures[column].Key, b.Figures[column].Label, b.Figures[column].Unit,
            b.Hidden[index] ? Suppression.Mark : (decimal)t.Value(index),
        ];
        for (var r = 0; r < t.Rows; r++)
        {
            for (var c = 0; c < t.Columns; c++)
            {
                yield return Row(b.Rows[r], c, r * t.Columns + c);
            }
        }
        for (var c = 0; c < t.Columns; c++)
        {
            yield return Row(Total, c, t.ColumnTotalIndex(c));
        }
    }

    public static async Task WriteAsync(Breakdown breakdown, int fiscalYear, City city, BreakdownFormat format, Stream output, CancellationToken ct)
    {
        if (format == BreakdownFormat.Xlsx)
        {
            await XlsxReportWriter.WriteWorkbookAsync(output,
            [
                new XlsxSheet("内訳", 1, (stream, _) =>
                {
                    XlsxReportWriter.WritePlainSheet(stream, [.. Header.Select(h => h is "事業名" or "指標名" ? 30d : 14d)],
                        [Header.Cast<object>().ToArray(), .. Rows(breakdown, fiscalYear, city)]);
                    return Task.CompletedTask;
                }),
                new XlsxSheet("凡例", null, (stream, _) =>
                {
                    XlsxReportWriter.WritePlainSheet(stream, [100], [["凡例と注"], [breakdown.Legend], .. breakdown.Notes.Select(n => new object[] { n })]);
                    return Task.CompletedTask;
                }),
            ], ct);
            return;
        }
        await FigureRows.WritePlainCsvAsync(Rows(breakdown, fiscalYear, city).Prepend(Header).ToAsyncEnumerable(), TextEncoding.Utf8, output, ct);
    }
}
