using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using MiniExcelLibs;
using Tsunagu.Reports.Files;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Reports;

public class ReportExportTests
{
    static async Task<TestDatabase> SeededAsync(DatabaseKind kind, TempFolder files)
    {
        var database = await TestDatabase.CreateAsync(kind);
        var import = await CliRun.RunAsync(database, "report", "import", Seed.Write(files.Path, "r6-main-8-programs.tsv", Seed.Bytes()));
        Assert.Equal(0, import.ExitCode);
        return database;
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task ExportTsv_OfTheImportedSeed_ReproducesItByteForByte(DatabaseKind kind)
    {
        using var files = new TempFolder();
        await using var database = await SeededAsync(kind, files);

        var export = await CliRun.RunAsync(database, "report", "export", "--fiscal-year", "2024", "--format", "tsv");

        Assert.Equal(0, export.ExitCode);
        // The city's file has no final newline; Tsunagu ends text files with one. That is the only difference allowed.
        Assert.Equal([.. Seed.Bytes(), (byte)'\n'], export.StandardOutput);
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task EveryFormat_ExportedTwice_IsTheSameBytes_SoACopyCanBeComparedWithTheFirst(DatabaseKind kind)
    {
        using var files = new TempFolder();
        await using var database = await SeededAsync(kind, files);

        string[] formats = ["xlsx", "csv", "tsv", "json", "html", "figures-csv", "figures-xlsx"];
        async Task<byte[][]> ExportAllAsync() =>
            [.. await Task.WhenAll(formats.Select(async f => (await CliRun.RunOkAsync(database, "report", "export", "--fiscal-year", "2024", "--format", f)).StandardOutput))];

        var first = await ExportAllAsync();
        // A zip records each entry's time to two seconds (its DOS form): the second round comes after the clock moved.
        await Task.Delay(TimeSpan.FromSeconds(2.1));
        var second = await ExportAllAsync();

        Assert.All(formats.Index(), f => Assert.True(first[f.Index].AsSpan().SequenceEqual(second[f.Index]), $"{f.Item}: the two exports differ"));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task ExportCsv_IsUtf8WithBomAndCrlf_AndReadsBackToTheSameCells(DatabaseKind kind)
    {
        using var files = new TempFolder();
        await using var database = await SeededAsync(kind, files);
        var path = files.File("out.csv");

        var export = await CliRun.RunAsync(database, "report", "export", "--fiscal-year", "2024", "--format", "csv", "--out", path);

        Assert.Equal(0, export.ExitCode);
        var bytes = await File.ReadAllBytesAsync(path);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes[3..]);
        Assert.StartsWith("主な施策8事業の令和6年度実績\r\n\r\n事業名,", text);
        using var csv = new CsvParser(new StringReader(text), new CsvConfiguration(CultureInfo.InvariantCulture) { IgnoreBlankLines = false });
        var rows = new List<string[]>();
        while (csv.Read())
        {
            rows.Add(csv.Record!);
        }
        Assert.Equal(Seed.ProgramRows(), rows[3..]);
    }

    [Fact]
    public async Task ExportCp932_OfTheSeed_EncodesEveryCharacter()
    {
        using var files = new TempFolder();
        await using var database = await SeededAsync(DatabaseKind.Sqlite, files);
        var path = files.File("out.tsv");

        var export = await CliRun.RunAsync(database, "report", "export", "--fiscal-year", "2024", "--format", "tsv", "--encoding", "cp932", "--out", path);

        Assert.Equal(0, export.ExitCode);
        Assert.Equal(Seed.Text() + "\n", TextEncodings.Cp932.GetString(await File.ReadAllBytesAsync(path)));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task CsvAndTsv_NeutraliseCellsASpreadsheetWouldRunAsFormulas_AndTheCheckListsThem(DatabaseKind kind)
    {
        using var files = new TempFolder();
        await using var database = await TestDatabase.CreateAsync(kind);
        var table = "令和6年度実績\n\n事業名\t事業概要\t実績\t評価\t担当局\n" +
            "学習支援\t=HYPERLINK(\"http://x\",\"詳細\")\t相談:1件\t@SUM(A1)\tこども若者局\n" +
            "家計相談\t＋１\t-303人\t評価です。\tこども若者局\n";
        Assert.Equal(0, (await CliRun.RunAsync(database, "report", "import", files.Write("t.tsv", table, new UTF8Encoding(false)))).ExitCode);

        var tsv = await CliRun.RunAsync(database, "report", "export", "--fiscal-year", "2024", "--format", "tsv");
        var csv = await CliRun.RunAsync(database, "report", "export", "--fiscal-year", "2024", "--format", "csv");
        var check = await CliRun.RunAsync(database, "report", "check", "--fiscal-year", "2024");

        var tsvRows = tsv.StandardOutputText.Split('\n')[3..5];
        // CsvHelper's escape: a leading ' inside quotes, which both Excel and LibreOffice show as text.
        Assert.Equal(["学習支援\t\"'=HYPERLINK(\"\"http://x\"\",\"\"詳細\"\")\"\t相談:1件\t\"'@SUM(A1)\"\tこども若者局", "家計相談\t\"'＋１\"\t\"'-303人\"\t評価です。\tこども若者局"], tsvRows);
        Assert.Contains("\r\n学習支援,\"'=HYPERLINK(\"\"http://x\"\",\"\"詳細\"\")\",相談:1件,\"'@SUM(A1)\",こども若者局\r\n", csv.StandardOutputText);
        Assert.Equal(4, check.Out.Split('\n').Count(l => l.Contains("\tformula-like\t")));
    }

    [Fact]
    public async Task ExportCp932_WithCharactersCp932Lacks_ListsThemAndWritesNothing()
    {
        using var files = new TempFolder();
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        var table = "令和6年度実績\n\n事業名\t事業概要\t実績\t評価\t担当局\n𠮷野家事業\t髙橋さん〜の相談\t相談:1件\t評価\tこども若者局\n";
        Assert.Equal(0, (await CliRun.RunAsync(database, "report", "import", files.Write("t.tsv", table, new UTF8Encoding(false)))).ExitCode);
        var path = files.File("out.csv");

        var export = await CliRun.RunAsync(database, "report", "export", "--fiscal-year", "2024", "--format", "csv", "--encoding", "cp932", "--out", path);

        Assert.Equal(1, export.ExitCode);
        Assert.Contains("「𠮷」(U+20BB7) P001 事業名", export.Error);
        Assert.DoesNotContain("〜", export.Error); // written as ～, CP932's character for it
        Assert.DoesNotContain("髙", export.Error); // 髙 is in CP932 (IBM extension), so it is not listed
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(files.Path, "*.tmp"));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task ExportXlsx_ReadBackWithAnotherLibrary_HasTheTableAndPrintLayout(DatabaseKind kind)
    {
        using var files = new TempFolder();
        await using var database = await SeededAsync(kind, files);
        var path = files.File("report.xlsx");

        var export = await CliRun.RunAsync(database, "report", "export", "--fiscal-year", "2024", "--format", "xlsx", "--out", path);

        Assert.Equal(0, export.ExitCode);
        var rows = MiniExcel.Query(path, useHeaderRow: false).Cast<IDictionary<string, object?>>()
            .Select(r => "ABCDE".Select(c => c.ToString()).Select(k => r.TryGetValue(k, out var v) ? v?.ToString() ?? "" : "").ToArray())
            .ToList();
        Assert.Equal("主な施策8事業の令和6年度実績", rows[0][0]);
        Assert.Equal("【】内は前年度（令和5年度）の値です。", rows[1][0]);
        Assert.Equal(Seed.Rows()[2], rows[3]);
        Assert.Equal(Seed.ProgramRows(), rows[4..]);

        using var document = SpreadsheetDocument.Open(path, false);
        var workbook = document.WorkbookPart!;
        Assert.Equal("令和6年度", workbook.Workbook.Sheets!.Elements<Sheet>().Single().Name!.Value);
        var sheet = workbook.WorksheetParts.Single().Worksheet;
        var setup = sheet.GetFirstChild<PageSetup>()!;
        Assert.Equal(9u, setup.PaperSize!.Value); // A4
        Assert.Equal(OrientationValues.Landscape, setup.Orientation!.Value);
        Assert.Equal(1u, setup.FitToWidth!.Value);
        var widths = sheet.GetFirstChild<Columns>()!.Elements<Column>().Select(c => c.Width!.Value).ToList();
        Assert.Equal(5, widths.Count);
        Assert.True(widths[1] > widths[0] && widths[3] > widths[4], "overview and evaluation get the wide columns");
        var styles = workbook.WorkbookStylesPart!.Stylesheet;
        var bodyStyle = styles.CellFormats!.Elements<CellFormat>().ElementAt((int)sheet.Descendants<Cell>().Last().StyleIndex!.Value);
        Assert.True(bodyStyle.Alignment!.WrapText!.Value);
        Assert.All(styles.Fonts!.Elements<Font>(), f => Assert.Equal("游ゴシック", f.GetFirstChild<FontName>()!.Val!.Value));
        // Rows are tall enough for their wrapped text: the long overview of 専門相談 (row 11) needs more lines than 相談件数's row.
        var heights = sheet.Descendants<Row>().ToDictionary(r => r.RowIndex!.Value, r => r.Height?.Value ?? 0);
        Assert.True(heights[11] > heights[12] && heights[12] > 15, $"row heights {heights[11]} and {heights[12]}");
        Assert.Contains(workbook.Workbook.DefinedNames!.Elements<DefinedName>(), d => d.Name == "_xlnm.Print_Titles" && d.Text == "'令和6年度'!$4:$4");
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task ExportJson_HasOneValuePerFieldWithCodesFiguresAndBasis(DatabaseKind kind)
    {
        using var files = new TempFolder();
        await using var database = await SeededAsync(kind, files);

        var export = await CliRun.RunAsync(database, "report", "export", "--fiscal-year", "2024", "--format", "json");

        Assert.Equal(0, export.ExitCode);
        using var json = JsonDocument.Parse(export.StandardOutput);
        var root = json.RootElement;
        Assert.Equal(2024, root.GetProperty("fiscalYear").GetInt32());
        Assert.Equal("Draft", root.GetProperty("status").GetString());
        var programs = root.GetProperty("programs").EnumerateArray().ToList();
        Assert.Equal(8, programs.Count);
        var first = programs[0];
        Assert.Equal("P001", first.GetProperty("code").GetString());
        Assert.Equal("健康福祉局こども若者局", first.GetProperty("cells").GetProperty("bureau").GetString());
        Assert.Equal(["健康福祉局", "こども若者局"], first.GetProperty("bureaus").EnumerateArray().Select(b => b.GetProperty("name").GetString()));
        var figure = first.GetProperty("figures")[0];
        Assert.Equal("利用者数", figure.GetProperty("label").GetString());
        Assert.Equal(303, figure.GetProperty("value").GetDecimal());
        Assert.Equal("人", figure.GetProperty("unit").GetString());
        Assert.Equal("DistinctPersons", figure.GetProperty("basis").GetString());
        Assert.Equal("Imported", figure.GetProperty("source").GetString());
        Assert.Equal("利用者数", figure.GetProperty("key").GetString());
        Assert.True(figure.GetProperty("printed").GetBoolean());
        Assert.Equal(99, programs[0].GetProperty("figures")[1].GetProperty("value").GetDecimal());
        Assert.Equal("%", programs[0].GetProperty("figures")[1].GetProperty("unit").GetString());
    }

    [Fact]
    public async Task ExportHtml_IsAPrintablePageOfTheTable_WithTextEscaped()
    {
        using var files = new TempFolder();
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        var table = "令和6年度実績\n\n事業名\t事業概要\t実績\t評価\t担当局\nA<b>事業</b>\t概要 & 計画\t相談:1件\t評価\tこども若者局\n";
        await CliRun.RunOkAsync(database, "report", "import", files.Write("t.tsv", table, new UTF8Encoding(false)));

        var export = await CliRun.RunAsync(database, "report", "export", "--fiscal-year", "2024", "--format", "html");

        var html = export.StandardOutputText;
        Assert.Contains("<html lang=\"ja\">", html);
        Assert.Contains("size: A4 landscape", html);
        Assert.Contains("<th scope=\"col\">事業名</th>", html);
        Assert.Contains("<th scope=\"row\">A&lt;b&gt;事業&lt;/b&gt;</th>", html);
        Assert.Contains("<td>概要 &amp; 計画</td>", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("http", html); // nothing fetched from elsewhere
    }

    [Fact]
    public async Task ExportedXlsx_ImportsBackToTheSameTable()
    {
        using var files = new TempFolder();
        await using var database = await SeededAsync(DatabaseKind.Sqlite, files);
        var path = files.File("report.xlsx");
        await CliRun.RunOkAsync(database, "report", "export", "--fiscal-year", "2024", "--format", "xlsx", "--out", path);
        await using var other = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);

        Assert.Equal(0, (await CliRun.RunAsync(other, "report", "import", path)).ExitCode);
        var tsv = await CliRun.RunAsync(other, "report", "export", "--fiscal-year", "2024", "--format", "tsv");

        Assert.Equal(Seed.Text() + "\n", tsv.StandardOutputText);
    }

    [Fact]
    public async Task Export_YearNotImported_SaysSoAndFails()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);

        var export = await CliRun.RunAsync(database, "report", "export", "--fiscal-year", "2030", "--format", "tsv");

        Assert.Equal(1, export.ExitCode);
        Assert.Contains("令和12年度（2030年度）の報告はまだありません", export.Error);
    }
}
