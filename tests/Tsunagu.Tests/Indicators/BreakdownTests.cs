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
        Assert.Equal(["区", "女性相談（件）", "ひとり親家庭相談（件）", "母子保健（件）", "合計"], shown[0]);
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
    public async Task AFigureThatCannotBeBrokenDownThatWay_SaysSo(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        Assert.Equal(0, (await CliRun.RunAsync(database, "demo", "generate", "--fiscal-year", "2024", "--scale", "0.01")).ExitCode);

        var result = await CliRun.RunAsync(database, "indicators", "breakdown", "--fiscal-year", "2024", "--program", "P005", "--by", "学校種", "--figures", "seminars");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("「就業支援セミナー」（開催回数）は学校種別には分けられません。", result.Error.Trim());
    }
}
