using Tsunagu.Access;
using Tsunagu.Data;
using Tsunagu.Reports;

namespace Tsunagu.Site;

/// <summary>
/// `serve --public`: the public site served live from a database copy on the internet tier — the same pages as `public
/// build`, no sign-in, no cookie, and no route to anything else: two endpoints, both GET.
/// </summary>
public static class PublicServer
{
    public static WebApplication Build(string[] args, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(PublicServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        configure?.Invoke(builder.Configuration);
        // Only what the pages are made from: the database, the published reports' reader, the site. No accounts, no records.
        builder.Services.AddSingleton(TimeProvider.System).AddTsunaguDatabase().AddScoped<ReportReader>().AddScoped<PublicSite>();
        var app = builder.Build();
        app.UseSecurityHeaders();
        app.MapGet("/", (PublicSite site, CancellationToken ct) => ServeAsync(site, "index.html", ct));
        app.MapGet("/{**path}", (string path, PublicSite site, CancellationToken ct) => ServeAsync(site, path, ct));
        return app;
    }

    static async Task<IResult> ServeAsync(PublicSite site, string path, CancellationToken ct) =>
        (await site.RenderAsync(ct)).Files.TryGetValue(path, out var file) ? Results.Bytes(file.Body, file.ContentType) : Results.NotFound();
}
