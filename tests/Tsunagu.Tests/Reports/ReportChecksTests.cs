using System.Text;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Reports;

public class ReportChecksTests
{
    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Check_Seed_FindsEveryKnownScar(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        using var files = new TempFolder();
        await CliRun.RunOkAsync(database, "report", "import", Seed.Write(files.Path, "seed.tsv", Seed.Bytes()));

        var result = await CliRun.RunAsync(database, "report", "check", "--fiscal-year", "2024");

        Assert.Equal(0, result.ExitCode);
        var findings = result.Out.TrimEnd('\n').Split('\n').Select(l => l.Split('\t')).Select(f => $"{f[0]} {f[2]} {f[3]} {f[5]}").ToList();
        Assert.Equal(
        [
            "P001 担当局 bureaus-run-together 「健康福祉局こども若者局」",
            "P002 令和6年度実績(件数等) empty-cell 「」",
            "P002 担当局 bureaus-run-together 「健康福祉局こども若者局」",
            "P003 令和6年度実績(件数等) wrap-space 「…・中等教育・特別 支援学校と教育支…」",
            "P003 令和6年度実績(件数等) wrap-space 「…ンターに、88名 のスクールカウン…」",
            "P004 令和6年度実績(件数等) wrap-space 「…成及び施設等への 配布(1回)」",
            "P004 担当局 empty-cell 「」",
            "P005 事業名 wrap-space 「…談支援センター事 業(就業相談・就…」",
            "P006 事業概要及び計画内容 truncated-sentence 「…雑な問題を抱えるケースに対応するた」",
            "P006 事業概要及び計画内容 unbalanced-bracket 「…・父子自立支援員)、社会福祉主事及…」",
            "P007 事業名 wrap-space 「…談支援センター事 業(専門相談・セ…」",
        ], findings);
    }

    [Fact]
    public async Task Check_FigureWithoutUnitAndLargeChange_AreFound()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        using var files = new TempFolder();
        const string header = "\n\n事業名\t事業概要\t実績\t評価\t担当局\n";
        await CliRun.RunOkAsync(database, "report", "import",
            files.Write("r5.tsv", "令和5年度実績" + header + "A事業\t概要。\t利用者数:200人 相談件数:100件\t評価。\t局\n", new UTF8Encoding(false)));
        await CliRun.RunOkAsync(database, "report", "import",
            files.Write("r6.tsv", "令和6年度実績" + header + "A事業\t概要。\t利用者数:90人 相談件数:140件 登録:12\t評価。\t局\n", new UTF8Encoding(false)));

        var result = await CliRun.RunAsync(database, "report", "check", "--fiscal-year", "2024");
        var strict = await CliRun.RunAsync(database, "report", "check", "--fiscal-year", "2024", "--max-change", "0.3");

        var lines = result.Out.TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Contains("year-over-year-change\t「利用者数」が前年度 200人 から -55% 変わっています", lines[0]);
        Assert.Contains("figure-without-unit\t「登録」の数値 12 に単位がありません\t「登録:12」", lines[1]);
        Assert.Contains("「相談件数」が前年度 100件 から +40% 変わっています", strict.Out);
    }

    [Fact]
    public async Task Check_PlatformDependentCharacters_AreAFindingPerCell()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        using var files = new TempFolder();
        await CliRun.RunOkAsync(database, "report", "import", files.Write("r6.tsv",
            "令和6年度実績\n\n事業名\t事業概要\t実績\t評価\t担当局\nA事業\t①相談 ②講座を㈱つなぐに委託。\t相談:1件\t評価。\t局\n", new UTF8Encoding(false)));

        var result = await CliRun.RunOkAsync(database, "report", "check", "--fiscal-year", "2024");

        var line = Assert.Single(result.Out.TrimEnd('\n').Split('\n'));
        Assert.Equal("P001\tA事業\t事業概要\tplatform-dependent\t機種依存文字（①②㈱）があります。Windows 以外の機器やメールでは別の文字になるか表示されません（① は (1)、㈱ は（株）など）\t「①相談 ②講座を㈱…」", line);
    }
}
