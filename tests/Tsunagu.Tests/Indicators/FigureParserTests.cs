using Tsunagu.Indicators;
using Tsunagu.Reports;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Indicators;

public class FigureParserTests
{
    static string[] Describe(string text) =>
        FigureParser.Parse(text).Figures.Select(f => $"{f.Label}={f.Value}{f.Unit}").ToArray();

    // The 実績 cell of each of the seed's eight rows, in row order, and the figures it holds.
    public static TheoryData<int, string[]> SeedCells => new()
    {
        { 0, ["利用者数=303人", "高校進学率=99%"] },
        { 1, [] },
        { 2, ["スクールカウンセラー=88名", "対応件数=73119件", "保護者支援=7762件"] },
        { 3, ["配布=1回"] },
        { 4, ["就業相談=677件", "就業情報提供件数=13件", "就業支援セミナー=23回"] },
        { 5, ["女性相談=1199件", "ひとり親家庭相談=1787件", "母子保健=6294件"] },
        { 6, ["専門相談件数=265件", "セミナー=4回"] },
        { 7, ["相談件数=6712件"] },
    };

    [Theory]
    [MemberData(nameof(SeedCells))]
    public void Parse_EveryResultsCellOfTheSeed_GivesItsFigures(int row, string[] expected)
    {
        var cell = Seed.ProgramRows()[row][2];
        Assert.Equal(expected, Describe(cell));
    }

    [Fact]
    public void Parse_FullWidthDigitsColonsAndSpaces_ReadLikeAscii()
    {
        Assert.Equal(["利用者数=303人", "高校進学率=99%"], Describe("利用者数：３０３人　高校進学率：９９％"));
        Assert.Equal(["女性相談=1199件", "母子保健=6294件"], Describe("女性相談　１，１９９件　母子保健　６，２９４件"));
        Assert.Equal(["セミナー=4回"], Describe("セミナー：　計４回実施"));
    }

    [Fact]
    public void Parse_Prefixes_AreReadAndLabelPrefixesKept()
    {
        var figures = FigureParser.Parse("延べ利用者数:1,234人 参加者:約1,200人 合計:延べ56人 平均回数:3.5回").Figures;
        Assert.Equal(["延べ利用者数", "参加者", "合計", "平均回数"], figures.Select(f => f.Label));
        Assert.Equal([1234m, 1200m, 56m, 3.5m], figures.Select(f => f.Value));
        Assert.Equal(CountingBasis.TotalPersons, figures[0].Basis);
        Assert.False(figures[0].Approximate);
        Assert.True(figures[1].Approximate);
        Assert.Equal(CountingBasis.DistinctPersons, figures[1].Basis);
        Assert.Equal(CountingBasis.TotalPersons, figures[2].Basis);
    }

    [Fact]
    public void Parse_Units_AreNormalisedAndGiveTheBasis()
    {
        var figures = FigureParser.Parse("利用者数:303人 高校進学率:99％ 配置:88名 相談:10件 開催:4回 世帯数:12世帯 設置:3か所 補助:12,000円").Figures;
        Assert.Equal(["人", "%", "名", "件", "回", "世帯", "か所", "円"], figures.Select(f => f.Unit));
        Assert.Equal(
            [CountingBasis.DistinctPersons, CountingBasis.Rate, CountingBasis.Headcount, CountingBasis.TotalContacts,
             CountingBasis.Times, CountingBasis.DistinctHouseholds, CountingBasis.Places, CountingBasis.Amount],
            figures.Select(f => f.Basis));
    }

    [Fact]
    public void Parse_NumberWithoutUnit_IsAFigureWithoutUnit()
    {
        var figure = Assert.Single(FigureParser.Parse("利用者数:303").Figures);
        Assert.Equal(("利用者数", 303m, (string?)null), (figure.Label, figure.Value, figure.Unit));
    }

    [Fact]
    public void Parse_ASign_IsKeptNeverDropped()
    {
        var figures = FigureParser.Parse("利用者数:-303人 相談件数:－12件 収支 ▲5千円 10-20人").Figures;

        Assert.Equal([-303m, -12m, -5m, 20m], figures.Select(f => f.Value));
        var finding = ReportChecks.Check(new ReportHead(2024, null, ReportStatus.Draft, null, [new(ReportColumnRole.Results, "実績")]),
                new ReportProgram("P001", "学習支援", new Dictionary<ReportColumnRole, string> { [ReportColumnRole.Results] = "利用者数:-303人" }, [], []),
                0.5)
            .Single(f => f.Kind == FindingKind.NegativeFigure);
        Assert.Equal("「利用者数」が負の数 -303人 です（符号の誤りではありませんか）", finding.Message);
    }

    [Fact]
    public void Parse_NumbersThatAreNotCounts_AreNotFigures() =>
        Assert.Empty(FigureParser.Parse("令和6年度から中学3年生を対象に第2回の講座を開始した").Figures);

    [Fact]
    public void Parse_SchoolCounsellorCell_KeepsTheSentenceAsNarrative()
    {
        var parsed = FigureParser.Parse(Seed.ProgramRows()[2][2]);
        Assert.Equal("全市立小・中・高等・中等教育・特別 支援学校と教育支援センターに、88名 のスクールカウンセラーを配置", parsed.Narrative);
        Assert.True(parsed.Figures[0].InNarrative);
        Assert.False(parsed.Figures[1].InNarrative);
        Assert.Equal("対応件数:73,119件", parsed.Figures[1].Text);
    }

    [Fact]
    public void Parse_ItemsOnly_LeaveNoNarrative() =>
        Assert.Equal("", FigureParser.Parse("就業相談:677件 就業情報提供件数:13件 就業支援セミナー:計23回実施").Narrative);
}
