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

    /// <summary>Sign-in and second-factor attempts per client address and minute…</summary>
    public int SignInsPerMinutePerAddress { get; set; } = 30;

    /// <summary>…and per account (besides the lockout after five failures).</summary>
    public int SignInsPerMinutePerAccount { get; set; } = 10;
}

/// <summary>
/// Sign-in attempts counted per client address and per account name, before any password is checked. The account
/// name is what was typed, known or not, so the limit says nothing about which accounts exist.
/// </summary>
public sealed class SignInThrottle : IDisposable
{
    readonly PartitionedRateLimiter<string> byAddress;
    readonly PartitionedRateLimiter<string> byAccount;

    public SignInThrottle(LimitSettings limits)
    {
        byAddress = PerMinute(limits.SignInsPerMinutePerAddress);
        byAccount = PerMinute(limits.SignInsPerMinutePerAccount);
    }

    static PartitionedRateLimiter<string> PerMinute(int permits) => PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetSlidingWindowLimiter(key, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = TimeSpan.FromMinutes(1),
            SegmentsPerWindow = 6,
            QueueLimit = 0,
        }));

    public bool TryAcquire(string? address, string? account)
    {
        using var perAddress = byAddress.AttemptAcquire(address ?? "");
        if (!perAddress.IsAcquired)
        {
            return false;
        }
        using var perAccount = byAccount.AttemptAcquire((account ?? "").Trim().ToLowerInvariant());
        return perAccount.IsAcquired;
    }

    public void Dispose()
    {
        byAddress.Dispose();
        byAccount.Dispose();
    }
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
        services.AddSingleton(settings).AddSingleton<SignInThrottle>();
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
