using System.Net;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Contacts;
using Tsunagu.Indicators;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Indicators;

/// <summary>月別の実績: a program's figures by month, beside last year's, counted as the year's figures are.</summary>
public class MonthlyFiguresTests
{
    static readonly DefinitionInput[] Definitions =
    [
        new("P001", "contacts", 2023, 0, "支援件数", "件", MeasureKind.Contacts),
        new("P001", "consultations", 2023, 1, "相談件数", "件", MeasureKind.Contacts, "種別=相談"),
        new("P001", "served", 2023, 2, "支援した実人数", "人", MeasureKind.ServedPersons),
        new("P001", "share", 2023, 3, "相談の割合", "%", MeasureKind.Rate, NumeratorKey: "consultations", DenominatorKey: "contacts"),
    ];

    /// <summary>
    /// Besides Alice's two study sessions of June 2024: a year of contacts before, and a consultation with her mother in May.
    /// 25 June 2023 lies after the same day last year (20 June), so it is in last year's June but not its year-to-date.
    /// </summary>
    static async Task SeedAsync(RecordsWorld world)
    {
        await using var db = world.Database.NewDb();
        var program = await world.ProgramIdAsync("P001");
        Contact Of(int personId, DateOnly date, ContactKind kind) => new()
        {
            ProgramId = program,
            Date = date,
            Kind = kind,
            Channel = ContactChannel.Visit,
            StaffName = "職員",
            Persons = [new ContactPerson { PersonId = personId }],
        };
        db.Contacts.AddRange(
            Of(world.Alice, new DateOnly(2023, 4, 10), ContactKind.StudySession),
            Of(world.Alice, new DateOnly(2023, 6, 5), ContactKind.StudySession),
            Of(world.Mother, new DateOnly(2023, 6, 5), ContactKind.Consultation),
            Of(world.Mother, new DateOnly(2023, 6, 25), ContactKind.Consultation),
            Of(world.Alice, new DateOnly(2024, 2, 10), ContactKind.StudySession),
            Of(world.Mother, new DateOnly(2024, 5, 15), ContactKind.Consultation));
        await db.SaveChangesAsync();
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task TheMonthsSoFar_StandBesideLastYearsSameMonths_AndAFinishedYearsMonthsAddUpToItsFigure(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        await world.DefineAsync(Definitions);
        await SeedAsync(world);
        var manager = await world.SignInAsync("managerA");

        var page = await manager.GetDocumentAsync("/programs/P001/months");
        var lastYearPage = await manager.GetDocumentAsync("/programs/P001/months?year=2023");
        var annual = await world.ComputeAsync(2023);
        await using var db = world.Database.NewDb();
        var (months, figures) = await new MonthlyFigures(db, new IndicatorDefinitions(db, RecordsWorld.Today),
            new IndicatorComputer(db, new IndicatorDefinitions(db, RecordsWorld.Today)), RecordsWorld.Today).ForAsync(await world.ProgramIdAsync("P001"), 2023);

        static string[] Rows(AngleSharp.Dom.IElement section) =>
            [.. section.QuerySelectorAll("tbody tr").Select(r => string.Join(' ', r.Children.Select(c => c.TextContent)))];
        var sections = page.QuerySelectorAll("section.figure-months").ToList();
        Assert.Equal(["支援件数", "相談件数", "支援した実人数", "相談の割合"], sections.Select(s => s.QuerySelector("h2")!.TextContent));
        // April to June 2024 (up to 20 June) beside April to June 2023.
        Assert.Equal(["4月 0件 1件 −1", "5月 1件 0件 +1", "6月 2件 3件 −1"], Rows(sections[0]));
        Assert.Equal(["4月 0人 1人 −1", "5月 1人 0人 +1", "6月 1人 2人 −1"], Rows(sections[2]));
        Assert.Equal(["4月 — 0% —", "5月 100% — —", "6月 0% 67% −67"], Rows(sections[3]));
        // Up to 20 June each year: 3 contacts this year, 3 the year before (the 25 June consultation not yet).
        Assert.Equal("年度累計 3件（前年度の同じ時期 3件）", sections[0].QuerySelector("p")!.TextContent);
        Assert.Equal("年度累計 1件（前年度の同じ時期 1件）", sections[1].QuerySelector("p")!.TextContent);
        Assert.NotNull(sections[0].QuerySelector("svg.chart title"));
        Assert.Equal(12, lastYearPage.QuerySelectorAll("section.figure-months")[0].QuerySelectorAll("tbody tr").Length);
        // The months of a finished year add up to the year's figure, counted by the annual computation.
        Assert.Equal(12, months.Count);
        Assert.Equal(annual["P001.contacts"], figures.Single(f => f.Definition.Key == "contacts").ThisYear.Sum());
        Assert.Equal(annual["P001.consultations"], figures.Single(f => f.Definition.Key == "consultations").ThisYear.Sum());
        Assert.Equal(annual["P001.served"], figures.Single(f => f.Definition.Key == "served").ToDate);
    }

    [Theory]
    [InlineData("caseworkerA", "/programs/P001/months")]
    [InlineData("planner", "/programs/P001/months")]
    [InlineData("viewer", "/programs/P001/months")]
    [InlineData("managerA", "/programs/P008/months")]
    public async Task OnlyTheProgramsManagers_SeeItsMonths(string user, string url)
    {
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite);
        var client = await world.SignInAsync(user);

        var response = await client.Http.GetAsync(url);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("年度累計", await response.Content.ReadAsStringAsync());
    }
}
