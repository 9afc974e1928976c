using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Tsunagu.Indicators;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Data;

/// <summary>
/// PostgreSQL's own streaming replication, as a city's IT department sets it up for Tsunagu (docs/operations.md 5e):
/// a primary and a synchronous hot standby, each a real server on a loopback port, started for the test that uses them.
/// </summary>
public sealed class StandbyTests
{
    /// <summary>A primary whose commits wait for the standby named "standby", and that standby, streaming from it.</summary>
    static async Task<(PostgresCluster Primary, PostgresCluster Standby)> ReplicatedAsync()
    {
        // fsync off: what these tests kill is a process, never the machine, and the page cache outlives a process.
        var primary = await PostgresCluster.StartAsync("-c synchronous_standby_names=standby -c fsync=off");
        return (primary, await PostgresCluster.StandbyOfAsync(primary, "standby", "-c fsync=off"));
    }

    static async Task<T> QueryAsync<T>(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return (T)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task WithAStandby_ReportsAndBreakdownsAreReadThere_AndShowAWriteAsSoonAsItIsAnswered()
    {
        var (primary, standby) = await ReplicatedAsync();
        await using var _ = primary;
        await using var __ = standby;
        var database = await TestDatabase.CreateAsync(DatabaseKind.Postgres, migrate: false, server: primary.AdminConnectionString);
        var name = new NpgsqlConnectionStringBuilder(database.Settings.ConnectionString).Database!;
        var reading = new Dictionary<string, string?> { ["ConnectionStrings:TsunaguReadOnly"] = standby.ConnectionString(name) };
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Postgres, reading!, database: database);
        await world.DefineAsync(new DefinitionInput("P001", "contacts", 2024, 0, "支援件数", "件", MeasureKind.Contacts));
        var planner = await world.SignInAsync("planner");

        // The report as the API gives it, read on the standby: the same bytes as an export from the primary alone.
        var report = await planner.Http.GetByteArrayAsync("/api/v1/reports/2024");
        var fromPrimary = await CliRun.RunOkAsync(database, "report", "export", "--fiscal-year", "2024", "--format", "json");
        Assert.Equal(fromPrimary.StandardOutput, report);
        // Tsunagu's own session on the standby, whose last statement read the report's programs.
        var readOnStandby = await QueryAsync<long>(standby.AdminConnectionString,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = @name AND backend_type = 'client backend' AND query LIKE '%program%'", ("name", name));
        Assert.True(readOnStandby > 0, "the report was not read on the standby");

        // A figure set by a planner is answered only once the standby has applied it: while its replay is paused the
        // answer waits, and the report read there right after shows the new figure.
        await QueryAsync<object>(standby.AdminConnectionString, "SELECT pg_wal_replay_pause()::text");
        var set = planner.Http.PutAsJsonAsync("/api/v1/reports/2024/programs/P003/figures/0", new { value = 1234 });
        var answeredWhilePaused = await Task.WhenAny(set, Task.Delay(TimeSpan.FromSeconds(2))) == set;
        await QueryAsync<object>(standby.AdminConnectionString, "SELECT pg_wal_replay_resume()::text");
        Assert.False(answeredWhilePaused, "the figure was answered before the standby had applied it");
        Assert.Equal(HttpStatusCode.OK, (await set).StatusCode);
        using (var after = JsonDocument.Parse(await planner.Http.GetStringAsync("/api/v1/reports/2024")))
        {
            var p003 = after.RootElement.GetProperty("programs").EnumerateArray().Single(p => p.GetProperty("code").GetString() == "P003");
            Assert.Contains("1,234名", p003.GetProperty("cells").GetProperty("results").GetString());
        }

        // A breakdown on the standby cannot fold the contacts' new facts; it adds them, with the primary's answer.
        string[] breakdown = ["indicators", "breakdown", "--fiscal-year", "2024", "--program", "P001", "--by", "区", "--unsuppressed"];
        var unfolded = await CliRun.RunAsync(database, reading, breakdown);
        var changesLeft = await QueryAsync<long>(database.Settings.ConnectionString, "SELECT count(*) FROM contact_fact_changes");
        var folded = await CliRun.RunAsync(database, breakdown);
        Assert.True(unfolded.ExitCode == 0, unfolded.Error);
        Assert.True(changesLeft > 0, "nothing was left to fold: the standby's way of adding the changes was not tried");
        Assert.Equal(folded.Out, unfolded.Out);
        Assert.StartsWith("区（実施場所）\t支援件数（件）\n不明\t2\n合計\t2\n", unfolded.Out);
        var page = await planner.Http.GetAsync("/indicators/2024?program=P001&by=Ward");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("不明", await page.Content.ReadAsStringAsync());

        // The standby gone: /health says Degraded (a load balancer keeps the server, the monitoring sees it).
        var healthy = await (await world.Factory.CreateClient().GetAsync("/health")).Content.ReadAsStringAsync();
        await standby.DisposeAsync();
        var withoutStandby = await world.Factory.CreateClient().GetAsync("/health");
        Assert.Equal("Healthy", healthy);
        Assert.Equal((HttpStatusCode.OK, "Degraded"), (withoutStandby.StatusCode, await withoutStandby.Content.ReadAsStringAsync()));
    }

    /// <summary>
    /// The primary killed -9 under case workers' writes, the standby promoted a second later (the operator's or the
    /// cluster manager's step, not Tsunagu's), and one `serve` process whose connection string names both servers
    /// (docs/operations.md 5e) finds the new primary by itself. Every contact the API acknowledged is there, once.
    /// </summary>
    [Fact]
    public async Task ThePrimaryKilledUnderWrites_AndTheStandbyPromoted_TheServerGoesOn_AndNoAcknowledgedContactIsLost()
    {
        var (primary, standby) = await ReplicatedAsync();
        await using var _ = primary;
        await using var __ = standby;
        var database = await TestDatabase.CreateAsync(DatabaseKind.Postgres, migrate: false, server: primary.AdminConnectionString);
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Postgres, database: database);
        var name = new NpgsqlConnectionStringBuilder(database.Settings.ConnectionString).Database!;
        var both = $"Host=127.0.0.1:{primary.Port},127.0.0.1:{standby.Port};Database={name};Username=postgres;"
            + $"Target Session Attributes=primary;Host Recheck Seconds=2;Timeout=3";
        var port = PostgresServer.FreePort();
        // Three writers sending again every 100 ms would meet the limit on person reads, which is not this test's matter.
        using var server = TsunaguProcess.Start(database.With([new("ConnectionStrings:Tsunagu", both), new("Limits:PersonReadsPerMinute", "100000")]),
            "serve", "--urls", $"http://127.0.0.1:{port}");
        try
        {
            await TsunaguProcess.WaitUntilAnsweringAsync(server, $"http://127.0.0.1:{port}/health");
            var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port}"),
                Timeout = TimeSpan.FromSeconds(10),
            };
            var worker = await Web.WebClient.SignInAsync(http, world.Users["caseworkerA"]);

            // Three case workers' worth of writes at once, each contact sent again with its key until acknowledged.
            var acknowledged = new System.Collections.Concurrent.ConcurrentQueue<(string Key, DateTime At)>();
            var killedAt = DateTime.MaxValue;
            var failedAnswers = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
            var processed = new System.Collections.Concurrent.ConcurrentBag<string>();
            async Task WriteAsync(int writer)
            {
                for (var i = 0; i < 25; i++)
                {
                    var key = $"{writer}-{i}-{Guid.NewGuid()}";
                    var until = DateTime.UtcNow.AddSeconds(60);
                    while (DateTime.UtcNow < until)
                    {
                        var answer = await KeyedContact.SendAsync(worker.Http, world.Alice, key, $"切替 {key}");
                        if (answer == HttpStatusCode.Created)
                        {
                            acknowledged.Enqueue((key, DateTime.UtcNow));
                            break;
                        }
                        if (answer == HttpStatusCode.Conflict)
                        {
                            // Done by a send whose answer was lost as the primary died: processed, never twice.
                            processed.Add(key);
                            break;
                        }
                        if (answer is { } refused)
                        {
                            failedAnswers.Add(refused);
                        }
                        await Task.Delay(100);
                    }
                }
            }
            var writers = Enumerable.Range(0, 3).Select(w => Task.Run(() => WriteAsync(w))).ToList();
            while (acknowledged.Count < 15)
            {
                await Task.Delay(20);
            }
            killedAt = DateTime.UtcNow;
            await primary.KillAsync();
            await Task.Delay(1000);
            await standby.PromoteAsync();
            await Task.WhenAll(writers);

            var times = acknowledged.Select(a => a.At).Order().ToList();
            var pause = times.Zip(times.Skip(1), (a, b) => b - a).Max();
            Console.WriteLine($"failover: writes paused {pause.TotalSeconds:0.0} s at most; {processed.Count} answered 409 (processed); " +
                $"answers refused meanwhile: {string.Join(", ", failedAnswers.GroupBy(a => a).Select(g => $"{(int)g.Key}×{g.Count()}"))}");
            if (failedAnswers.Contains(HttpStatusCode.InternalServerError))
            {
                server.Kill(entireProcessTree: true);
                Console.WriteLine(await server.StandardError.ReadToEndAsync() + await server.StandardOutput.ReadToEndAsync());
            }
            Assert.Equal(75, acknowledged.Count + processed.Count);
            Assert.DoesNotContain(HttpStatusCode.InternalServerError, failedAnswers);
            var onNewPrimary = new NpgsqlConnectionStringBuilder(standby.ConnectionString(name));
            await using var db = new Tsunagu.Data.DatabaseSettings(Tsunagu.Data.DatabaseProvider.Postgres, onNewPrimary.ConnectionString) { Keys = TestDatabase.Keys }.NewContext();
            var written = (await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.ContactNotes.Select(n => n.Text)))
                .Where(t => t.StartsWith("切替 ", StringComparison.Ordinal)).ToList();
            // Every contact acknowledged or said to be processed is there, once.
            Assert.Equal(acknowledged.Select(a => a.Key).Concat(processed).Select(k => $"切替 {k}").Order(StringComparer.Ordinal), written.Order(StringComparer.Ordinal));
            // The chains of the audit and of the access log are whole on the new primary.
            var verify = await CliRun.RunAsync(database, new Dictionary<string, string?> { ["ConnectionStrings:Tsunagu"] = onNewPrimary.ConnectionString }, "audit", "verify");
            Assert.True(verify.ExitCode == 0, verify.Error + verify.Out);
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task AReadingServer_OnSqlite_IsRefusedInOneLine()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);

        var result = await CliRun.RunAsync(database, new Dictionary<string, string?> { ["ConnectionStrings:TsunaguReadOnly"] = "Host=127.0.0.1" }, "report", "list");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("ConnectionStrings:TsunaguReadOnly（読み取り用の待機系）は PostgreSQL でだけ使えます。SQLite では設定しないでください。\n", result.Error);
    }
}
