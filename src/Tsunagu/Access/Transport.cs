using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Tsunagu.Access;

/// <summary>
/// How Tsunagu is reached (section <c>Transport</c>). Over HTTPS — Kestrel's own certificate
/// (<c>Kestrel:Endpoints:Https</c>) or a TLS-terminating proxy in front — every cookie is <c>__Host-</c> and
/// <c>Secure</c>, HSTS is sent and plain HTTP is redirected. Behind a reverse proxy, only the proxies listed are
/// believed about the client's address and scheme.
/// </summary>
public sealed class TransportSettings
{
    public bool Https { get; set; }

    /// <summary>Where plain HTTP is sent: the HTTPS port browsers reach (the proxy's, if there is one).</summary>
    public int HttpsPort { get; set; } = 443;

    /// <summary>Addresses of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (besides loopback).</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>A cookie's name as served: with the __Host- prefix over HTTPS (Secure, path /, no domain).</summary>
    public string CookieName(string name) => Https ? $"__Host-{name}" : name;
}

public static class Transport
{
    public static TransportSettings Settings(IConfiguration configuration) =>
        configuration.GetSection("Transport").Get<TransportSettings>() ?? new TransportSettings();

    /// <summary>Every cookie Tsunagu sets, named and secured for the transport.</summary>
    public static IServiceCollection AddTsunaguTransport(this IServiceCollection services, TransportSettings transport)
    {
        var secure = transport.Https ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        services.ConfigureApplicationCookie(o => (o.Cookie.Name, o.Cookie.SecurePolicy) = (transport.CookieName("tsunagu"), secure));
        services.Configure<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>(IdentityConstants.TwoFactorUserIdScheme,
            o => (o.Cookie.Name, o.Cookie.SecurePolicy, o.Cookie.SameSite) = (transport.CookieName("tsunagu-2fa"), secure, SameSiteMode.Strict));
        services.Configure<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>(IdentityConstants.TwoFactorRememberMeScheme,
            o => (o.Cookie.Name, o.Cookie.SecurePolicy, o.Cookie.SameSite) = (transport.CookieName("tsunagu-device"), secure, SameSiteMode.Strict));
        services.AddAntiforgery(o => (o.Cookie.Name, o.Cookie.SecurePolicy) = (transport.CookieName("tsunagu-csrf"), secure));
        services.Configure<CookieTempDataProviderOptions>(o => (o.Cookie.Name, o.Cookie.SecurePolicy, o.Cookie.SameSite) = (transport.CookieName("tsunagu-notice"), secure, SameSiteMode.Strict));
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in transport.KnownProxies)
            {
                o.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            }
        });
        services.AddHttpsRedirection(o => o.HttpsPort = transport.HttpsPort);
        services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(365);
            // The city's own host name may be anything, localhost included when a proxy forwards to it.
            o.ExcludedHosts.Clear();
        });
        return services;
    }

    /// <summary>First in the pipeline: the client's real address and scheme, then HTTPS only where it is served.</summary>
    public static IApplicationBuilder UseTsunaguTransport(this IApplicationBuilder app, TransportSettings transport)
    {
        app.UseForwardedHeaders();
        if (transport.Https)
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }
        return app;
    }
}

public static class SecurityHeaders
{
    /// <summary>
    /// What every response carries: a content security policy with no inline script or style and nothing from
    /// elsewhere (the city network has no internet), no framing, no MIME sniffing, no referrer outside.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy =
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "same-origin";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        // Pages and API answers carry persons' records: never kept by a browser, a shared computer or a proxy. Only
        // what sets its own (the static files) is exempt.
        context.Response.OnStarting(() =>
        {
            if (!context.Response.Headers.ContainsKey("Cache-Control"))
            {
                context.Response.Headers.CacheControl = "no-store";
            }
            return Task.CompletedTask;
        });
        await next();
    });
}
