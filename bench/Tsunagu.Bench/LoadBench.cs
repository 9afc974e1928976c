using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tsunagu.Access;
using Tsunagu.Data;

namespace Tsunagu.Bench;

/// <summary>
/// Case workers' mixed traffic against real `serve` processes on a loaded PostgreSQL (or SQLite file): each client a signed-in case
/// worker who searches, opens a person, records a contact and looks at the referral inbox, one request after the
/// other (a closed loop), so the throughput at a concurrency comes with the latency each request saw.
/// </summary>
static partial class LoadBench
{
    /// <summary>What a case worker does, by weight out of 100.</summary>
    static readonly (string Name, int Weight)[] Mix = [("search", 30), ("person page", 40), ("record a contact", 15), ("referral inbox", 15)];

    static readonly string[] Searched = [.. Demo.DemoNames.Surnames.Select(s => s.Kana)];

    /// <summary>Whether <paramref name="connection"/> names a PostgreSQL server rather than a SQLite file ("Data Source=…").</summary>
    public static bool IsPostgres(string connection) => !connection.StartsWith("Data Source=", StringComparison.OrdinalIgnoreCase);

    static Dictionary<string, string?> Database(string connection) => new()
    {
        ["Database:Provider"] = IsPostgres(connection) ? "Postgres" : "Sqlite",
        ["ConnectionStrings:Tsunagu"] = connection,
    };

    /// <summary>`serve` as Tsunagu runs it, optionally with the access log not written (the benchmark's "off" only).</summary>
    public static async Task<int> ServeAsync(string connection, int port, bool accessLog)
    {
        var app = WebApp.Build(["--urls", $"http://127.0.0.1:{port}"], c => c.AddInMemoryCollection(Database(connection)).AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            // A benchmark client reads far more persons a minute than a case worker, and all sign in from one address:
            // the limits and the alerts on unusual reading are not what is measured.
            ["Limits:PersonReadsPerMinute"] = "100000000",
            ["Limits:AlertPersonsPerHour"] = "100000000",
            ["Limits:AlertPersonsPerDay"] = "100000000",
            ["Limits:SignInsPerMinutePerAddress"] = "100000000",
        }), b =>
        {
            if (!accessLog)
            {
                b.Services.AddSingleton<AccessLogWriter, NoAccessLog>();
            }
        });
        await app.RunAsync();
        return 0;
    }

    sealed class NoAccessLog(DatabaseSettings settings, Microsoft.Extensions.Logging.ILogger<AccessLogWriter> logger) : AccessLogWriter(settings, logger)
    {
        public override Task WriteAsync(IReadOnlyList<AccessLogEntry> entries) => Task.CompletedTask;
    }

    /// <summary>
    /// Case workers of P001 (where the synthetic city is imported), made as the tests make accounts
    /// (<see cref="Tests.Infrastructure.TestAccounts"/>: a known password and an authenticator); their e-mail addresses.
    /// </summary>
    public static async Task<List<string>> AccountsAsync(string connection, int count)
    {
        await using var services = Services(connection);
        var accounts = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var email = await Tests.Infrastructure.TestAccounts.AddAsync(services, Roles.Caseworker);
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TsunaguDb>();
            var user = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
            var program = await db.Programs.Where(p => p.Code == "P001").Select(p => p.Id).SingleAsync();
            db.ProgramAssignments.Add(new ProgramAssignment { UserId = user, ProgramId = program });
            await db.SaveChangesAsync();
            accounts.Add(email);
        }
        return accounts;
    }

    /// <summary>The persons' ids from first to last, and how many persons and contacts the city has.</summary>
    public static async Task<(int First, int Last, int Persons, int Contacts)> CityAsync(string connection)
    {
        await using var services = Services(connection);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TsunaguDb>();
        return (await db.Persons.MinAsync(p => p.Id), await db.Persons.MaxAsync(p => p.Id), await db.Persons.CountAsync(),
            await db.Contacts.IgnoreQueryFilters().CountAsync());
    }

    static ServiceProvider Services(string connection) =>
        new ServiceCollection().AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(Database(connection)).Build()).AddLogging()
            .AddTsunagu().AddTsunaguAccounts().AddSingleton<ICurrentUser>(new OperatorUser("bench")).BuildServiceProvider();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    static async Task<string> TokenAsync(HttpClient http, string path)
    {
        var page = await http.GetStringAsync(path);
        return Token().Match(page) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new InvalidOperationException($"{path}: no form token");
    }

    static HttpClient Client(string baseAddress, CookieContainer cookies) =>
        new(new SocketsHttpHandler { CookieContainer = cookies, AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(baseAddress),
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>A signed-in case worker: the session's cookies (good on every server: sessions live in the database) and the search form's token.</summary>
    public sealed record SignedIn(CookieContainer Cookies, string SearchToken);

    /// <summary>
    /// Signs each account in once, as a person does: the form, then the authenticator's code (each code is good once, so
    /// the sessions are kept for every run rather than signed in again).
    /// </summary>
    public static async Task<List<SignedIn>> SignInAsync(string baseAddress, IEnumerable<string> accounts)
    {
        var signedIn = new List<SignedIn>();
        foreach (var account in accounts)
        {
            var cookies = new CookieContainer();
            using var http = await SignInAsync(Client(baseAddress, cookies), account);
            signedIn.Add(new SignedIn(cookies, await TokenAsync(http, "/people")));
        }
        return signedIn;
    }

    static async Task<HttpClient> SignInAsync(HttpClient http, string account)
    {
        var login = await http.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = account,
            ["Password"] = Tests.Infrastructure.TestAccounts.Password,
            ["__RequestVerificationToken"] = await TokenAsync(http, "/account/login"),
        }));
        var mfa = login.Headers.Location?.OriginalString ?? throw new InvalidOperationException($"sign-in: {login.StatusCode}");
        var code = Tests.Infrastructure.TestAccounts.Code(account);
        var done = await http.PostAsync(mfa, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Code"] = code,
            ["__RequestVerificationToken"] = await TokenAsync(http, mfa),
        }));
        if (done.StatusCode != HttpStatusCode.Redirect || done.Headers.Location?.OriginalString.StartsWith("/account", StringComparison.Ordinal) == true)
        {
            throw new InvalidOperationException($"second factor: {done.StatusCode} {done.Headers.Location}");
        }
        return http;
    }

    public sealed record Result(int Clients, double Seconds, Dictionary<string, List<double>> Milliseconds, int Failed)
    {
        public int Requests => Milliseconds.Values.Sum(l => l.Count);
        public double PerSecond => Requests / Seconds;

        public static double Percentile(List<double> sorted, double p) =>
            sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }

    /// <summary>
    /// <paramref name="clients"/> case workers, each with a session of its own, through <paramref name="baseAddress"/>, doing the mix for
    /// <paramref name="seconds"/> after <paramref name="warmup"/> seconds of the same (a server just started runs unoptimised
    /// code and cold caches for a while); every answer but the expected one is a failure.
    /// </summary>
    public static async Task<Result> RunAsync(string baseAddress, IReadOnlyList<SignedIn> workers, int clients, double seconds, double warmup, int firstPerson, int lastPerson)
    {
        var signedIn = workers.Take(clients).Select(w => (Http: Client(baseAddress, w.Cookies), w.SearchToken)).ToList();
        var times = Mix.ToDictionary(m => m.Name, _ => new List<double>());
        var failed = 0;
        var measuring = false;
        using var stop = new CancellationTokenSource();
        async Task ClientAsync(HttpClient http, string searchToken, int seed)
        {
            var random = new Random(seed);
            while (!stop.IsCancellationRequested)
            {
                var roll = random.Next(100);
                var action = Mix.First(m => (roll -= m.Weight) < 0).Name;
                var person = random.Next(firstPerson, lastPerson + 1);
                var clock = Stopwatch.StartNew();
                HttpResponseMessage response;
                try
                {
                    response = action switch
                    {
                        "search" => await http.PostAsync("/people", new FormUrlEncodedContent(new Dictionary<string, string>
                        {
                            ["Q"] = Searched[random.Next(Searched.Length)],
                            ["__RequestVerificationToken"] = searchToken,
                        })),
                        "person page" => await http.GetAsync($"/people/{person}"),
                        "record a contact" => await http.PostAsJsonAsync($"/api/v1/people/{person}/contacts", new
                        {
                            ProgramCode = "P001",
                            Date = "2024-06-19",
                            Kind = "StudySession",
                            Channel = "Visit",
                            Notes = new Dictionary<string, string> { ["PersonSaid"] = "学習会に参加した" },
                        }),
                        _ => await http.GetAsync("/referrals"),
                    };
                    await response.Content.LoadIntoBufferAsync();
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref failed);
                    continue;
                }
                var ms = clock.Elapsed.TotalMilliseconds;
                var expected = action == "record a contact" ? HttpStatusCode.Created : HttpStatusCode.OK;
                if (!measuring)
                {
                    continue;
                }
                if (response.StatusCode != expected)
                {
                    Interlocked.Increment(ref failed);
                    continue;
                }
                lock (times)
                {
                    times[action].Add(ms);
                }
            }
        }
        var running = signedIn.Select((c, i) => Task.Run(() => ClientAsync(c.Http, c.SearchToken, i))).ToList();
        await Task.Delay(TimeSpan.FromSeconds(warmup));
        var measured = Stopwatch.StartNew();
        measuring = true;
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        measuring = false;
        var elapsed = measured.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await Task.WhenAll(running);
        signedIn.ForEach(c => c.Http.Dispose());
        foreach (var list in times.Values)
        {
            list.Sort();
        }
        return new Result(clients, elapsed, times, failed);
    }

    /// <summary>One table row: throughput, then median / p95 / p99 of all requests and p95 of each kind.</summary>
    public static string Row(string setup, Result r)
    {
        var all = r.Milliseconds.Values.SelectMany(l => l).Order().ToList();
        string F(double v) => v.ToString("F1", CultureInfo.InvariantCulture);
        return $"| {setup} | {r.Clients} | {r.PerSecond:F0} | {F(Result.Percentile(all, 0.5))} | {F(Result.Percentile(all, 0.95))} | {F(Result.Percentile(all, 0.99))} | "
            + string.Join(" | ", Mix.Select(m => F(Result.Percentile(r.Milliseconds[m.Name], 0.95)))) + $" | {r.Failed} |";
    }

    public static string Header =>
        "| setup | clients | requests/s | median (ms) | p95 (ms) | p99 (ms) | " + string.Join(" | ", Mix.Select(m => $"{m.Name} p95 (ms)")) + " | failed |\n"
        + "|---|---:|---:|---:|---:|---:|" + string.Concat(Mix.Select(_ => "---:|")) + "---:|";

    /// <summary>HAProxy in front of the servers, round robin, as docs/operations.md §5d sets it up.</summary>
    public static Process Balancer(string folder, int port, IEnumerable<int> servers)
    {
        var config = Path.Combine(folder, "haproxy.cfg");
        File.WriteAllLines(config,
        [
            "defaults", "  mode http", "  timeout connect 1s", "  timeout client 60s", "  timeout server 60s", "  retries 3", "  option redispatch",
            "  option http-keep-alive",
            "frontend tsunagu", $"  bind 127.0.0.1:{port}", "  default_backend servers",
            "backend servers", "  balance roundrobin", "  option httpchk GET /health",
            .. servers.Select((s, i) => $"  server app{i} 127.0.0.1:{s} check inter 2s"),
        ]);
        var process = Process.Start(new ProcessStartInfo("/usr/sbin/haproxy", ["-db", "-f", config]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        _ = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        return process;
    }
}
