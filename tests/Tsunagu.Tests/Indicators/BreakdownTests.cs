using System.Globalization;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Indicators;

public class BreakdownTests
{
    static string[][] Table(CliResult result) => result.Out.TrimEnd('\n').Split('\n').Select(l => l.Split('\t')).ToArray();

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task BreakdownByWard_HidesSmallCountsAndWhatTheTotalsWouldGiveAway_ExceptForTheUnsuppressedView(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        Assert.Equal(0, (await CliRun.RunAsync(database, "demo", "generate", "--fiscal-year", "2024", "--scale", "0.03")).ExitCode);

        string[] Args(params string[] more) => ["indicators", "breakdown", "--fiscal-year", "2024", "--program", "P006", "--by", "区", "--row-totals", .. more];
        var published = await CliRun.RunAsync(database, Args());
        var inside = await CliRun.RunAsync(database, Args("--unsuppressed"));
        var ordinary = await CliRun.RunAsync(database, Args("--figures", "singleParents,maternal"));

        Assert.Equal(0, published.ExitCode);
        var shown = Table(published);
        var all = Table(inside);
        // Contacts are counted where they were held: the heading says so, and so does the note (on standard error).
        Assert.Equal(["区（実施場所）", "女性相談（件）", "ひとり親家庭相談（件）", "母子保健（件）", "合計"], shown[0]);
        Assert.Contains("区: 支援記録は、記録した事業所のある区で数えています（実施場所の区。住んでいる区ではありません）。", published.Error);
        Assert.Equal(["青葉区", "宮城野区", "若林区", "太白区", "泉区", "合計"], shown[1..^1].Select(r => r[0]));
        // 女性相談 makes the table sensitive: counts up to 10 are hidden, and the legend says so.
        Assert.Equal("x: 1〜10の値、及びその値が合計などから分からないよう秘匿した値", shown[^1][0]);
        var hidden = 0;
        for (var r = 1; r < shown.Length - 1; r++)
        {
            for (var c = 1; c < shown[r].Length; c++)
            {
                var value = int.Parse(all[r][c].Replace(",", ""), CultureInfo.InvariantCulture);
                if (shown[r][c] == "x")
                {
                    hidden++;
                }
                else
                {
                    Assert.Equal(all[r][c], shown[r][c]);
                    Assert.False(value is >= 1 and <= 10, $"{shown[r][0]} {shown[0][c]} = {value} is shown");
                }
            }
        }
        // At this scale (36 女性相談 across five wards) some ward has a small count, and it never hides alone.
        Assert.True(hidden >= 2, string.Join("\n", shown.Select(r => string.Join(' ', r))));
        // The column totals are the figures computed for the report.
        Assert.Equal(["合計", "36", "54", "189", "279"], all[^2]);
        Assert.Equal("（秘匿していません。公表しないでください）", all[^1][0]);
        // Without 女性相談 the ordinary threshold (3) applies.
        Assert.Equal("x: 1〜3の値、及びその値が合計などから分からないよう秘匿した値", Table(ordinary)[^1][0]);
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task AFigureThatCannotBeBrokenDownThatWay_SaysSo_AndWhichMeasuresCan(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        Assert.Equal(0, (await CliRun.RunAsync(database, "demo", "generate", "--fiscal-year", "2024", "--scale", "0.01")).ExitCode);

        var result = await CliRun.RunAsync(database, "indicators", "breakdown", "--fiscal-year", "2024", "--program", "P005", "--by", "学校種", "--figures", "seminars");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("この事業の指標は学校種別には分けられません（「就業支援セミナー」は開催回数）。学校種別に分けられる数え方: 登録者の実人数、配置人数。", result.Error.Trim());
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task BreakdownExport_IsOneRowPerCell_NumbersOrX_TheLegendOnItsOwnSheet_AndAPublishedYearSaysWhenTheRecordsDiffer(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        using var files = new TempFolder();
        Assert.Equal(0, (await CliRun.RunAsync(database, "demo", "generate", "--fiscal-year", "2024", "--scale", "0.03")).ExitCode);
        await CliRun.RunOkAsync(database, "indicators", "compute", "--fiscal-year", "2024");
        foreach (var step in new[] { "局確認", "取りまとめ", "会議資料確定", "公表" })
        {
            await CliRun.RunOkAsync(database, "report", "status", "--fiscal-year", "2024", "--to", step);
        }
        // The published 女性相談 is corrected to 40件 by hand; the records still count 36.
        await using (var db = database.NewDb())
        {
            var results = db.ReportRows.Where(r => r.Program.Code == "P006").Select(r => r.Results).Single();
            await CliRun.RunOkAsync(database, "report", "correct", "--fiscal-year", "2024", "--program", "P006", "--column", "results",
                "--text", System.Text.RegularExpressions.Regex.Replace(results, "女性相談[^件]*件", "女性相談 40件"), "--reason", "集計漏れの訂正");
        }
        var csvPath = files.File("b.csv");
        var xlsxPath = files.File("b.xlsx");
        string[] Args(params string[] more) => ["indicators", "breakdown", "--fiscal-year", "2024", "--program", "P006", "--by", "区", .. more];

        var csv = await CliRun.RunOkAsync(database, Args("--format", "csv", "--out", csvPath));
        var xlsx = await CliRun.RunOkAsync(database, Args("--format", "xlsx", "--out", xlsxPath));
        var shown = await CliRun.RunOkAsync(database, Args());
        var refused = await CliRun.RunAsync(database, Args("--format", "csv", "--out", csvPath, "--unsuppressed"));

        Assert.Contains("「女性相談」の公表値（公表版 第2版）は 40件 ですが、公表後に記録が変わり、この内訳は今の記録の 36件 を分けています。", shown.Error);
        var lines = (await File.ReadAllTextAsync(csvPath)).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(',')).ToList();
        Assert.Equal(["年度（西暦）", "年度（和暦）", "全国地方公共団体コード", "地方公共団体名", "事業コード", "事業名", "分け方", "区分", "指標キー", "指標名", "単位", "値"], lines[0]);
        // 5 wards and the total, for each of the three figures; every value a plain number or x.
        Assert.Equal(18, lines.Count - 1);
        Assert.All(lines.Skip(1), l => Assert.Matches("^([0-9]+|x)$", l[11]));
        Assert.Contains(lines, l => l[7] == "合計" && l[9] == "女性相談" && l[11] == "36");
        Assert.Contains(lines, l => l[11] == "x");
        Assert.All(lines.Skip(1), l => Assert.Equal("区（実施場所）", l[6]));
        using var document = DocumentFormat.OpenXml.Packaging.SpreadsheetDocument.Open(xlsxPath, false);
        var sheets = document.WorkbookPart!.Workbook.Sheets!.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>().Select(x => x.Name!.Value).ToList();
        Assert.Equal(["内訳", "凡例"], sheets);
        var legend = document.WorkbookPart.WorksheetParts.Last().Worksheet.InnerText;
        Assert.Contains("x: 1〜10の値", legend);
        Assert.Equal(1, refused.ExitCode);
    }
}
