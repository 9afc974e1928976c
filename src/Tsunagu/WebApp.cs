using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Attachments;
using Tsunagu.Contacts;
using Tsunagu.Data;
using Tsunagu.Idempotency;
using Tsunagu.Monitoring;
using Tsunagu.People;
using Tsunagu.Placements;
using Tsunagu.Programs;
using Tsunagu.Referrals;
using Tsunagu.Reports;
using Tsunagu.Sessions;
using Tsunagu.Subsidies;

namespace Tsunagu;

public static class TsunaguServices
{
    /// <summary>Everything the web application and the command line share.</summary>
    public static IServiceCollection AddTsunagu(this IServiceCollection services) => services
        .AddSingleton(TimeProvider.System)
        .AddTsunaguDatabase()
        .AddScoped<ReportImporter>()
        .AddScoped<ReportReader>()
        .AddScoped<ReportWorkflow>()
        .AddScoped<Indicators.IndicatorDefinitions>()
        .AddScoped<Indicators.IndicatorComputer>().AddScoped<Indicators.MonthlyFigures>()
        .AddScoped<Indicators.Breakdowns>()
        .AddScoped<Indicators.FigureComputation>()
        .AddScoped<Demo.DemoCity>()
        .AddScoped<Records.Import.RecordImporter>()
        .AddScoped<Places.SchoolList>()
        .AddScoped<Places.OfficeList>()
        .AddScoped<Indicators.DefinitionFile>()
        // Case work: each service checks the scope of the current user (ICurrentUser: the web's signed-in account,
        // or the operator at the command line).
        .AddScoped<RecordScope>().AddSingleton<AccessLogWriter>()
        .AddScoped<PersonService>().AddScoped<PersonMergeService>().AddScoped<RestrictionService>().AddScoped<ContactDetailsService>().AddScoped<AttachmentService>().AddScoped<Catalogue.CatalogueService>().AddScoped<Site.PublicSite>().AddSingleton<AttachmentStore>().AddScoped<Tsunagu.Plans.SupportPlanService>().AddScoped<Tsunagu.Tasks.CaseTaskService>().AddScoped<ContactService>().AddScoped<ReferralService>().AddScoped<SessionService>()
        .AddScoped<SubsidyService>().AddScoped<PlacementService>()
        .AddScoped<Backup.Backups>()
        .AddSingleton(sp => Retention.RetentionRules.From(sp.GetRequiredService<IConfiguration>())).AddScoped<Retention.RecordRetention>()
        // Notices: the campaigns (under the user's programs) and the queue (the server's own, no user).
        .AddScoped<Notices.CampaignService>().AddScoped<Notices.Outbox>().AddScoped<Notices.PaperLetters>()
        .AddHttpClient("line", client => client.Timeout = TimeSpan.FromSeconds(30)).Services;
}

/// <summary>The web application behind <c>tsunagu serve</c>.</summary>
public static class WebApp
{
    /// <summary>The pages that show persons: each has the person-read rate limit.</summary>
    static readonly string[] RecordFolders = ["/People", "/Attachments", "/Plans", "/Referrals", "/Sessions", "/Subsidies", "/Activities"];

    public static WebApplication Build(string[] args, Action<IConfigurationBuilder>? configure = null, Action<WebApplicationBuilder>? customize = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // Pages are found in the application's assembly; named here so a test host that builds the app finds them too.
            ApplicationName = typeof(WebApp).Assembly.GetName().Name,
            // The executable's folder, wherever it is started from: appsettings.json and wwwroot travel with it.
            ContentRootPath = AppContext.BaseDirectory,
        });
        configure?.Invoke(builder.Configuration);
        // Under systemd (Type=notify: ready once listening, journald's log levels) or as a Windows service (the
        // service control manager, the Event Log); neither does anything when started from a terminal.
        builder.Services.AddSystemd();
        builder.Services.AddWindowsService(o => o.ServiceName = "Tsunagu");
        customize?.Invoke(builder);
        builder.AddTsunaguMonitoring();

        var transport = Transport.Settings(builder.Configuration);
        builder.Services.AddTsunagu().AddTsunaguAccounts().AddTsunaguSignIn().AddTsunaguTransport(transport);
        builder.Services.AddScoped<AccessGrants>().AddScoped<AccessLogSearch>().AddTsunaguRateLimits(builder.Configuration);
        builder.Services.AddHttpContextAccessor().AddScoped<ICurrentUser, HttpCurrentUser>();
        builder.Services.Configure<RouteOptions>(o => o.ConstraintMap[Calendar.FiscalYearRouteConstraint.Name] = typeof(Calendar.FiscalYearRouteConstraint));
        builder.Services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor, Idempotency.IdempotencyInterceptor>();
        builder.Services.AddSingleton<Pages.UploadStore>();
        builder.Services.AddHostedService<Notices.NoticeScheduler>();
        builder.Services.AddRazorPages(o =>
        {
            // Reports and figures for those who report; people's records only for those who work with them.
            o.Conventions.AuthorizeFolder("/Reports", Policies.Read);
            o.Conventions.AuthorizeFolder("/Programs", Policies.Read);
            o.Conventions.AuthorizeFolder("/Indicators", Policies.Read);
            o.Conventions.AuthorizeFolder("/Users", Policies.Administer);
            o.Conventions.AuthorizeFolder("/Approvals", Policies.Approve);
            o.Conventions.AuthorizeFolder("/People", Policies.Records);
            o.Conventions.AuthorizeFolder("/Contacts", Policies.Records);
            o.Conventions.AuthorizeFolder("/Plans", Policies.Records);
            o.Conventions.AuthorizeFolder("/Attachments", Policies.Records);
            o.Conventions.AuthorizeFolder("/Caseload", Policies.Records);
            o.Conventions.AuthorizeFolder("/Referrals", Policies.Records);
            o.Conventions.AuthorizeFolder("/Sessions", Policies.Records);
            o.Conventions.AuthorizeFolder("/Subsidies", Policies.Records);
            o.Conventions.AuthorizeFolder("/AccessLog", Policies.Audit);
            o.Conventions.AuthorizeFolder("/Places");
            // Public information: every member of staff reads it (to tell a family); the service says who edits.
            o.Conventions.AuthorizeFolder("/Catalogue");
            o.Conventions.AuthorizeFolder("/Notices");
            o.Conventions.AuthorizeFolder("/Activities", Policies.Records);
            foreach (var folder in RecordFolders)
            {
                o.Conventions.LimitPersonReads(folder);
            }
            o.Conventions.LimitPersonReadsOnPage("/Indicators/Figure");
            o.Conventions.AllowAnonymousToPage("/Account/Login");
            o.Conventions.AllowAnonymousToPage("/Error");
            o.Conventions.AuthorizePage("/Account/ChangePassword");
            o.Conventions.AuthorizePage("/Account/MfaSetup");
            o.Conventions.AuthorizePage("/Account/Sessions");
            o.Conventions.AllowAnonymousToPage("/Account/Mfa");
            o.Conventions.AuthorizePage("/Account/Logout");
            o.Conventions.AuthorizePage("/Account/Denied");
            // The start page: anyone signed in (it shows each role its own way in). No page rests on the fallback alone.
            o.Conventions.AuthorizePage("/Index");
        }).AddMvcOptions(o => o.ModelBinderProviders.Insert(0, new Pages.FullWidthInputBinderProvider()));
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.HeaderName = "X-CSRF-TOKEN";
        });
        // Japanese stays Japanese in the HTML rather than &#x...; entities.
        builder.Services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(
            o => o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        builder.Services.AddProblemDetails().AddExceptionHandler<RefusalHandler>();
        // Kinds, channels and provenances by name ("StudySession"), as the OpenAPI document lists them; numbers as numbers
        // only (a "12" for 12 is the caller's 400), so the document types them as numbers, not number-or-string.
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
        });
        builder.Services.AddValidation();
        builder.Services.AddOpenApi("v1", ApiDocument.Describe);
        // The reading server down leaves case workers working: Degraded (still 200 for a load balancer), not Unhealthy.
        builder.Services.AddHealthChecks().AddDbContextCheck<TsunaguDb>()
            .AddCheck<ReadingServerCheck>("reading", Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded);

        var app = builder.Build();
        // The monitoring port first: neither HTTPS redirection nor sign-in applies to it.
        app.UseTsunaguMetrics();
        app.UseTsunaguTransport(transport);
        // A page's failure shows the Japanese error page; an API call's gets problem details, and a body that cannot
        // be read (an unknown enum name, a malformed date) is the caller's 400, not the server's 500. A refusal
        // (not found, not yours, invalid, conflict) is answered by RefusalHandler, for every API endpoint alike.
        // A request the server refuses to read (a body over its limit is 413) keeps its status on either; a database that
        // cannot be reached or written (down, full, read-only) is 503 with what happened, on either.
        static int StatusOf(Exception e) => e is BadHttpRequestException bad ? bad.StatusCode
            : DatabaseFault.Describe(e) is not null ? StatusCodes.Status503ServiceUnavailable
            : StatusCodes.Status500InternalServerError;
        app.UseWhen(c => !c.Request.IsApi(), a => a.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandlingPath = "/error", StatusCodeSelector = StatusOf }));
        app.UseWhen(c => c.Request.IsApi(), a => a.UseExceptionHandler(new ExceptionHandlerOptions { StatusCodeSelector = StatusOf }));
        // Pages get a Japanese page for 404 and the like; the API gets problem details (RFC 9457).
        app.UseWhen(c => !c.Request.IsApi(), a => a.UseStatusCodePagesWithReExecute("/error", "?status={0}"));
        app.UseWhen(c => c.Request.IsApi(), a => a.UseStatusCodePages());
        app.UseSecurityHeaders();
        // Stylesheets and scripts may be kept and revalidated; everything else is marked no-store (UseSecurityHeaders).
        app.UseStaticFiles(new StaticFileOptions { OnPrepareResponse = c => c.Context.Response.Headers.CacheControl = "no-cache" });
        app.UseRouting();
        app.UseAuthentication();
        app.UseAccountGates();
        app.UseAuthorization();
        app.UseRateLimiter();
        // An API write sent again with the same Idempotency-Key gets the first answer instead of being done twice.
        app.UseIdempotencyKeys();

        // For a load balancer or monitoring on the city network: one word, no data.
        app.MapHealthChecks("/health").AllowAnonymous();
        app.MapRazorPages();
        // A signed-in page's script renews an idle session while its user is typing (or asks to stay).
        app.MapGet("/account/keepalive", () => Results.NoContent()).RequireAuthorization().ExcludeFromDescription();
        // /api/v1, each feature's endpoints beside it; the document lists them all.
        app.MapOpenApi("/api/v1/openapi.json").RequireAuthorization();
        app.MapReportsApi();
        app.MapProgramsApi();
        app.MapPeopleApi();
        app.MapContactsApi();
        app.MapSessionsApi();
        app.MapReferralsApi();
        app.MapSubsidiesApi();
        app.MapPlacementsApi();
        app.MapAttachments();
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
        await DatabaseServices.PrepareAsync(db, settings, scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Tsunagu.Database"), ct);
        // In development a ring without a certificate is the norm; at the city it is a finding.
        if (settings.Keys is { KeysProtected: false } ring && services.GetService<IHostEnvironment>()?.IsProduction() == true)
        {
            scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Tsunagu.Keys").LogWarning(
                "The key ring's keys in {Where} are not encrypted: set KeyRing:Certificate:Path (docs/operations.md, 5a)", ring.Where);
        }
        // An upload left waiting by a server that stopped goes after a day, without waiting for the next upload.
        scope.ServiceProvider.GetService<Pages.UploadStore>()?.Sweep();
        if (settings.Provider != DatabaseProvider.Sqlite || await db.Reports.AnyAsync(ct) || await db.Programs.AnyAsync(ct))
        {
            return;
        }
        var result = await SampleData.ImportAsync(scope.ServiceProvider.GetRequiredService<ReportImporter>(), ct);
        scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Tsunagu.SampleData").LogInformation(
            "Loaded the sample report for fiscal year {FiscalYear}: {Rows} programs", result.FiscalYear, result.Rows);
        if (!await db.Users.AnyAsync(ct))
        {
            scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Tsunagu.Accounts").LogWarning(
                "No account exists yet. Create the first administrator with: tsunagu users add EMAIL --role admin");
        }
    }
}
