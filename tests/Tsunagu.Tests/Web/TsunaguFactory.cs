using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Web;

/// <summary>The real application in memory, on a test database of its own, with the sample report loaded.</summary>
public sealed class TsunaguFactory(TestDatabase database, TimeProvider? time = null, IReadOnlyDictionary<string, string>? settings = null,
    Action<IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    public const string Password = TestAccounts.Password;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Database:Provider", database.Settings.Provider.ToString());
        builder.UseSetting("ConnectionStrings:Tsunagu", database.Settings.ConnectionString);
        builder.UseSetting("Logging:LogLevel:Default", Environment.GetEnvironmentVariable("TSUNAGU_TEST_LOG") ?? "Warning");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }
        // Hashing at the production cost (100,000 PBKDF2 rounds) for every test account would keep both cores busy;
        // the hashing is Identity's, and the tests check what is done with the result.
        builder.ConfigureServices(services => services.Configure<Microsoft.AspNetCore.Identity.PasswordHasherOptions>(o => o.IterationCount = 1000));
        if (time is not null)
        {
            builder.ConfigureServices(services => services.AddSingleton(time));
        }
        if (services is not null)
        {
            builder.ConfigureServices(services);
        }
    }

    public static async Task<TsunaguFactory> StartAsync(TestDatabase database, TimeProvider? time = null, IReadOnlyDictionary<string, string>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        if (database.Settings.Provider != Tsunagu.Data.DatabaseProvider.Sqlite)
        {
            // On PostgreSQL migrating is the operator's step (`tsunagu db migrate`); SQLite migrates itself.
            await using var db = database.NewDb();
            await db.Database.MigrateAsync();
        }
        var factory = new TsunaguFactory(database, time, settings, services);
        await WebApp.PrepareAsync(factory.Services);
        if (database.Settings.Provider != Tsunagu.Data.DatabaseProvider.Sqlite)
        {
            await using var scope = factory.Services.CreateAsyncScope();
            await Tsunagu.Reports.SampleData.ImportAsync(scope.ServiceProvider.GetRequiredService<Tsunagu.Reports.ReportImporter>());
        }
        return factory;
    }

    public Task<string> AddUserAsync(string role) => TestAccounts.AddAsync(Services, role);
}
