using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Monitoring;

/// <summary>What the city's monitoring reads from a running server: Prometheus text on its own port, and log files.</summary>
public sealed partial class MonitoringTests
{
    [GeneratedRegex(@"^http_server_request_duration_seconds_count\{[^}]*http_route=""/health""[^}]*\} (\d+)", RegexOptions.Multiline)]
    private static partial Regex HealthRequests();

    [GeneratedRegex(@"^tsunagu_audit_chain_intact(\{[^}]*\})? 1(\.0)?$", RegexOptions.Multiline)]
    private static partial Regex ChainIntact();

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task AServer_AnswersMetricsOnTheMonitoringPortOnly_RequestsTheAuditChainAndThePool_AndWritesItsLogToAFile(DatabaseKind kind)
    {
        using var files = new TempFolder();
        await using var database = await TestDatabase.CreateAsync(kind);
        Assert.Equal(0, (await CliRun.RunAsync(database, "audit", "verify")).ExitCode);
        var (web, monitor) = (PostgresServer.FreePort(), PostgresServer.FreePort());
        using var server = TsunaguProcess.Start(database.With(new Dictionary<string, string?>
        {
            ["Metrics:Port"] = monitor.ToString(CultureInfo.InvariantCulture),
            ["Logging:File:Path"] = files.File("logs/tsunagu-.log"),
            ["Logging:LogLevel:Default"] = "Information",
        }), "serve", "--urls", $"http://127.0.0.1:{web};http://127.0.0.1:{monitor}");
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            await TsunaguProcess.WaitUntilAnsweringAsync(server, $"http://127.0.0.1:{web}/health");
            for (var i = 0; i < 5; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"http://127.0.0.1:{web}/health")).StatusCode);
            }

            var onTheWebPort = await http.GetAsync($"http://127.0.0.1:{web}/metrics");
            // A Host header saying the monitoring port does not make the web port serve them.
            using var disguised = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{web}/metrics");
            disguised.Headers.Host = $"127.0.0.1:{monitor}";
            var disguisedAnswer = await http.SendAsync(disguised);
            var otherPathOnMonitor = await http.GetAsync($"http://127.0.0.1:{monitor}/health");
            var metrics = await http.GetStringAsync($"http://127.0.0.1:{monitor}/metrics");

            // On the web port /metrics is an address like any other: the sign-in, not the numbers.
            Assert.Equal(HttpStatusCode.Redirect, onTheWebPort.StatusCode);
            Assert.Equal(HttpStatusCode.Redirect, disguisedAnswer.StatusCode);
            Assert.DoesNotContain("# TYPE", await onTheWebPort.Content.ReadAsStringAsync() + await disguisedAnswer.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.NotFound, otherPathOnMonitor.StatusCode);
            var health = HealthRequests().Match(metrics);
            Assert.True(health.Success, metrics);
            Assert.True(int.Parse(health.Groups[1].Value, CultureInfo.InvariantCulture) >= 6);
            Assert.Matches(ChainIntact(), metrics);
            if (kind == DatabaseKind.Postgres)
            {
                // Npgsql's pool: connections in use and idle.
                Assert.Contains("db_client_connection", metrics);
            }
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
        var log = Assert.Single(Directory.GetFiles(files.File("logs")));
        Assert.Matches(@"tsunagu-\d{8}\.log$", log);
        Assert.Contains("Now listening on: http://127.0.0.1:" + web, await File.ReadAllTextAsync(log));
    }

    [Fact]
    public async Task AMonitoringPortThatIsNotAPort_StopsServeWithOneLine_BeforeAnythingListens()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);

        var result = await CliRun.RunAsync(database, new Dictionary<string, string?> { ["Metrics:Port"] = "９４６４番" }, "serve", "--urls", "http://127.0.0.1:0");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("Metrics:Port はポート番号（1〜65535）で指定してください（指定値: ９４６４番）。", result.Error.Trim());
    }
}
