using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using CsvHelper;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using MiniExcelLibs;
using Tsunagu.Reports.Files;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Reports;

/// <summary>What a planner prints: last year's values in 【】, the published version and its corrections, Shift_JIS as Windows writes it.</summary>
public class ReportPrintTests
{
    /// <summary>The seed as FY2023 (利用者数 290人, 高校進学率 98%, 対応件数 70,000件) and as FY2024.</summary>
    static async Task<TestDatabase> TwoYearsAsync(DatabaseKind kind, TempFolder files)
    {
        var database = await TestDatabase.CreateAsync(kind);
        var lastYear = Seed.Text().Replace("令和6年度", "令和5年度").Replace("利用者数:303人 高校進学率:99%", "利用者数:290人 高校進学率:98%")
            .Replace("対応件数:73,119件", "対応件数:70,000件");
        await CliRun.RunOkAsync(database, "report", "import", files.Write("r5.tsv", lastYear, new UTF8Encoding(false)));
        await CliRun.RunOkAsync(database, "report", "import", Seed.Write(files.Path, "r6.tsv", Seed.Bytes()));
        return database;
    }

    static List<string[]> XlsxRows(string path) => MiniExcel.Query(path, useHeaderRow: false).Cast<IDictionary<string, object?>>()
        .Select(r => "ABCDE".Select(c => r.TryGetValue(c.ToString(), out var v) ? v?.ToString() ?? "" : "").ToArray())
        .ToList();

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task LastYearsValues_AreInEveryPrintedFormat_NotInTheTsv_AndLeftOutWhenAsked(DatabaseKind kind)
    {
        using var files = new TempFolder();
        await using var database = await TwoYearsAsync(kind, files);
        var xlsx = files.File("r6.xlsx");

        var csv = await CliRun.RunOkAsync(database, "report", "export", "--fiscal-year", "2024", "--format", "csv");
        var html = await CliRun.RunOkAsync(database, "report", "export", "--fiscal-year", "2024", "--format", "html");
        await CliRun.RunOkAsync(database, "report", "export", "--fiscal-year", "2024", "--format", "xlsx", "--out", xlsx);
        var tsv = await CliRun.RunOkAsync(database, "report", "export", "--fiscal-year", "2024", "--format", "tsv");
        var plainCsv = await CliRun.RunOkAsync(database, "report", "export", "--fiscal-year", "2024", "--format", "csv", "--without-previous-year");

        using (var parser = new CsvParser(new StringReader(csv.StandardOutputText.TrimStart('\uFEFF')), CultureInfo.InvariantCulture))
        {
            var rows = new List<string[]>();
            while (parser.Read())
            {
                rows.Add(parser.Record!);
            }
            Assert.Equal("利用者数:303人【290人】 高校進学率:99%【98%】", rows[2][2]);
            // In the sentence's words, too; a figure last year's table does not have gets nothing.
            Assert.Equal("全市立小・中・高等・中等教育・特別 支援学校と教育支援センターに、88名【88名】 のスクールカウンセラーを配置 対応件数:73,119件【70,000件】 保護者支援:7,762件【7,762件】", rows[4][2]);
        }
        Assert.Contains("利用者数:303人<span class=\"prev\">【290人】</span> 高校進学率:99%<span class=\"prev\">【98%】</span>", html.StandardOutputText);
        Assert.Contains("<li>【】内は前年度（令和5年度）の値です。</li>", html.StandardOutputText);
        var sheet = XlsxRows(xlsx);
        Assert.Equal("【】内は前年度（令和5年度）の値です。", sheet[1][0]);
        Assert.Equal(["事業名", "事業概要及び計画内容", "令和6年度実績(件数等)", "実績に対する評価", "担当局"], sheet[3]);
        Assert.Equal("利用者数:303人【290人】 高校進学率:99%【98%】", sheet[4][2]);
        Assert.Equal(Seed.Text() + "\n", tsv.StandardOutputText);
        Assert.DoesNotContain("【", plainCsv.StandardOutputText);

        // The printed xlsx imports back to the same table: its heading's notes are read past, the 【】 values left out.
        await using var other = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        await CliRun.RunOkAsync(other, "report", "import", xlsx);
        Assert.Equal(Seed.Text() + "\n", (await CliRun.RunOkAsync(other, "report", "export", "--fiscal-year", "2024", "--format", "tsv")).StandardOutputText);
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task ASecondPublishedVersion_SaysSoWithItsCorrection_InTheHeadingOfHtmlAndXlsx_AndTheFirstStaysAsItWas(DatabaseKind kind)
    {
        using var files = new TempFolder();
        await using var database = await TwoYearsAsync(kind, files);
        foreach (var step in new[] { "局確認", "取りまとめ", "会議資料確定", "公表" })
        {
            await CliRun.RunOkAsync(database, "report", "status", "--fiscal-year", "2024", "--to", step);
        }
        await CliRun.RunOkAsync(database, "report", "correct", "--fiscal-year", "2024", "--program", "P006", "--column", "evaluation",
            "--text", "相談に適切に対応した。", "--reason", "評価の誤記を訂正");
        var second = files.File("second.xlsx");
        var first = files.File("first.xlsx");

        var html = (await CliRun.RunOkAsync(database, "report", "export", "--fiscal-year", "2024", "--format", "html")).StandardOutputText;
        var firstHtml = (await CliRun.RunOkAsync(database, "report", "export", "--fiscal-year", "2024", "--format", "html", "--published-version", "1")).StandardOutputText;
        await CliRun.RunOkAsync(database, "report", "export", "--fiscal-year", "2024", "--format", "xlsx", "--out", second);
        await CliRun.RunOkAsync(database, "report", "export", "--fiscal-year", "2024", "--format", "xlsx", "--published-version", "1", "--out", first);

        var published = new Regex(@"公表版 第(\d)版（令和\d+年\d+月\d+日公表）");
        var correction = new Regex(@"第2版 令和\d+年\d+月\d+日訂正 — P006 実績に対する評価: 評価の誤記を訂正");
        Assert.Equal("2", published.Match(html).Groups[1].Value);
        Assert.Matches(correction, html);
        Assert.Equal("1", published.Match(firstHtml).Groups[1].Value);
        Assert.DoesNotMatch(correction, firstHtml);
        Assert.DoesNotContain("相談に適切に対応した。", firstHtml);

        var rows = XlsxRows(second);
        Assert.Equal("主な施策8事業の令和6年度実績", rows[0][0]);
        Assert.Matches(published, rows[1][0]);
        Assert.Matches(correction, rows[2][0]);
        Assert.Equal("事業名", rows[5][0]);
        Assert.Matches(published, XlsxRows(first)[1][0]);
        using var document = SpreadsheetDocument.Open(second, false);
        var workbook = document.WorkbookPart!;
        // The header repeats on every printed page: it is row 6, under the title, two heading lines, the note and a blank row.
        Assert.Contains(workbook.Workbook.DefinedNames!.Elements<DefinedName>(), d => d.Name == "_xlnm.Print_Titles" && d.Text == "'令和6年度'!$6:$6");
        Assert.Equal(["A1:E1", "A2:E2", "A3:E3", "A4:E4"],
            workbook.WorksheetParts.Single().Worksheet.Descendants<MergeCell>().Select(m => m.Reference!.Value!));
    }

    [Fact]
    public async Task PrintedHtml_NumbersItsPages_AndGivesEveryColumnItsShareOfTheWidth()
    {
        using var files = new TempFolder();
        await using var database = await TwoYearsAsync(DatabaseKind.Sqlite, files);

        var html = (await CliRun.RunOkAsync(database, "report", "export", "--fiscal-year", "2024", "--format", "html")).StandardOutputText;

        Assert.Contains("@bottom-center { content: counter(page) \" / \" counter(pages);", html);
        Assert.Contains("table-layout: fixed", html);
        var widths = Regex.Matches(html, @"<col style=""width: ([0-9.]+)%"">").Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(5, widths.Count);
        Assert.InRange(widths.Sum(), 99.5, 100.5);
        // 担当局 (the last column) gets about nine characters of an A4 landscape line, not two.
        Assert.InRange(widths[4], 9, 10);
    }

    [Fact]
    public async Task Cp932_WritesTheMacAndPdfCharactersAsTheirWindowsCounterparts()
    {
        using var files = new TempFolder();
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        var table = "令和6年度実績\n\n事業名\t事業概要\t実績\t評価\t担当局\n" +
            "学習支援\t4月〜3月、A−B、‖¬—、¢£\t相談:1件\t評価です。\tこども若者局\n";
        await CliRun.RunOkAsync(database, "report", "import", files.Write("t.tsv", table, new UTF8Encoding(false)));
        var path = files.File("out.csv");

        await CliRun.RunOkAsync(database, "report", "export", "--fiscal-year", "2024", "--format", "csv", "--encoding", "cp932", "--out", path);

        var bytes = await File.ReadAllBytesAsync(path);
        Assert.Contains("学習支援,4月～3月、A－B、∥￢―、￠￡,相談:1件,評価です。,こども若者局", TextEncodings.Cp932.GetString(bytes));
        // 〜 − ‖ ¬ — are each one Shift_JIS code (0x8160 0x817C 0x8161 0x81CA 0x815C), as a Windows reader expects them.
        byte[] expected = [0x81, 0x60, 0x33, 0x8C, 0x8E, 0x81, 0x41, 0x41, 0x81, 0x7C, 0x42, 0x81, 0x41, 0x81, 0x61, 0x81, 0xCA, 0x81, 0x5C];
        Assert.True(bytes.AsSpan().IndexOf(expected) >= 0, Convert.ToHexString(bytes));
    }
}
