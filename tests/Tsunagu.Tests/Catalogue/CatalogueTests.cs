using Microsoft.EntityFrameworkCore;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Catalogue;

/// <summary>The catalogue of support: the demo city's, loaded by the operator and listed.</summary>
public class CatalogueTests
{
    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task TheDemoCatalogue_IsLoadedForAYear_WithItsWindowsInThatFiscalYear_AndOnlyOnce(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        using var files = new TempFolder();
        await CliRun.RunOkAsync(database, "report", "import", Seed.Write(files.Path, "seed.tsv", Seed.Bytes()));

        var loaded = await CliRun.RunOkAsync(database, "catalogue", "demo", "--fiscal-year", "2024");
        var again = await CliRun.RunAsync(database, "catalogue", "demo", "--fiscal-year", "2024");
        var list = await CliRun.RunOkAsync(database, "catalogue", "list", "--fiscal-year", "2024");

        Assert.Contains("令和6年度の支援制度を5件登録しました。", loaded.Out);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("令和6年度の支援制度はすでにあります。", again.Error);
        // February belongs to the fiscal year's second calendar year.
        Assert.Contains("shingaku-challenge\t進学チャレンジ応援補助金\t高3 受験料・模試代\t2024-07-01\t2025-02-28\t学年=高3; 世帯=生活保護,児童扶養手当", list.Out);
        Assert.Contains("jido-fuyo-teate-genkyo\t児童扶養手当 現況届\t8月の現況届\t2024-08-01\t2024-08-31\t世帯=児童扶養手当", list.Out);
        await using var db = database.NewDb();
        Assert.Equal(5, await db.SupportSchemes.CountAsync());
        Assert.Equal(7, await db.SupportSchemes.SelectMany(s => s.Windows).CountAsync());
        var audit = await db.AuditEntries.Where(a => a.Action == "catalogue.save").Select(a => a.Subject).ToListAsync();
        Assert.Contains("scheme:2024:shingaku-challenge", audit);
    }
}
