using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Tsunagu.Indicators;
using Tsunagu.Tests.Indicators;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Reports;

/// <summary>
/// The figures as machines read them: one row per figure in 総務省's machine-readable form (csv, xlsx), and the JSON
/// export with each figure's key, whether it is printed, and a rate's parts. The hand-made city of
/// <see cref="IndicatorComputeTests"/>, with P001's 利用者数 and 高校進学率 counted from its records.
/// </summary>
public class FigureExportTests
{
    static readonly string[] Header =
    [
        "年度（西暦）", "年度（和暦）", "全国地方公共団体コード", "地方公共団体名", "報告の状態", "公表版", "事業コード", "事業名", "指標キー", "指標名", "値", "単位",
        "数え方", "概数", "出典", "実績欄に掲載", "分子の指標キー", "分母の指標キー",
    ];

    static async Task<TestDatabase> ComputedCityAsync(DatabaseKind kind, TempFolder files)
    {
        var database = await IndicatorComputeTests.HandMadeCityAsync(kind, files);
        await using (var db = database.NewDb())
        {
            const string Entered = "結果=高等学校に進学,中等教育学校後期課程に進学,特別支援学校高等部に進学,高等専門学校に進学,専修学校高等課程に進学";
            await IndicatorComputeTests.DefineAsync(db,
                new("P001", "pupils", 2024, 0, "利用者数", "人", MeasureKind.EnrolledPersons, "本人区分=児童・生徒"),
                new("P001", "finished", 2024, 2, "中学校卒業者", "人", MeasureKind.OutcomePersons, Entered + ",中学校卒業（進路未定など）", InResults: false),
                new("P001", "entered", 2024, 3, "高校進学者", "人", MeasureKind.OutcomePersons, Entered, InResults: false),
                new("P001", "rate", 2024, 1, "高校進学率", "%", MeasureKind.Rate, NumeratorKey: "entered", DenominatorKey: "finished"));
        }
        await CliRun.RunOkAsync(database, "indicators", "compute", "--fiscal-year", "2024");
        return database;
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task FiguresCsv_IsOneRowPerFigure_WithTheListedColumns_AndNumbersAsNumbers(DatabaseKind kind)
    {
        using var files = new TempFolder();
        await using var database = await ComputedCityAsync(kind, files);

        var export = await CliRun.RunOkAsync(database, "report", "export", "--fiscal-year", "2024", "--format", "figures-csv");

        var bytes = export.StandardOutput;
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        using var csv = new CsvParser(new StringReader(Encoding.UTF8.GetString(bytes[3..])), CultureInfo.InvariantCulture);
        var rows = new List<string[]>();
        while (csv.Read())
        {
            rows.Add(csv.Record!);
        }
        // The header is the first row: no title above it.
        Assert.Equal(Header, rows[0]);
        var p001 = rows.Skip(1).Where(r => r[6] == "P001").ToDictionary(r => r[8]);
        Assert.Equal(["pupils", "rate", "finished", "entered"], rows.Skip(1).Where(r => r[6] == "P001").Select(r => r[8]));
        Assert.Equal(["2024", "令和6年度", "041009", "仙台市", "下書き", "", "P001", "学習・生活サポート事業", "rate", "高校進学率", "50", "%", "率", "0", "集計", "1", "entered", "finished"],
            p001["rate"]);
        Assert.Equal(["2", "人", "実人数", "0", "集計", "0", "", ""], p001["finished"][10..]);
        // A figure no definition counts keeps its label as its key and says it was read from the imported table;
        // numbers carry no thousands separator.
        var contacts = rows.Single(r => r[6] == "P003" && r[9] == "対応件数");
        Assert.Equal(["対応件数", "対応件数", "73119", "件", "延べ件数", "0", "取込", "1"], contacts[8..16]);
        Assert.All(rows.Skip(1), r => Assert.True(decimal.TryParse(r[10], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _), r[10]));
        Assert.All(rows, r => Assert.Equal(Header.Length, r.Length));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task FiguresXlsx_HasNumberCells_NoMergedCells_TheHeaderInRowOne_AndTheColumnsExplainedOnASheetOfTheirOwn(DatabaseKind kind)
    {
        using var files = new TempFolder();
        await using var database = await ComputedCityAsync(kind, files);
        var path = files.File("figures.xlsx");

        await CliRun.RunOkAsync(database, "report", "export", "--fiscal-year", "2024", "--format", "figures-xlsx", "--out", path);

        using var document = SpreadsheetDocument.Open(path, false);
        var workbook = document.WorkbookPart!;
        var sheets = workbook.Workbook.Sheets!.Elements<Sheet>().ToList();
        Assert.Equal(["数値", "項目の説明"], sheets.Select(s => s.Name!.Value));
        var data = ((WorksheetPart)workbook.GetPartById(sheets[0].Id!)).Worksheet;
        Assert.Empty(data.Descendants<MergeCells>());
        var rows = data.Descendants<Row>().ToList();
        Assert.Equal(1u, rows[0].RowIndex!.Value);
        Assert.Equal(Header, rows[0].Elements<Cell>().Select(c => c.InnerText));
        var rate = rows.Single(r => r.Elements<Cell>().ElementAt(8).InnerText == "rate").Elements<Cell>().ToList();
        // Year, value, 概数 and 実績欄に掲載 are number cells; the city's code stays text, its leading zero kept.
        Assert.Equal(CellValues.Number, rate[0].DataType!.Value);
        Assert.Equal("2024", rate[0].CellValue!.Text);
        Assert.Equal(CellValues.InlineString, rate[2].DataType!.Value);
        Assert.Equal("041009", rate[2].InnerText);
        Assert.Equal((CellValues.Number, "50"), (rate[10].DataType!.Value, rate[10].CellValue!.Text));
        Assert.Equal((CellValues.Number, "1"), (rate[15].DataType!.Value, rate[15].CellValue!.Text));
        var legend = ((WorksheetPart)workbook.GetPartById(sheets[1].Id!)).Worksheet.Descendants<Row>().ToList();
        Assert.Equal(Header, legend.Skip(1).Select(r => r.Elements<Cell>().First().InnerText));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task JsonExport_GivesEachFigureItsKey_MarksWhatIsPrinted_LinksARateToItsParts_AndNamesTheCity(DatabaseKind kind)
    {
        using var files = new TempFolder();
        await using var database = await ComputedCityAsync(kind, files);

        var export = await CliRun.RunOkAsync(database, "report", "export", "--fiscal-year", "2024", "--format", "json");

        using var json = JsonDocument.Parse(export.StandardOutput);
        var root = json.RootElement;
        Assert.Equal("041009", root.GetProperty("cityCode").GetString());
        Assert.Equal("Draft", root.GetProperty("status").GetString());
        Assert.True(root.GetProperty("asOf").TryGetDateTimeOffset(out _));
        var figures = root.GetProperty("programs")[0].GetProperty("figures").EnumerateArray().ToDictionary(f => f.GetProperty("key").GetString()!);
        Assert.Equal(["pupils", "rate", "finished", "entered"], figures.Keys);
        var rate = figures["rate"];
        Assert.Equal(50, rate.GetProperty("value").GetDecimal());
        Assert.True(rate.GetProperty("printed").GetBoolean());
        Assert.Equal("Computed", rate.GetProperty("source").GetString());
        Assert.Equal("Rate", rate.GetProperty("basis").GetString());
        Assert.Equal(("entered", "finished"), (rate.GetProperty("numeratorKey").GetString(), rate.GetProperty("denominatorKey").GetString()));
        Assert.False(figures["finished"].GetProperty("printed").GetBoolean());
        Assert.Equal(2, figures["finished"].GetProperty("value").GetDecimal());
    }

    [Fact]
    public async Task ACityCodeWithAWrongCheckDigit_IsRefused_NeverPublished()
    {
        using var files = new TempFolder();
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        await CliRun.RunOkAsync(database, "report", "import", Seed.Write(files.Path, "seed.tsv", Seed.Bytes()));

        var export = await CliRun.RunAsync(database, new Dictionary<string, string?> { ["City:Code"] = "041008" },
            "report", "export", "--fiscal-year", "2024", "--format", "figures-csv");

        Assert.Equal(1, export.ExitCode);
        Assert.Contains("設定 City:Code「041008」は全国地方公共団体コードではありません", export.Error);
        Assert.Empty(export.StandardOutput);
        Assert.True(City.IsLocalGovernmentCode("131016")); // 千代田区
        Assert.True(City.IsLocalGovernmentCode("011002")); // 札幌市
        Assert.False(City.IsLocalGovernmentCode("41009"));
    }
}
