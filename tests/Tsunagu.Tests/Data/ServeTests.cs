using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
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
    public async Task Serve_OnADatabaseWithData_AddsNothing()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        using var files = new TempFolder();
        await CliRun.RunAsync(database, "report", "import", Seed.Write(files.Path, "seed.tsv", Seed.Bytes()), "--fiscal-year", "2023");
        await using var app = WebApp.Build([], database.Configure);

        await WebApp.PrepareAsync(app.Services);

        await using var db = database.NewDb();
        Assert.Equal([2023], await db.Reports.Select(r => r.FiscalYear).ToListAsync());
    }

    [Fact]
    public async Task OtherVerbs_OnAnEmptyDatabase_AddNoData()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);

        await CliRun.RunAsync(database, "report", "list");

        await using var db = database.NewDb();
        Assert.Equal(0, await db.Reports.CountAsync());
    }
}
