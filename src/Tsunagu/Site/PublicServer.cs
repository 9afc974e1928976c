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
        builder.Services.AddSingleton<RenderedSite>();
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            // No script anywhere; the published tables carry their print styles inline. Public pages may be cached.
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.CacheControl = "public, max-age=300";
            await next();
        });
        string[] methods = ["GET", "HEAD"];
        app.MapMethods("/", methods, (RenderedSite site, IServiceProvider services, CancellationToken ct) => ServeAsync(site, services, "index.html", ct));
        app.MapMethods("/{**path}", methods, (string path, RenderedSite site, IServiceProvider services, CancellationToken ct) => ServeAsync(site, services, path, ct));
        return app;
    }

    static async Task<IResult> ServeAsync(RenderedSite site, IServiceProvider services, string path, CancellationToken ct) =>
        (await site.FilesAsync(services, ct)).TryGetValue(path, out var file) ? Results.Bytes(file.Body, file.ContentType) : Results.NotFound();

    /// <summary>
    /// The site rendered at most once a minute, however many requests come from the internet: a request, found or not,
    /// never costs more than a dictionary look-up between renderings.
    /// </summary>
    sealed class RenderedSite(TimeProvider time) : IDisposable
    {
        readonly SemaphoreSlim gate = new(1, 1);
        IReadOnlyDictionary<string, SiteFile>? files;
        DateTimeOffset renderedAt;

        public void Dispose() => gate.Dispose();

        public async Task<IReadOnlyDictionary<string, SiteFile>> FilesAsync(IServiceProvider services, CancellationToken ct)
        {
            if (files is { } fresh && time.GetUtcNow() - renderedAt < TimeSpan.FromMinutes(1))
            {
                return fresh;
            }
            await gate.WaitAsync(ct);
            try
            {
                if (files is null || time.GetUtcNow() - renderedAt >= TimeSpan.FromMinutes(1))
                {
                    await using var scope = services.CreateAsyncScope();
                    files = (await scope.ServiceProvider.GetRequiredService<PublicSite>().RenderAsync(ct)).Files;
                    renderedAt = time.GetUtcNow();
                }
                return files;
            }
            finally
            {
                gate.Release();
            }
        }
    }
}
