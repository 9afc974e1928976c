using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.AspNetCore.RateLimiting;

namespace Tsunagu.Access;

/// <summary>How fast one account may read persons (configuration section <c>Limits</c>).</summary>
public sealed class LimitSettings
{
    /// <summary>Requests that show persons, per account and minute: a person page, a search, a list.</summary>
    public int PersonReadsPerMinute { get; set; } = 60;

    /// <summary>The access-log page warns auditors of an account that read more distinct persons than this in an hour…</summary>
    public int AlertPersonsPerHour { get; set; } = 100;

    /// <summary>…or in a day (Japan time).</summary>
    public int AlertPersonsPerDay { get; set; } = 300;
}

/// <summary>
/// ASP.NET Core's rate limiter on the paths that show persons, per signed-in account. A case worker opens a few
/// persons a minute; reading a program out page by page is what the limit stops.
/// </summary>
public static class RateLimits
{
    public const string PersonReads = "person-reads";

    public static IServiceCollection AddTsunaguRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection("Limits").Get<LimitSettings>() ?? new LimitSettings();
        services.AddSingleton(settings);
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(PersonReads, context => RateLimitPartition.GetSlidingWindowLimiter(
                context.User.Identity?.Name ?? "",
                _ => new SlidingWindowRateLimiterOptions
                {
                    PermitLimit = settings.PersonReadsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    SegmentsPerWindow = 6,
                    QueueLimit = 0,
                }));
            o.OnRejected = (context, _) =>
            {
                context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Tsunagu.Security")
                    .LogWarning("Person reads rate-limited for {Account} on {Path}", context.HttpContext.User.Identity?.Name,
                        context.HttpContext.GetEndpoint()?.DisplayName);
                return ValueTask.CompletedTask;
            };
        });
        return services;
    }

    /// <summary>Every page of a folder counts against the account's person reads.</summary>
    public static void LimitPersonReads(this PageConventionCollection conventions, string folder) =>
        conventions.AddFolderApplicationModelConvention(folder, Limit);

    public static void LimitPersonReadsOnPage(this PageConventionCollection conventions, string page) =>
        conventions.AddPageApplicationModelConvention(page, Limit);

    static void Limit(PageApplicationModel page) => page.EndpointMetadata.Add(new EnableRateLimitingAttribute(PersonReads));
}
