using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Reports;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Reports;

public class ReportWorkflowTests
{
    static async Task<TestDatabase> SeededAsync(DatabaseKind kind, TempFolder files)
    {
        var database = await TestDatabase.CreateAsync(kind);
        await CliRun.RunOkAsync(database, "report", "import", Seed.Write(files.Path, "seed.tsv", Seed.Bytes()));
        return database;
    }

    static async Task PublishAsync(TestDatabase database)
    {
        foreach (var status in new[] { "局確認", "取りまとめ", "会議資料確定", "公表" })
        {
            var moved = await CliRun.RunAsync(database, "report", "status", "--fiscal-year", "2024", "--to", status);
            Assert.Equal(0, moved.ExitCode);
        }
    }

    [Fact]
    public async Task Status_SkippingAStep_IsRefused()
    {
        using var files = new TempFolder();
        await using var database = await SeededAsync(DatabaseKind.Sqlite, files);

        var result = await CliRun.RunAsync(database, "report", "status", "--fiscal-year", "2024", "--to", "公表");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("次は「局確認」", result.Error);
        await using var db = database.NewDb();
        Assert.Equal(ReportStatus.Draft, await db.Reports.Select(r => r.Status).SingleAsync());
    }

    [Fact]
    public async Task Status_SendingBack_NeedsAReasonAndIsRecorded()
    {
        using var files = new TempFolder();
        await using var database = await SeededAsync(DatabaseKind.Sqlite, files);
        await CliRun.RunOkAsync(database, "report", "status", "--fiscal-year", "2024", "--to", "局確認");

        var withoutReason = await CliRun.RunAsync(database, "report", "status", "--fiscal-year", "2024", "--to", "下書き");
        var withReason = await CliRun.RunAsync(database, "report", "status", "--fiscal-year", "2024", "--to", "draft", "--reason", "評価欄の記入漏れ");

        Assert.Equal(1, withoutReason.ExitCode);
        Assert.Equal(0, withReason.ExitCode);
        Assert.Contains("局確認 → 下書き", withReason.Out);
        Assert.Contains("評価欄の記入漏れ", withReason.Out);
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Correction_AfterPublication_NeedsAReasonAndKeepsThePublishedVersionReadable(DatabaseKind kind)
    {
        using var files = new TempFolder();
        await using var database = await SeededAsync(kind, files);
        await PublishAsync(database);
        var fixedOverview = Seed.ProgramRows()[5][1] + "め、関係機関と連携する。";

        var refused = await CliRun.RunAsync(database, "report", "status", "--fiscal-year", "2024", "--to", "下書き", "--reason", "x");
        var corrected = await CliRun.RunAsync(database, "report", "correct", "--fiscal-year", "2024", "--program", "P006",
            "--column", "overview", "--text", fixedOverview, "--reason", "PDF からの転記で文末が欠けていた");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("公表済み", refused.Error);
        Assert.Equal(0, corrected.ExitCode);
        Assert.Contains("第2版", corrected.Out);

        var current = await CliRun.RunAsync(database, "report", "export", "--fiscal-year", "2024", "--format", "tsv");
        var published = await CliRun.RunAsync(database, "report", "export", "--fiscal-year", "2024", "--format", "tsv", "--published-version", "1");
        Assert.Contains(fixedOverview, current.StandardOutputText);
        Assert.Equal(Seed.Text() + "\n", published.StandardOutputText);

        await using var db = database.NewDb();
        var versions = await db.ReportPublications.OrderBy(p => p.Version).ToListAsync();
        Assert.Equal([1, 2], versions.Select(v => v.Version));
        Assert.Null(versions[0].Reason);
        Assert.Equal("PDF からの転記で文末が欠けていた", versions[1].Reason);
        using var snapshot = JsonDocument.Parse(versions[1].Snapshot);
        Assert.Equal(fixedOverview, snapshot.RootElement.GetProperty("programs")[5].GetProperty("cells").GetProperty("overview").GetString());
    }

    [Fact]
    public async Task Correction_OfResults_ReplacesTheFiguresReadFromIt()
    {
        using var files = new TempFolder();
        await using var database = await SeededAsync(DatabaseKind.Sqlite, files);
        await PublishAsync(database);

        await CliRun.RunOkAsync(database, "report", "correct", "--fiscal-year", "2024", "--program", "P001",
            "--column", "results", "--text", "利用者数:304人 高校進学率:99%", "--reason", "集計漏れ1人");

        await using var db = database.NewDb();
        var values = await db.IndicatorValues.Where(v => v.Program.Code == "P001").OrderBy(v => v.Position).Select(v => v.Value).ToListAsync();
        Assert.Equal([304m, 99m], values);
    }

    [Fact]
    public async Task Correction_BeforePublication_IsRefused()
    {
        using var files = new TempFolder();
        await using var database = await SeededAsync(DatabaseKind.Sqlite, files);

        var result = await CliRun.RunAsync(database, "report", "correct", "--fiscal-year", "2024", "--program", "P001",
            "--column", "evaluation", "--text", "x", "--reason", "y");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("まだ公表されていません", result.Error);
    }
}
