using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Data;
using Tsunagu.Indicators;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Indicators;

/// <summary>The contact facts the database keeps are always what counting the contacts themselves gives.</summary>
public class ContactFactsTests
{
    static readonly FixedTime Time = new(new DateTimeOffset(2025, 5, 1, 9, 0, 0, TimeSpan.FromHours(9)));

    static async Task AssertFactsMatchRecordsAsync(TsunaguDb db, int fiscalYear)
    {
        var computer = new IndicatorComputer(db, new IndicatorDefinitions(db, Time));
        var programs = await db.Programs.Select(p => p.Id).ToListAsync();
        var facts = await computer.ContactCellsAsync(programs, fiscalYear);
        var records = await computer.ContactCellsAsync(programs, fiscalYear, fromRecords: true);
        Assert.NotEmpty(records);
        Assert.Equal(records.OrderBy(c => c.ToString()), facts.OrderBy(c => c.ToString()));
        // The per-person-per-year facts: persons served, all of them and the guardians among them.
        var guardians = MeasureFilter.Parse("本人区分=保護者", MeasureKind.ServedPersons, [], new Dictionary<string, int>());
        var served = new List<(int Facts, int Records)>();
        foreach (var program in programs)
        {
            foreach (var filter in new[] { MeasureFilter.All, guardians })
            {
                served.Add((await computer.ServedPersonsAsync(program, fiscalYear, filter), await computer.ServedPersonsAsync(program, fiscalYear, filter, fromRecords: true)));
            }
        }
        Assert.All(served, s => Assert.Equal(s.Records, s.Facts));
        Assert.Contains(served, s => s.Records > 0);
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Facts_FollowInsertsImportsCorrectionsAndDeletes(DatabaseKind kind)
    {
        using var files = new TempFolder();
        await using var database = await IndicatorComputeTests.HandMadeCityAsync(kind, files);
        await using var db = database.NewDb();
        await AssertFactsMatchRecordsAsync(db, 2024);

        // An import of a guardian's consultations (保護者支援) and a child's, one on a Saturday evening.
        var csv = files.Write("import.csv", """
            氏名,ふりがな,生年月日,本人区分,記録日,時刻,種別,分類,方法,事業所
            山田 花子,やまだ はなこ,1980-02-02,保護者,2024-06-01,18:00,相談,女性相談,電話,青葉区役所
            山田 花子,やまだ はなこ,1980-02-02,保護者,2024-06-03,10:00,相談,母子保健,来所,
            山田 一郎,やまだ いちろう,2012-05-05,児童・生徒,2025-03-31,08:00,相談,母子保健,来所,
            """, new UTF8Encoding(true));
        Assert.Equal(0, (await CliRun.RunAsync(database, "records", "import", csv, "--program", "P006")).ExitCode);
        await AssertFactsMatchRecordsAsync(db, 2024);

        // A correction moves a contact into the next year and to another category; another is deleted.
        var first = await db.Contacts.Where(c => c.Category == "女性相談" && c.Date == new DateOnly(2024, 4, 1)).SingleAsync();
        (first.Date, first.Category) = (new DateOnly(2025, 4, 2), "母子保健");
        await db.SaveChangesAsync();
        await db.Contacts.Where(c => c.Category == "ひとり親家庭相談").ExecuteDeleteAsync();
        await AssertFactsMatchRecordsAsync(db, 2024);
        await AssertFactsMatchRecordsAsync(db, 2025);

        await IndicatorComputeTests.DefineAsync(db,
            new("P006", "women", 2024, 0, "女性相談", "件", MeasureKind.Contacts, "分類=女性相談"),
            new("P006", "guardian", 2024, 1, "保護者支援", "件", MeasureKind.Contacts, "関係者=保護者"));
        var figures = await new IndicatorComputer(db, new IndicatorDefinitions(db, Time)).ComputeAsync(2024);
        // 女性相談: 31 March 2025 and the imported one (1 April 2024 moved away). 保護者支援: those two and the imported
        // 母子保健 of the mother (the deleted one with two persons no longer counts).
        Assert.Equal([2m, 3m], figures.Select(f => f.Value!.Value));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task ACorrectionThroughTheApi_IsReflectedInTheNextComputation(DatabaseKind kind)
    {
        // In May 2025, so that a contact can be corrected into April 2025 (never into the future).
        await using var world = await RecordsWorld.CreateAsync(kind, time: new FixedTime(new DateTimeOffset(2025, 5, 1, 10, 0, 0, TimeSpan.FromHours(9))));
        await using (var db = world.Database.NewDb())
        {
            await IndicatorComputeTests.DefineAsync(db, new DefinitionInput("P008", "consultations", 2024, 0, "相談件数", "件", MeasureKind.Contacts));
        }
        var before = await CliRun.RunAsync(world.Database, "indicators", "compute", "--fiscal-year", "2024");
        await using var check = world.Database.NewDb();
        var contactId = await check.Contacts.Where(c => c.Persons.Any(p => p.PersonId == world.Bob)).Select(c => c.Id).SingleAsync();
        object Correction(string date) => new { Date = date, Time = "10:00", Kind = "HomeVisit", Channel = "Home", Reason = "日付の誤り" };

        var outsider = await (await world.SignInAsync("caseworkerA")).Http.PutAsJsonAsync($"/api/v1/contacts/{contactId}", Correction("2025-04-03"));
        var corrected = await (await world.SignInAsync("caseworkerB")).Http.PutAsJsonAsync($"/api/v1/contacts/{contactId}", Correction("2025-04-03"));
        var after = await CliRun.RunAsync(world.Database, "indicators", "compute", "--fiscal-year", "2024");

        Assert.Contains("P008\t相談件数\t1件", before.Out);
        Assert.Equal(HttpStatusCode.NotFound, outsider.StatusCode);
        Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);
        Assert.Contains("P008\t相談件数\t0件", after.Out);
        var audit = await check.AuditEntries.SingleAsync(a => a.Action == "contact.correct");
        Assert.Equal(("2024-06-03 15:00 学習支援 （分類なし） 来所 事業所:なし", "2025-04-03 10:00 家庭訪問 （分類なし） 訪問 事業所:なし", "日付の誤り"),
            (audit.Before, audit.After, audit.Reason));
    }
}
