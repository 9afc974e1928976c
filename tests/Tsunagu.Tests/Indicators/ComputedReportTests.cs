using Microsoft.EntityFrameworkCore;
using Tsunagu.Indicators;
using Tsunagu.Reports;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Indicators;

/// <summary>The hand-made city of <see cref="IndicatorComputeTests"/> with the seed's FY2024 table as the draft.</summary>
public class ComputedReportTests
{
    static readonly FixedTime Time = new(new DateTimeOffset(2025, 5, 1, 9, 0, 0, TimeSpan.FromHours(9)));

    static async Task<string> ResultsAsync(TestDatabase database, string code)
    {
        await using var db = database.NewDb();
        return await db.ReportRows.Where(r => r.Program.Code == code).Select(r => r.Results).SingleAsync();
    }

    static async Task DefineAsync(TestDatabase database)
    {
        await using var db = database.NewDb();
        await IndicatorComputeTests.DefineAsync(db,
            new("P001", "pupils", 2024, 0, "利用者数", "人", MeasureKind.EnrolledPersons, "本人区分=児童・生徒"),
            new("P003", "contacts", 2024, 1, "対応件数", "件", MeasureKind.Contacts),
            new("P003", "placed", 2024, 0, "スクールカウンセラー", "名", MeasureKind.Placements),
            new("P006", "women", 2024, 0, "女性相談", "件", MeasureKind.Contacts, "分類=女性相談", Wording: "{label} {value}{unit}"),
            new("P006", "evening", 2024, 3, "夜間・土曜の相談", "件", MeasureKind.Contacts, "時間帯=夜間,土曜"));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Compute_WritesTheFiguresIntoTheDraftInTheProgramsWording_KeepingManualValuesAndTheRest(DatabaseKind kind)
    {
        using var files = new TempFolder();
        await using var database = await IndicatorComputeTests.HandMadeCityAsync(kind, files);
        await DefineAsync(database);
        await using (var db = database.NewDb())
        {
            // 対応件数 is set by hand, and is also defined; 保護者支援 has no definition.
            await new ReportWorkflow(db, Time).SetFigureAsync(2024, "P003", 1, 70_000, "planner@city", null);
        }

        var compute = await CliRun.RunAsync(database, "indicators", "compute", "--fiscal-year", "2024");

        Assert.Equal(0, compute.ExitCode);
        // The number changes in place; 高校進学率 has no definition and stays as drafted.
        Assert.Equal("利用者数:4人 高校進学率:99%", await ResultsAsync(database, "P001"));
        // 3 counsellors in the sentence as written (its wrap space kept); the manual 対応件数 stays, 保護者支援 untouched.
        Assert.Equal("全市立小・中・高等・中等教育・特別 支援学校と教育支援センターに、3名 のスクールカウンセラーを配置 対応件数:70,000件 保護者支援:7,762件",
            await ResultsAsync(database, "P003"));
        // A figure the draft does not print is added in its definition's wording.
        Assert.Equal("女性相談 2件 ひとり親家庭相談 1,787件 母子保健 6,294件 夜間・土曜の相談:2件", await ResultsAsync(database, "P006"));
        Assert.Contains("P003\t「対応件数」は手入力の値 70,000件 のままです（記録からの集計は 0件）。", compute.Out);
        await using var records = database.NewDb();
        var audit = await records.AuditEntries.Where(a => a.Action == "indicator.compute").OrderBy(a => a.ProgramCode).ToListAsync();
        Assert.Equal(["P001", "P003", "P006"], audit.Select(a => a.ProgramCode));
        Assert.Equal(("利用者数:303人 高校進学率:99%", "利用者数:4人 高校進学率:99%"), (audit[0].Before, audit[0].After));
        // The cell's figures follow the text; the manual one stays marked as manual.
        var p003 = await records.IndicatorValues.Where(v => v.FiscalYear == 2024 && v.Program.Code == "P003" && v.Source != IndicatorSource.Computed)
            .OrderBy(v => v.Position).Select(v => new { v.Label, v.Value, v.Source }).ToListAsync();
        Assert.Equal([("スクールカウンセラー", 3m, IndicatorSource.Imported), ("対応件数", 70_000m, IndicatorSource.Manual), ("保護者支援", 7_762m, IndicatorSource.Imported)],
            p003.Select(v => (v.Label, v.Value, v.Source)));

        // The difference stays a data-quality finding of the year, until someone decides.
        var check = await CliRun.RunAsync(database, "report", "check", "--fiscal-year", "2024");
        Assert.Contains("P003\tスクールカウンセラー配置事業\t令和6年度実績(件数等)\tcomputed-differs\t「対応件数」は記録からの集計では 0件 です（実績欄は 70,000件）\t「対応件数:70,000件」",
            check.Out);
        Assert.Single(check.Out.Split('\n'), l => l.Contains("computed-differs"));

        // Computing again changes nothing and adds no second set of figures.
        await CliRun.RunOkAsync(database, "indicators", "compute", "--fiscal-year", "2024");
        Assert.Equal(5, await records.IndicatorValues.CountAsync(v => v.FiscalYear == 2024 && v.Source == IndicatorSource.Computed));
        Assert.Equal(3, await records.AuditEntries.CountAsync(a => a.Action == "indicator.compute"));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Compute_NeverChangesAPublishedYear_AndReportsTheDifferences(DatabaseKind kind)
    {
        using var files = new TempFolder();
        await using var database = await IndicatorComputeTests.HandMadeCityAsync(kind, files);
        await DefineAsync(database);
        await using (var db = database.NewDb())
        {
            var workflow = new ReportWorkflow(db, Time);
            foreach (var status in new[] { ReportStatus.BureauCheck, ReportStatus.Compiled, ReportStatus.CouncilFinal, ReportStatus.Published })
            {
                await workflow.MoveAsync(2024, status, "planner@city", null);
            }
        }
        await using var check = database.NewDb();
        var before = await check.ReportRows.AsNoTracking().OrderBy(r => r.Position).Select(r => r.Results).ToListAsync();
        var snapshot = await check.ReportPublications.AsNoTracking().SingleAsync();

        var compute = await CliRun.RunAsync(database, "indicators", "compute", "--fiscal-year", "2024");

        Assert.Equal(0, compute.ExitCode);
        Assert.Contains("令和6年度の報告は「公表」のため、集計結果は保存せず実績欄も変えていません。", compute.Out);
        Assert.Contains("P001\t「利用者数」は報告では 303人、記録からの集計は 4人 です。", compute.Out);
        Assert.Equal(before, await check.ReportRows.AsNoTracking().OrderBy(r => r.Position).Select(r => r.Results).ToListAsync());
        Assert.Equal(snapshot.Snapshot, (await check.ReportPublications.AsNoTracking().SingleAsync()).Snapshot);
        Assert.False(await check.IndicatorValues.AnyAsync(v => v.Source == IndicatorSource.Computed));
        Assert.False(await check.AuditEntries.AnyAsync(a => a.Action == "indicator.compute"));
        // Nor can the way a published year was counted be redefined.
        var redefine = await Assert.ThrowsAsync<DefinitionException>(() => new IndicatorDefinitions(check, Time)
            .SaveAsync(new("P001", "pupils", 2024, 0, "利用者数", "人", MeasureKind.EnrolledPersons), "planner"));
        Assert.StartsWith("令和6年度は公表済みです。", redefine.Message);
    }
}
