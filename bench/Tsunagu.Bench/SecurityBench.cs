using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tsunagu.Access;
using Tsunagu.Data;
using Tsunagu.Reports.Files;

namespace Tsunagu.Bench;

/// <summary>
/// What issue 10's protections cost a person page, each beside the same step without it, in one run:
/// the access-log row through the hash chain (lock, last hash, SHA-256) beside a plain INSERT of the same row; the
/// session looked up in the database beside a ticket read from the cookie alone; the per-account rate limiter's
/// acquire. And what refusing each hostile upload costs in memory and time, beside reading an ordinary file.
/// </summary>
static class SecurityBench
{
    public const int Samples = 2_000;

    /// <summary>Child: "name median p95" in microseconds for chain, plain, session and cookie, separated by ";".</summary>
    public static async Task<string> WritesAsync(IServiceProvider services, TsunaguDb db, bool sqlite)
    {
        var userId = "bench-user";
        var chained = await TimeAsync(async i =>
        {
            db.AccessLog.Add(new AccessLogEntry { At = DateTimeOffset.UtcNow, UserId = userId, UserName = "cw@bench", PersonId = i, Source = "GET /people/{id}" });
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
        });
        var converter = new DateTimeOffsetToBinaryConverter();
        var plain = await TimeAsync(async i =>
        {
            var at = DateTimeOffset.UtcNow;
            await db.Database.ExecuteSqlRawAsync(
                """INSERT INTO access_log ("Sequence", "At", "UserId", "UserName", "PersonId", "Source") VALUES ({0}, {1}, {2}, {3}, {4}, {5})""",
                10_000_000L + i, sqlite ? converter.ConvertToProvider(at)! : at, userId, "cw@bench", i, "GET /people/{id}");
        });

        var store = new DatabaseTicketStore(services.GetRequiredService<IServiceScopeFactory>(), services.GetRequiredService<IDataProtectionProvider>(),
            Options.Create(new SecuritySettings()), TimeProvider.System);
        var ticket = new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, userId), new Claim(ClaimTypes.Name, "cw@bench"), new Claim(ClaimTypes.Role, Roles.Caseworker)], "bench")),
            new AuthenticationProperties { ExpiresUtc = DateTimeOffset.UtcNow.AddMinutes(30) }, "Identity.Application");
        var key = await store.StoreAsync(ticket);
        var session = await TimeAsync(async _ =>
        {
            if (await store.RetrieveAsync(key) is null)
            {
                throw new InvalidOperationException("session lost");
            }
        });
        // Without a session store the cookie itself carries the ticket: unprotect and deserialise, nothing else.
        var protector = services.GetRequiredService<IDataProtectionProvider>().CreateProtector("bench-cookie");
        var cookie = protector.Protect(TicketSerializer.Default.Serialize(ticket));
        var cookieOnly = await TimeAsync(_ => TicketSerializer.Default.Deserialize(protector.Unprotect(cookie)) is null
            ? throw new InvalidOperationException("ticket lost")
            : Task.CompletedTask);
        return string.Join(";", Line("chain", chained), Line("plain", plain), Line("session", session), Line("cookie", cookieOnly));
    }

    /// <summary>The person-reads limiter as RateLimits builds it: one sliding window per account.</summary>
    public static string Limiter()
    {
        using var limiter = PartitionedRateLimiter.Create<string, string>(account => RateLimitPartition.GetSlidingWindowLimiter(account,
            _ => new SlidingWindowRateLimiterOptions { PermitLimit = int.MaxValue, Window = TimeSpan.FromMinutes(1), SegmentsPerWindow = 6, QueueLimit = 0 }));
        var accounts = Enumerable.Range(0, 200).Select(i => $"cw{i}@bench").ToArray();
        const int acquires = 1_000_000;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < acquires; i++)
        {
            using var lease = limiter.AttemptAcquire(accounts[i % accounts.Length]);
        }
        return (clock.Elapsed.TotalNanoseconds / acquires / 1000).ToString("F3", CultureInfo.InvariantCulture);
    }

    /// <summary>Child: reads the file as the importers do, to the end or to its refusal; prints what happened.</summary>
    public static string Read(string path)
    {
        try
        {
            var file = TableFile.Open(path);
            var rows = file.ReadRecords().LongCount();
            return $"read {rows:N0} rows";
        }
        catch (FileErrorException e)
        {
            return "refused: " + e.Error.Message;
        }
    }

    static async Task<double[]> TimeAsync(Func<int, Task> step)
    {
        for (var i = 0; i < 100; i++)
        {
            await step(-1 - i);
        }
        var times = new double[Samples];
        for (var i = 0; i < Samples; i++)
        {
            var clock = Stopwatch.StartNew();
            await step(i);
            times[i] = clock.Elapsed.TotalMicroseconds;
        }
        Array.Sort(times);
        return times;
    }

    static string Line(string name, double[] sorted) =>
        string.Create(CultureInfo.InvariantCulture, $"{name} {sorted[sorted.Length / 2]:F0} {sorted[(int)(sorted.Length * 0.95)]:F0}");
}
