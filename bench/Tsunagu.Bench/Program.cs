using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tsunagu;
using Tsunagu.Access;
using Tsunagu.Bench;
using Tsunagu.Data;
using Tsunagu.Reports;

// Import and export of a national roll-up sized table (about 1,700 municipalities × 60 programs = 100,000 rows).
// Each measurement runs in a child process of its own, so its peak memory (VmHWM) is its own.
//
//   dotnet run -c Release --project bench/Tsunagu.Bench -- [--rows 10000,100000] [--providers sqlite,postgres]
//
// The child verbs: `import DB-PROVIDER CONNECTION FILE` and `export DB-PROVIDER CONNECTION FORMAT`.

if (args.Length > 0 && args[0] == "hostile")
{
    var clock = Stopwatch.StartNew();
    Console.WriteLine(SecurityBench.Read(args[1]));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds} {Child.PeakResidentBytes()} 0"));
    return 0;
}
if (args.Length > 0 && args[0] == "security")
{
    return await SecurityMain();
}
if (args.Length > 0 && args[0] is "import" or "export" or "records-import" or "raw" or "same" or "latency" or "sealing" or "demo-generate" or "compute-facts"
        or "compute-records" or "handsql" or "security-writes" or "notices-setup" or "notices-queue" or "notices-relay" or "notices-target")
{
    return await Child.RunAsync(args);
}
if (args.Length > 0 && args[0] == "load-serve")
{
    return await LoadBench.ServeAsync(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), accessLog: !args.Contains("--no-access-log"));
}
if (args.Length > 0 && args[0] == "load")
{
    return await LoadMain();
}
if (args.Length > 0 && args[0] == "records")
{
    return await RecordsMain(args);
}
if (args.Length > 0 && args[0] == "indicators")
{
    return await IndicatorsMain();
}
if (args.Length > 0 && args[0] == "notices")
{
    return await NoticesMain();
}

var rowCounts = Option("--rows", "10000,100000").Split(',').Select(int.Parse).ToList();
var providers = Option("--providers", "sqlite,postgres").Split(',');
var work = Directory.CreateTempSubdirectory("tsunagu-bench-").FullName;
var results = new List<string>
{
    "| provider | rows | step | seconds | rows/s | peak memory (MiB) | file (MiB) |",
    "|---|---:|---|---:|---:|---:|---:|",
};
try
{
    foreach (var rows in rowCounts)
    {
        var file = Path.Combine(work, $"rollup-{rows}.tsv");
        Generator.Write(file, rows);
        foreach (var provider in providers)
        {
            var connection = provider == "sqlite"
                ? $"Data Source={Path.Combine(work, $"bench-{rows}.db")}"
                : await Postgres.NewDatabaseAsync();
            var size = new FileInfo(file).Length;
            results.Add(Row(provider, rows, "import tsv", await Measure("import", provider, connection, file), size));
            foreach (var format in new[] { "tsv", "csv", "xlsx", "json", "html" })
            {
                var (seconds, peak, output) = await Measure("export", provider, connection, format);
                results.Add(Row(provider, rows, $"export {format}", (seconds, peak, output), long.Parse(output.Trim(), CultureInfo.InvariantCulture)));
            }
        }
    }
}
finally
{
    Directory.Delete(work, recursive: true);
}
Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd}");
Console.WriteLine(string.Join(Environment.NewLine, results));
return 0;

async Task<int> RecordsMain(string[] args)
{
    var persons = int.Parse(Option("--persons", "100000"), CultureInfo.InvariantCulture);
    var contacts = int.Parse(Option("--contacts", "1000000"), CultureInfo.InvariantCulture);
    var work = Directory.CreateTempSubdirectory("tsunagu-bench-records-").FullName;
    // Each line is printed as soon as it is measured, so a long run that fails late keeps what it measured.
    static void Line(string line) => Console.WriteLine(line);
    Line($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd}");
    Line($"persons {persons:N0}, contacts {contacts:N0}");
    try
    {
        var file = Path.Combine(work, "city.csv");
        var clock = Stopwatch.StartNew();
        Tsunagu.Demo.SyntheticCity.Write(file, 1, new(2024, persons, contacts));
        var rows = File.ReadLines(file).LongCount() - 1;
        Line($"generated {rows:N0} rows ({new FileInfo(file).Length / 1048576.0:F0} MiB) in {clock.Elapsed.TotalSeconds:F0} s");
        Line("| provider | step | rows | seconds | rows/s | peak memory (MiB) |");
        Line("|---|---|---:|---:|---:|---:|");
        var latency = new List<string>();
        var sealing = new List<string>();
        foreach (var provider in Option("--providers", "sqlite,postgres").Split(','))
        {
            string Connection(string name) => provider == "sqlite"
                ? $"Data Source={Path.Combine(work, name + ".db")}"
                : Postgres.NewDatabaseAsync().GetAwaiter().GetResult();
            var tsunagu = Connection("tsunagu");
            var (seconds, peak, _) = await Measure("records-import", provider, tsunagu, file);
            Line($"| {provider} | Tsunagu import | {rows:N0} | {seconds:F1} | {rows / seconds:N0} | {peak / 1048576.0:F0} |");
            var (rawSeconds, rawPeak, _) = await Measure("raw", provider, Connection("raw"), file);
            Line($"| {provider} | {(provider == "sqlite" ? "raw prepared INSERT" : "raw binary COPY")} | {rows:N0} | {rawSeconds:F1} | {rows / rawSeconds:N0} | {rawPeak / 1048576.0:F0} |");
            Line($"| {provider} | Tsunagu ÷ raw | | | {rawSeconds / seconds:P0} | |");
            var (sameSeconds, samePeak, _) = await Measure("same", provider, Connection("same"), file);
            Line($"| {provider} | {(provider == "sqlite" ? "prepared INSERT" : "binary COPY")} of the same rows into Tsunagu's tables | {rows:N0} | {sameSeconds:F1} | {rows / sameSeconds:N0} | {samePeak / 1048576.0:F0} |");
            Line($"| {provider} | Tsunagu ÷ same rows | | | {sameSeconds / seconds:P0} | |");
            var (_, _, output) = await Measure("latency", provider, tsunagu);
            var ms = output.Trim().Split(' ');
            latency.Add($"| {provider} | {ms[0]} | {ms[1]} | {ms[2]} | {ms[3]} |");
            Console.WriteLine($"latency {latency[^1]}");
            var (_, _, sealingOutput) = await Measure("sealing", provider, tsunagu, file);
            var s = sealingOutput.Trim().Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            sealing.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {provider} | {s[0]:N0} notes sealed in {s[1]:F2} s ({s[1] / seconds:P1} of the import's {seconds:F1} s) | {s[6]:F1} | {s[2]:F2} / {s[3]:F2} | {s[4]:F2} / {s[5]:F2} |"));
            Console.WriteLine($"sealing {sealing[^1]}");
        }
        Line("");
        Line("| provider | search median (ms) | search p95 (ms) | person page median (ms) | person page p95 (ms) |");
        Line("|---|---:|---:|---:|---:|");
        latency.ForEach(Line);
        Line("");
        Line("| provider | sealing on import | notes per person | a person's notes opened: median / p95 (ms) | the same notes as stored: median / p95 (ms) |");
        Line("|---|---|---:|---:|---:|");
        sealing.ForEach(Line);
    }
    finally
    {
        Directory.Delete(work, recursive: true);
    }
    return 0;
}

// All figures of a year for the synthetic city at each scale, on each database: Tsunagu from its facts, Tsunagu from
// the contacts, and hand-written SQL. The answers must agree, or the run stops.
//
//   dotnet run -c Release --project bench/Tsunagu.Bench -- indicators [--scales 1,10,100] [--providers sqlite,postgres]
async Task<int> IndicatorsMain()
{
    var work = Directory.CreateTempSubdirectory("tsunagu-bench-indicators-").FullName;
    static void Line(string line) => Console.WriteLine(line);
    Line($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd}");
    Line("| provider | scale | contacts | generate (s) | Tsunagu, facts: first / median (ms) | Tsunagu, from contacts: median (ms) | hand-written SQL: first / median (ms) | hand-written ÷ Tsunagu | Tsunagu ms per million contacts |");
    Line("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    try
    {
        foreach (var scale in Option("--scales", "1,10,100").Split(','))
        {
            foreach (var provider in Option("--providers", "sqlite,postgres").Split(','))
            {
                var connection = provider == "sqlite" ? $"Data Source={Path.Combine(work, $"city-{scale}.db")}" : await Postgres.NewDatabaseAsync();
                var (generateSeconds, _, city) = await Measure("demo-generate", provider, connection, scale);
                var contacts = long.Parse(city.Split(' ')[1], CultureInfo.InvariantCulture);
                string[] Parts(string output) => output.Trim().Split(' ');
                var facts = Parts((await Measure("compute-facts", provider, connection)).Output);
                var records = Parts((await Measure("compute-records", provider, connection)).Output);
                var hand = Parts((await Measure("handsql", provider, connection)).Output);
                if (facts[2] != hand[2] || records[2] != hand[2])
                {
                    throw new InvalidOperationException($"The figures differ.\nTsunagu:      {facts[2]}\nfrom records: {records[2]}\nhand-written: {hand[2]}");
                }
                double Ms(string s) => double.Parse(s, CultureInfo.InvariantCulture);
                Line($"| {provider} | {scale} | {contacts:N0} | {generateSeconds:F0} | {facts[0]} / {facts[1]} | {records[1]} | {hand[0]} / {hand[1]} | {Ms(hand[1]) / Ms(facts[1]):F0}× | {Ms(facts[1]) / (contacts / 1e6):F1} |");
                if (provider == "sqlite")
                {
                    File.Delete(Path.Combine(work, $"city-{scale}.db"));
                }
                Console.Error.WriteLine($"figures at scale {scale}: {facts[2]}");
            }
        }
    }
    finally
    {
        Directory.Delete(work, recursive: true);
    }
    return 0;
}

// Issue 13: notices to 10,000 and 100,000 households queued and sent to a local SMTP server, and targeting at 1,000,000 persons:
//   dotnet run -c Release --project bench/Tsunagu.Bench -- notices [--counts 10000,100000] [--persons 1000000] [--providers sqlite,postgres]
async Task<int> NoticesMain()
{
    var counts = Option("--counts", "10000,100000").Split(',').Select(int.Parse).ToList();
    var persons = int.Parse(Option("--persons", "1000000"), CultureInfo.InvariantCulture);
    var providers = Option("--providers", "sqlite,postgres").Split(',');
    Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd}");
    Console.WriteLine("| provider | households | step | seconds | per second | peak memory (MiB) |");
    Console.WriteLine("|---|---:|---|---:|---:|---:|");
    var work = Directory.CreateTempSubdirectory("tsunagu-bench-notices-").FullName;
    await using var smtp = Tsunagu.Tests.Infrastructure.SmtpTestServer.Start();
    var targeting = new List<string>();
    try
    {
        foreach (var provider in providers)
        {
            foreach (var n in counts)
            {
                var connection = provider == "sqlite" ? $"Data Source={Path.Combine(work, $"reach-{n}.db")}" : await Postgres.NewDatabaseAsync();
                await Measure("notices-setup", provider, connection, "reach", n.ToString(CultureInfo.InvariantCulture));
                var received = smtp.Received.Count;
                var queue = await Measure("notices-queue", provider, connection);
                var relay = await Measure("notices-relay", provider, connection, smtp.Port.ToString(CultureInfo.InvariantCulture), smtp.CertificateFile);
                var arrived = smtp.Received.Count - received;
                Console.WriteLine($"| {provider} | {n:N0} | target, render and queue ({queue.Output.Trim()} deliveries) | {queue.Seconds:F1} | {n / queue.Seconds:N0} | {queue.Peak / 1048576.0:F0} |");
                Console.WriteLine($"| {provider} | {n:N0} | relay to SMTP ({arrived:N0} received) | {relay.Seconds:F1} | {n / relay.Seconds:N0} | {relay.Peak / 1048576.0:F0} |");
                Console.WriteLine($"| {provider} | {n:N0} | **both** | **{queue.Seconds + relay.Seconds:F1}** | | |");
            }
            var big = provider == "sqlite" ? $"Data Source={Path.Combine(work, "persons.db")}" : await Postgres.NewDatabaseAsync();
            await Measure("notices-setup", provider, big, "persons", persons.ToString(CultureInfo.InvariantCulture));
            var target = await Measure("notices-target", provider, big);
            targeting.Add($"| {provider} | {persons:N0} | {target.Output.Trim()} | {target.Peak / 1048576.0:F0} |");
        }
        Console.WriteLine();
        Console.WriteLine("| provider | persons | rule = recipients : median ms (listed, of 5 runs after a warm-up) | peak memory (MiB) |");
        Console.WriteLine("|---|---:|---|---:|");
        targeting.ForEach(Console.WriteLine);
    }
    finally
    {
        Directory.Delete(work, recursive: true);
    }
    return 0;
}

// Case workers' mixed traffic on PostgreSQL at a city's size, through one server, one without the access log, and two
// behind HAProxy; then backup and restore at that size:
//   dotnet run -c Release --project bench/Tsunagu.Bench -- load [--persons 1000000] [--contacts 10000000] [--clients 1,2,4,8,16] [--seconds 20] [--warmup 10]
// With --database CONNECTION the traffic is measured on a city loaded before (no import, no backup): a change measured
// in minutes instead of the import's twenty. "Data Source=FILE" is a SQLite file (one server: two need PostgreSQL).
async Task<int> LoadMain()
{
    var persons = int.Parse(Option("--persons", "1000000"), CultureInfo.InvariantCulture);
    var contacts = int.Parse(Option("--contacts", "10000000"), CultureInfo.InvariantCulture);
    var levels = Option("--clients", "1,2,4,8,16").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToList();
    var seconds = double.Parse(Option("--seconds", "20"), CultureInfo.InvariantCulture);
    var warmup = double.Parse(Option("--warmup", "10"), CultureInfo.InvariantCulture);
    static void Line(string line) => Console.WriteLine(line);
    Line($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd}");
    var work = Directory.CreateTempSubdirectory("tsunagu-bench-load-").FullName;
    var existing = Option("--database", "");
    // A cluster of its own, durable as a city runs it (fsync and synchronous commit on), unlike the tests' cluster.
    await using var cluster = existing.Length > 0 ? null
        : await Tsunagu.Tests.Infrastructure.PostgresCluster.StartAsync("-c max_connections=300 -c shared_buffers=2GB -c max_wal_size=8GB");
    var connection = cluster?.ConnectionString("tsunagu") ?? existing;
    var processes = new List<Process>();
    try
    {
        if (cluster is not null)
        {
            await ImportCityAsync(cluster);
        }

        var postgres = LoadBench.IsPostgres(connection);
        if (postgres)
        {
            await using var db = new Npgsql.NpgsqlConnection(connection);
            await db.OpenAsync();
            // The settled database, not its catch-up after a bulk load.
            foreach (var step in new[] { "CHECKPOINT", "VACUUM ANALYZE" })
            {
                await using var settle = new Npgsql.NpgsqlCommand(step, db) { CommandTimeout = 0 };
                await settle.ExecuteNonQueryAsync();
            }
        }
        var (first, last, personCount, contactCount) = await LoadBench.CityAsync(connection);
        Line($"measured on {personCount:N0} persons and {contactCount:N0} contacts, {(postgres ? "PostgreSQL" : "SQLite")}");
        var accounts = await LoadBench.AccountsAsync(connection, levels.Max());

        Process Serve(int port, bool accessLog = true)
        {
            var host = Environment.ProcessPath!;
            string[] prefix = Path.GetFileNameWithoutExtension(host) == "dotnet" ? [typeof(Child).Assembly.Location] : [];
            var process = Process.Start(new ProcessStartInfo(host, [.. prefix, "load-serve", connection, port.ToString(CultureInfo.InvariantCulture), .. accessLog ? Array.Empty<string>() : ["--no-access-log"]])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            processes.Add(process);
            return process;
        }
        void StopAll()
        {
            foreach (var p in processes.Where(p => !p.HasExited))
            {
                p.Kill(entireProcessTree: true);
                p.WaitForExit();
            }
            processes.Clear();
        }
        static Task Answering(Process process, int port) => Tsunagu.Tests.Infrastructure.TsunaguProcess.WaitUntilAnsweringAsync(process, $"http://127.0.0.1:{port}/health");
        int a = Tsunagu.Tests.Infrastructure.PostgresServer.FreePort(), b = Tsunagu.Tests.Infrastructure.PostgresServer.FreePort(),
            balancer = Tsunagu.Tests.Infrastructure.PostgresServer.FreePort();
        await Answering(Serve(a), a);
        var workers = await LoadBench.SignInAsync($"http://127.0.0.1:{a}", accounts);
        Line(LoadBench.Header);
        foreach (var (setup, start, address) in new (string Setup, Func<Task> Start, string Address)[]
        {
            ("1 server", () => Task.CompletedTask, $"http://127.0.0.1:{a}"),
            ("1 server, access log not written", async () =>
            {
                StopAll();
                await Answering(Serve(a, accessLog: false), a);
            }, $"http://127.0.0.1:{a}"),
            ("2 servers behind HAProxy", async () =>
            {
                StopAll();
                var (serverA, serverB) = (Serve(a), Serve(b));
                var haproxy = LoadBench.Balancer(work, balancer, [a, b]);
                processes.Add(haproxy);
                await Answering(serverA, a);
                await Answering(serverB, b);
                await Answering(haproxy, balancer);
            }, $"http://127.0.0.1:{balancer}"),
        }.Where(s => postgres || !s.Setup.StartsWith("2 servers", StringComparison.Ordinal)))
        {
            // A setup that fails is said and the next one measured: the hour of loading is not thrown away.
            try
            {
                await start();
                foreach (var clients in levels)
                {
                    Line(LoadBench.Row(setup, await LoadBench.RunAsync(address, workers, clients, seconds, warmup, first, last)));
                }
            }
            catch (Exception e)
            {
                Line($"| {setup} | failed: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")} |");
            }
        }
        StopAll();
        if (cluster is null)
        {
            return 0;
        }

        // Backup and restore at this size, with the same command a city runs.
        var backup = Path.Combine(work, "backup.zip");
        var tsunagu = Path.Combine(AppContext.BaseDirectory, "tsunagu.dll");
        async Task<double> TsunaguAsync(string database, params string[] verb)
        {
            var start = new ProcessStartInfo("dotnet", [tsunagu, .. verb]) { RedirectStandardError = true, RedirectStandardOutput = true };
            start.Environment["Database__Provider"] = "Postgres";
            start.Environment["ConnectionStrings__Tsunagu"] = cluster.ConnectionString(database);
            start.Environment["Backup__PostgresBin"] = Path.GetDirectoryName(Directory.GetFiles("/usr/lib/postgresql", "pg_dump", SearchOption.AllDirectories)[0]);
            var timer = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return process.ExitCode == 0 ? timer.Elapsed.TotalSeconds : throw new InvalidOperationException($"{string.Join(' ', verb)}: {error}{await output}");
        }
        var backupSeconds = await TsunaguAsync("tsunagu", "backup", "--out", backup);
        Line($"backup: {backupSeconds:F0} s, {new FileInfo(backup).Length / 1048576.0:F0} MiB");
        var restoreSeconds = await TsunaguAsync("restored", "restore", backup);
        Line($"restore: {restoreSeconds:F0} s");
        return 0;
    }
    finally
    {
        foreach (var p in processes.Where(p => !p.HasExited))
        {
            p.Kill(entireProcessTree: true);
        }
        Directory.Delete(work, recursive: true);
    }

    // The city generated, then imported in files of a million rows.
    async Task ImportCityAsync(Tsunagu.Tests.Infrastructure.PostgresCluster cluster)
    {
        await using (var admin = new Npgsql.NpgsqlConnection(cluster.AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new Npgsql.NpgsqlCommand("CREATE DATABASE tsunagu; CREATE DATABASE restored", admin);
            await create.ExecuteNonQueryAsync();
        }
        var file = Path.Combine(work, "city.csv");
        var clock = Stopwatch.StartNew();
        Tsunagu.Demo.SyntheticCity.Write(file, 1, new(2024, persons, contacts));
        Line($"generated in {clock.Elapsed.TotalSeconds:F0} s ({new FileInfo(file).Length / 1048576.0:F0} MiB)");
        // A records file holds at most Excel's 1,048,576 rows (the import refuses more): the city goes in as the files
        // of a million rows each that a program would send, a person's rows sometimes split across two of them.
        var lines = File.ReadLines(file);
        var header = lines.First();
        var parts = lines.Skip(1).Chunk(1_000_000).Select((rows, i) =>
        {
            var part = Path.Combine(work, $"city-{i + 1}.csv");
            File.WriteAllLines(part, [header, .. rows], new UTF8Encoding(true));
            return part;
        }).ToList();
        File.Delete(file);
        double importSeconds = 0;
        long importPeak = 0;
        foreach (var part in parts)
        {
            var (partSeconds, partPeak, _) = await Measure("records-import", "postgres", connection, part);
            (importSeconds, importPeak) = (importSeconds + partSeconds, Math.Max(importPeak, partPeak));
            File.Delete(part);
        }
        Line($"imported in {parts.Count} files, {importSeconds:F0} s ({contacts / importSeconds:N0} contacts/s, peak {importPeak / 1048576.0:F0} MiB)");
    }
}

string Option(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

// The price of issue 10's protections on a person page, and of refusing hostile uploads:
//   dotnet run -c Release --project bench/Tsunagu.Bench -- security
async Task<int> SecurityMain()
{
    Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd}, {SecurityBench.Samples:N0} samples each");
    Console.WriteLine("| provider | step | without: median / p95 (µs) | with: median / p95 (µs) | added, median (µs) |");
    Console.WriteLine("|---|---|---:|---:|---:|");
    var work = Directory.CreateTempSubdirectory("tsunagu-bench-security-").FullName;
    try
    {
        foreach (var provider in new[] { "sqlite", "postgres" })
        {
            var connection = provider == "sqlite" ? $"Data Source={Path.Combine(work, "security.db")}" : await Postgres.NewDatabaseAsync();
            var (_, _, output) = await Measure("security-writes", provider, connection);
            var lines = output.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim().Split(' ')).ToDictionary(l => l[0], l => (Median: double.Parse(l[1], CultureInfo.InvariantCulture), P95: double.Parse(l[2], CultureInfo.InvariantCulture)));
            foreach (var (step, without, with) in new[] { ("access-log row: plain INSERT → hash chain", "plain", "chain"), ("sign-in ticket: cookie only → session in the database", "cookie", "session") })
            {
                var (a, b) = (lines[without], lines[with]);
                Console.WriteLine($"| {provider} | {step} | {a.Median:N0} / {a.P95:N0} | {b.Median:N0} / {b.P95:N0} | {b.Median - a.Median:N0} |");
            }
        }
        Console.WriteLine($"| any | rate limiter: one acquire per request (200 accounts) | 0 | {SecurityBench.Limiter()} | |");
        Console.WriteLine();
        Console.WriteLine("| file | size (KiB) | outcome | seconds | peak memory (MiB) |");
        Console.WriteLine("|---|---:|---|---:|---:|");
        var files = Tsunagu.Tests.Infrastructure.HostileFiles.WriteAll(work).Select(f => f.Name).ToList();
        Tsunagu.Demo.SyntheticCity.Write(Path.Combine(work, "ordinary-records.csv"), 1, new(2024, 5_000, 50_000));
        files.Add("ordinary-records.csv");
        foreach (var name in files)
        {
            var path = Path.Combine(work, name);
            var (seconds, peak, outcome) = await Measure("hostile", path);
            Console.WriteLine($"| {name} | {new FileInfo(path).Length / 1024.0:N0} | {outcome.Trim()} | {seconds:F2} | {peak / 1048576.0:F0} |");
        }
    }
    finally
    {
        Directory.Delete(work, recursive: true);
    }
    return 0;
}

static string Row(string provider, int rows, string step, (double Seconds, long Peak, string Output) m, long bytes) =>
    $"| {provider} | {rows:N0} | {step} | {m.Seconds:F1} | {rows / m.Seconds:N0} | {m.Peak / 1048576.0:F0} | {bytes / 1048576.0:F1} |";

// The child prints "seconds peak-bytes output-bytes" on its last line; what it printed before comes back as Output.
static async Task<(double Seconds, long Peak, string Output)> Measure(params string[] childArgs)
{
    // Run as `dotnet Tsunagu.Bench.dll` or as the apphost: the child is started the same way.
    var host = Environment.ProcessPath!;
    string[] prefix = Path.GetFileNameWithoutExtension(host) == "dotnet" ? [typeof(Child).Assembly.Location] : [];
    var start = new ProcessStartInfo(host, [.. prefix, .. childArgs]) { RedirectStandardOutput = true };
    using var process = Process.Start(start)!;
    var output = await process.StandardOutput.ReadToEndAsync();
    await process.WaitForExitAsync();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"{string.Join(' ', childArgs)} failed: {output}");
    }
    var lines = output.TrimEnd().Split('\n');
    var last = lines[^1].Split(' ');
    var before = lines.Length > 1 ? lines[^2] : last[2];
    return (double.Parse(last[0], CultureInfo.InvariantCulture), long.Parse(last[1], CultureInfo.InvariantCulture), before);
}

static class Child
{
    public static async Task<int> RunAsync(string[] args)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = args[1] == "sqlite" ? "Sqlite" : "Postgres",
            ["ConnectionStrings:Tsunagu"] = args[2],
        };
        if (args[0] == "notices-relay")
        {
            // The parent's SMTP server: its port and its certificate; no rate limit, so the measure is of the relay.
            settings["Outreach:Smtp:Host"] = "localhost";
            settings["Outreach:Smtp:Port"] = args[3];
            settings["Outreach:Smtp:TrustedCertificate"] = args[4];
            settings["Outreach:Smtp:User"] = Tsunagu.Tests.Infrastructure.SmtpTestServer.User;
            settings["Outreach:Smtp:Password"] = Tsunagu.Tests.Infrastructure.SmtpTestServer.Password;
            settings["Outreach:Smtp:From"] = "仙台市 子供未来局 <kodomo@city.example.jp>";
            settings["Outreach:Email:PerMinute"] = "100000000";
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration)
            .AddLogging(b => { if (Environment.GetEnvironmentVariable("BENCH_SQL") is not null) { b.AddConsole(); } }).AddTsunagu().AddTsunaguAccounts().BuildServiceProvider();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TsunaguDb>();
        await db.Database.MigrateAsync();
        long bytes = 0;
        if (args[0] is "records-import" or "same" or "notices-setup" && !await db.Programs.AnyAsync())
        {
            // The programs come from the sample report; that is set-up, not measured.
            await SampleData.ImportAsync(scope.ServiceProvider.GetRequiredService<ReportImporter>());
        }
        var clock = Stopwatch.StartNew();
        if (args[0] == "import")
        {
            var result = await scope.ServiceProvider.GetRequiredService<ReportImporter>().ImportAsync(args[3], null, "bench");
            if (!result.Succeeded)
            {
                Console.WriteLine(string.Join(Environment.NewLine, result.Errors));
                return 1;
            }
        }
        else if (args[0] == "records-import")
        {
            await RecordsBench.ImportAsync(scope.ServiceProvider, args[3]);
        }
        else if (args[0] == "sealing")
        {
            Console.WriteLine(await RecordsBench.SealingAsync(db, args[3], 500));
        }
        else if (args[0] == "same")
        {
            var program = await db.Programs.Where(p => p.Code == "P001").Select(p => p.Id).SingleAsync();
            clock.Restart();
            await (args[1] == "sqlite" ? SameRows.InsertAsync(args[2], args[3], program) : SameRows.CopyAsync(args[2], args[3], program));
        }
        else if (args[0] == "demo-generate")
        {
            Console.WriteLine(await IndicatorsBench.GenerateAsync(scope.ServiceProvider, double.Parse(args[3], CultureInfo.InvariantCulture)));
        }
        else if (args[0] is "compute-facts" or "compute-records")
        {
            Console.WriteLine(await IndicatorsBench.ComputeAsync(scope.ServiceProvider, fromRecords: args[0] == "compute-records"));
        }
        else if (args[0] == "handsql")
        {
            Console.WriteLine(await IndicatorsBench.HandWrittenAsync(scope.ServiceProvider));
        }
        else if (args[0] == "raw")
        {
            await (args[1] == "sqlite" ? RecordsBench.RawInsertAsync(args[2], args[3]) : RecordsBench.RawCopyAsync(args[2], args[3]));
        }
        else if (args[0] == "notices-setup")
        {
            Console.WriteLine(await NoticesBench.SetUpAsync(db, args[1] == "sqlite", args[3], int.Parse(args[4], CultureInfo.InvariantCulture)));
        }
        else if (args[0] == "notices-queue")
        {
            clock.Restart();
            Console.WriteLine(await NoticesBench.QueueAsync(db, configuration));
        }
        else if (args[0] == "notices-relay")
        {
            clock.Restart();
            Console.WriteLine(await NoticesBench.RelayAsync(db, configuration));
        }
        else if (args[0] == "notices-target")
        {
            clock.Restart();
            Console.WriteLine(await NoticesBench.TargetAsync(db));
        }
        else if (args[0] == "security-writes")
        {
            clock.Restart();
            Console.WriteLine(await SecurityBench.WritesAsync(scope.ServiceProvider, db, args[1] == "sqlite"));
        }
        else if (args[0] == "latency")
        {
            // Measure the settled database, not its catch-up after a bulk load (checkpoint, autovacuum).
            if (args[1] != "sqlite")
            {
                db.Database.SetCommandTimeout(TimeSpan.Zero);
                await db.Database.ExecuteSqlRawAsync("CHECKPOINT");
                await db.Database.ExecuteSqlRawAsync("VACUUM ANALYZE");
            }
            clock.Restart();
            var latency = await RecordsBench.LatencyAsync(db, 200);
            Console.WriteLine(latency);
        }
        else
        {
            var path = Path.GetTempFileName();
            try
            {
                var table = await scope.ServiceProvider.GetRequiredService<ReportReader>().ReadAsync(2024);
                await using (var output = File.Create(path))
                {
                    await ReportExporter.WriteAsync(table, ExportFormats.Parse(args[3]) ?? throw new ArgumentException($"no export format {args[3]}"),
                        new ExportOptions(City.From(configuration)), output);
                }
                bytes = new FileInfo(path).Length;
            }
            finally
            {
                File.Delete(path);
            }
        }
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{seconds} {PeakResidentBytes()} {bytes}"));
        return 0;
    }

    // VmHWM: the most resident memory this process has had, in kB.
    public static long PeakResidentBytes() =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
}

/// <summary>A roll-up table shaped like the city's: the same columns and cell lengths, figures in the 実績 cell.</summary>
static class Generator
{
    static readonly string[] Programs = ["学習・生活サポート事業", "中途退学未然防止等事業", "スクールカウンセラー配置事業", "社会的養護自立支援拠点事業",
        "ひとり親家庭等相談支援センター事業", "こども家庭総合相談事業", "ひとり親家庭等生活向上支援事業", "子ども食堂支援事業", "ヤングケアラー支援事業", "児童扶養手当事業"];

    public static void Write(string path, int rows)
    {
        var random = new Random(1);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false)) { NewLine = "\n" };
        writer.WriteLine("全国 子ども・家庭支援事業 令和6年度実績（集計）");
        writer.WriteLine();
        writer.WriteLine("事業名\t事業概要及び計画内容\t令和6年度実績(件数等)\t実績に対する評価\t担当局");
        for (var i = 0; i < rows; i++)
        {
            var municipality = $"自治体{i / 60 + 1:D4}";
            var program = $"{Programs[i % Programs.Length]}（{municipality}・{i % 60 + 1:D2}）";
            writer.WriteLine(string.Join('\t',
                program,
                "生活困窮世帯の中学生を対象に、学習支援及び心の安定を図る居場所の提供を行うとともに、保護者からの子どもの養育に関する相談に対応し、所属校や各種専門機関との連携により総合的な支援を行う。",
                $"利用者数:{random.Next(10, 900)}人 相談件数:{random.Next(100, 90000):N0}件 セミナー:計{random.Next(1, 30)}回実施",
                "登録者数は増加傾向にあり、特に中学校や区保護課、放課後デイサービス等からのリファーによる入会が増えた。関係機関と連携した支援を継続することができた。",
                i % 3 == 0 ? "健康福祉局こども若者局" : "こども若者局"));
        }
    }
}

/// <summary>A database in the throwaway cluster the tests use.</summary>
static class Postgres
{
    public static async Task<string> NewDatabaseAsync()
    {
        var admin = await Tsunagu.Tests.Infrastructure.PostgresServer.AdminConnectionStringAsync();
        var name = $"bench_{Guid.NewGuid():N}";
        await using var connection = new Npgsql.NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync();
        return new Npgsql.NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }
}
