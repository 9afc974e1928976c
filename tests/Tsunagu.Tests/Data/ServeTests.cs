using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tsunagu.Calendar;
using Tsunagu.People;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Data;

public class ServeTests
{
    [Fact]
    public async Task Serve_OnAnEmptyEmbeddedDatabase_LoadsTheSampleReportAndIsHealthy()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        await using var app = WebApp.Build(["--urls", "http://127.0.0.1:0"], database.Configure);

        await WebApp.PrepareAsync(app.Services);
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            using var http = new HttpClient();
            var health = await http.GetAsync($"{address}/health");

            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
        }
        finally
        {
            await app.StopAsync();
        }
        await using var db = database.NewDb();
        var report = await db.Reports.SingleAsync();
        Assert.Equal((2024, "主な施策8事業の令和6年度実績"), (report.FiscalYear, report.Title));
        Assert.Equal(8, await db.ReportRows.CountAsync());
    }

    [Fact]
    public async Task ServeWithDemo_OnAnEmptyDatabase_ShowsThePublishedYearLastYearAndThisYearSoFar_AndNeverTouchesOneWithRecords()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        await using var app = WebApp.Build([], database.Configure);
        await WebApp.PrepareAsync(app.Services);

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var first = await Tsunagu.Demo.DemoCity.ShowAsync(scope.ServiceProvider, "demo");
            Assert.Equal(3, first.Count);
        }
        await using (var scope = app.Services.CreateAsyncScope())
        {
            Assert.Equal(["記録のあるデータベースなので、架空の街は作りませんでした。"], await Tsunagu.Demo.DemoCity.ShowAsync(scope.ServiceProvider, "demo"));
        }

        // The real clock, as `serve --demo` uses it: this year is the one under way today (FY2026 on 2026-12-04).
        var today = CityClock.Today(TimeProvider.System);
        var thisYear = CityClock.CurrentFiscalYear(TimeProvider.System);
        await using var db = database.NewDb();
        Assert.Equal([2024, thisYear - 1, thisYear], await db.Reports.OrderBy(r => r.FiscalYear).Select(r => r.FiscalYear).ToListAsync());
        // The sample FY2024 table, recomputed from the invented records, prints the same figures; the other years their own.
        Assert.Equal("利用者数:303人 高校進学率:99%", await db.ReportRows.Where(r => r.Program.Code == "P001" && r.ReportId == db.Reports.Single(x => x.FiscalYear == 2024).Id).Select(r => r.Results).SingleAsync());
        Assert.Equal(19, await db.IndicatorValues.CountAsync(v => v.Source == Tsunagu.Indicators.IndicatorSource.Computed && v.FiscalYear == 2024));
        // This year so far: records up to today and none after, its registrations open (the forms are there), last year's closed.
        DateOnly start = FiscalYears.Start(thisYear), lastStart = FiscalYears.Start(thisYear - 1);
        Assert.True(await db.Contacts.CountAsync(c => c.Date >= start) > 100);
        Assert.Equal(0, await db.Contacts.CountAsync(c => c.Date > today));
        Assert.Equal(0, await db.Sessions.CountAsync(s => s.Date > today) + await db.Distributions.CountAsync(d => d.Date > today)
            + await db.Subsidies.CountAsync(s => s.AppliedOn > today || s.DecidedOn > today || s.PaidOn > today));
        Assert.True(await db.Enrollments.CountAsync(e => e.From >= start && e.Status == EnrollmentStatus.Active && e.To == null) > 100);
        Assert.Equal(0, await db.Enrollments.CountAsync(e => e.From >= lastStart && e.From < start && e.Status == EnrollmentStatus.Active));
        Assert.Equal(0, await db.Outcomes.CountAsync(o => o.FiscalYear == thisYear)); // next steps are known when the year ends
    }

    [Fact]
    public async Task Serve_OnADatabaseWithData_AddsNothing()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        using var files = new TempFolder();
        await CliRun.RunOkAsync(database, "report", "import", Seed.Write(files.Path, "seed.tsv", Seed.Bytes()), "--fiscal-year", "2023");
        await using var app = WebApp.Build([], database.Configure);

        await WebApp.PrepareAsync(app.Services);

        await using var db = database.NewDb();
        Assert.Equal([2023], await db.Reports.Select(r => r.FiscalYear).ToListAsync());
    }

    [Fact]
    public async Task OtherVerbs_OnAnEmptyDatabase_AddNoData()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);

        var list = await CliRun.RunAsync(database, "report", "list");

        // The verb ran (it migrated the empty database and listed nothing) and added nothing: only serve loads the sample.
        Assert.Equal((0, "", ""), (list.ExitCode, list.Out, list.Error));
        await using var db = database.NewDb();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(0, await db.Reports.CountAsync());
        Assert.Equal(0, await db.Programs.CountAsync());
    }
}
