using Microsoft.EntityFrameworkCore;
using Tsunagu.Data;
using Tsunagu.Reports;

namespace Tsunagu;

public static class TsunaguServices
{
    /// <summary>Everything the web application and the command line share.</summary>
    public static IServiceCollection AddTsunagu(this IServiceCollection services, DatabaseSettings settings) => services
        .AddSingleton(TimeProvider.System)
        .AddTsunaguDatabase(settings)
        .AddScoped<ReportImporter>()
        .AddScoped<ReportReader>()
        .AddScoped<ReportWorkflow>();
}

/// <summary>The web application behind <c>tsunagu serve</c>. Pages arrive with the web issue; here: health.</summary>
public static class WebApp
{
    public static WebApplication Build(string[] args, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        configure?.Invoke(builder.Configuration);
        builder.Services.AddTsunagu(DatabaseSettings.From(builder.Configuration));
        builder.Services.AddHealthChecks().AddDbContextCheck<TsunaguDb>();

        var app = builder.Build();
        app.MapHealthChecks("/health");
        return app;
    }

    /// <summary>
    /// Migrates (SQLite) or checks (PostgreSQL) the schema, and gives an empty embedded database the city's FY2024
    /// table so that the first run shows something real. No other verb adds data by itself.
    /// </summary>
    public static async Task PrepareAsync(IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var settings = scope.ServiceProvider.GetRequiredService<DatabaseSettings>();
        var db = scope.ServiceProvider.GetRequiredService<TsunaguDb>();
        await DatabaseServices.PrepareAsync(db, settings, ct);
        if (settings.Provider != DatabaseProvider.Sqlite || await db.Reports.AnyAsync(ct) || await db.Programs.AnyAsync(ct))
        {
            return;
        }
        var result = await SampleData.ImportAsync(scope.ServiceProvider.GetRequiredService<ReportImporter>(), ct);
        scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Tsunagu.SampleData").LogInformation(
            "Loaded the sample report for fiscal year {FiscalYear}: {Rows} programs", result.FiscalYear, result.Rows);
    }
}

/// <summary>The city's published FY2024 table, shipped inside the executable as sample data.</summary>
public static class SampleData
{
    public const string FileName = "r6-main-8-programs.tsv";

    public static Stream Open() => typeof(SampleData).Assembly.GetManifestResourceStream($"Tsunagu.SampleData.{FileName}")
        ?? throw new InvalidOperationException("The sample report is missing from the build.");

    public static async Task<ImportResult> ImportAsync(ReportImporter importer, CancellationToken ct = default)
    {
        var folder = Directory.CreateTempSubdirectory("tsunagu-sample-");
        try
        {
            var path = Path.Combine(folder.FullName, FileName);
            await using (var file = File.Create(path))
            await using (var resource = Open())
            {
                await resource.CopyToAsync(file, ct);
            }
            var result = await importer.ImportAsync(path, null, ct);
            return result.Succeeded
                ? result
                : throw new InvalidOperationException($"The sample report did not import: {result.Errors[0]}");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
