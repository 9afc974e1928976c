using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Calendar;
using Tsunagu.Indicators;
using Tsunagu.Japanese;
using Tsunagu.People;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Demo;

public class DemoCityTests
{
    static async Task<CliResult> Run(TestDatabase database, params string[] args)
    {
        var result = await CliRun.RunAsync(database, args);
        Assert.True(result.ExitCode == 0, result.Error + result.Out);
        return result;
    }

    /// <summary>Each program's figures as the 実績 cells of a TSV table print them: label, value and unit, in order.</summary>
    static Dictionary<string, List<(string, decimal, string?)>> FiguresOf(string[][] programRows) =>
        programRows.Where(r => r.Length > 2).ToDictionary(
            r => JapaneseText.MatchKey(r[0]),
            r => FigureParser.Parse(r[2]).Figures.Select(f => (f.Label, f.Value, f.Unit)).ToList());

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task SyntheticCityAtScaleOne_ComputesExactlyTheFiguresOfThePublishedTable(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);

        await Run(database, "demo", "generate", "--fiscal-year", "2024", "--seed", "1");
        var compute = await Run(database, "indicators", "compute", "--fiscal-year", "2024");
        var export = await Run(database, "report", "export", "--fiscal-year", "2024", "--format", "tsv");

        var exported = FiguresOf(export.StandardOutputText.TrimEnd('\n').Split('\n').Skip(3).Select(l => l.Split('\t')).ToArray());
        var published = FiguresOf(Seed.ProgramRows());
        Assert.Equal(published.Keys.Order(), exported.Keys.Order());
        foreach (var (program, figures) in published)
        {
            Assert.Equal(figures, exported[program]);
        }
        // 303人, 99%, 88名, 73,119件, 7,762件, 1回, 677件, 13件, 23回, 1,199件, 1,787件, 6,294件, 265件, 4回, 6,712件.
        Assert.Equal(15, published.Values.Sum(f => f.Count));
        Assert.Contains("P001\t高校進学率\t99%（分子 100 / 分母 101）", compute.Out);
        // Every printed figure was counted from the records with the definition it names.
        await using var db = database.NewDb();
        var computed = await db.IndicatorValues.Where(v => v.FiscalYear == 2024 && v.Source == IndicatorSource.Computed).Include(v => v.Definition).ToListAsync();
        Assert.Equal(19, computed.Count);
        // 情報提供世帯数 is counted from the notices sent, not typed: the demo city has sent none (and the table does not print it).
        Assert.Equal(0m, computed.Single(v => v.Label == "情報提供世帯数").Value);
        Assert.All(computed, v => Assert.Equal(v.Label, v.Definition!.Label));
        Assert.Equal(101m, computed.Single(v => v.Label == "高校進学率").Denominator);
        // FY2024 is over: its registrations ended with it, closed and approved (no year of closures waiting for a manager).
        var fy2024 = await db.Enrollments.Where(e => e.From >= new DateOnly(2024, 4, 1) && e.From <= new DateOnly(2025, 3, 31)).ToListAsync();
        Assert.All(fy2024, e => Assert.Equal((EnrollmentStatus.Ended, new DateOnly(2025, 3, 31), "デモ"), (e.Status, e.To!.Value, e.ClosureApprovedBy)));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task SameSeed_GivesTheSameCity_AnotherSeedAnother(DatabaseKind kind)
    {
        async Task<List<string>> CityAsync(int seed)
        {
            await using var database = await TestDatabase.CreateAsync(kind);
            await Run(database, "demo", "generate", "--fiscal-year", "2023", "--seed", seed.ToString(CultureInfo.InvariantCulture), "--scale", "0.05");
            await using var db = database.NewDb();
            var persons = await db.Persons.OrderBy(p => p.Id).Select(p => p.Name + "|" + p.Kana + "|" + p.BirthDate + "|" + p.Role).ToListAsync();
            var contacts = await db.Contacts.OrderBy(c => c.Id).Select(c => c.ProgramId + "|" + c.Date + "|" + c.Time + "|" + c.Kind + "|" + c.Category + "|" + c.Channel).ToListAsync();
            var sessions = await db.Sessions.OrderBy(s => s.Id).Select(s => s.Title + "|" + s.Date + "|" + s.Attendances.Count).ToListAsync();
            var outcomes = await db.Outcomes.OrderBy(o => o.Id).Select(o => o.PersonId + "|" + o.Kind + "|" + o.Course).ToListAsync();
            return [.. persons, .. contacts, .. sessions, .. outcomes];
        }

        var first = await CityAsync(7);
        var again = await CityAsync(7);
        var other = await CityAsync(8);

        Assert.True(first.Count > 4000, $"{first.Count} rows");
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task DemoRefusesAYearThatHasRecords(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await Run(database, "demo", "generate", "--fiscal-year", "2022", "--scale", "0.01");
        await using var db = database.NewDb();
        var contacts = await db.Contacts.CountAsync();

        var again = await CliRun.RunAsync(database, "demo", "generate", "--fiscal-year", "2022", "--scale", "0.01");

        Assert.Equal(1, again.ExitCode);
        Assert.Contains("令和4年度にはすでに登録・記録があります", again.Error);
        Assert.Equal(contacts, await db.Contacts.CountAsync());
    }

    [Fact]
    public async Task DemoRefusesAYearThatHasNotBegun()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        var next = CityClock.CurrentFiscalYear(TimeProvider.System) + 1;

        var refused = await CliRun.RunAsync(database, "demo", "generate", "--fiscal-year", next.ToString(System.Globalization.CultureInfo.InvariantCulture), "--scale", "0.01");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"{FiscalYears.Label(next)}はまだ始まっていません", refused.Error);
        await using var db = database.NewDb();
        Assert.Equal(0, await db.Persons.CountAsync() + await db.Contacts.CountAsync());
    }
}
