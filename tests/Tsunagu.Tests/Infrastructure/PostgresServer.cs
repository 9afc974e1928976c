using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Tsunagu.Tests.Infrastructure;

/// <summary>
/// One throwaway PostgreSQL cluster for the whole test run, started from the machine's own binaries on a free
/// loopback port. Set TSUNAGU_TEST_POSTGRES to a connection string to use a server of your own instead.
/// </summary>
public static class PostgresServer
{
    static readonly Lazy<Task<string>> Server = new(StartAsync);

    /// <summary>Connection string of the cluster's administrative database.</summary>
    public static Task<string> AdminConnectionStringAsync() => Server.Value;

    static async Task<string> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("TSUNAGU_TEST_POSTGRES") is { Length: > 0 } external)
        {
            return external;
        }
        PostgresCluster.RemoveStoppedClusters();
        // Durability is not what these tests check; without fsync the cluster is several times faster here.
        var cluster = await PostgresCluster.StartAsync("-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            catch (Exception)
            {
                // The run is over; a leftover temporary folder is not worth failing it for.
            }
        };
        return cluster.AdminConnectionString;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// A PostgreSQL cluster of its own in a temporary folder, on a free loopback port: the run's shared one, or a primary
/// and its streaming-replication standby for the tests that fail one over. initdb and postgres refuse to run as root,
/// so as root they run as the postgres user.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    static readonly bool AsRoot = Environment.UserName == "root";
    readonly string bin, root;

    PostgresCluster(string bin, string root, int port)
    {
        (this.bin, this.root, Port) = (bin, root, port);
    }

    public int Port { get; }
    string Data => Path.Combine(root, "data");

    public string AdminConnectionString => ConnectionString("postgres");

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Include Error Detail=true";

    /// <summary>A new cluster (initdb, trust on loopback, replication allowed), started with <paramref name="settings"/> (postgres -c options).</summary>
    public static async Task<PostgresCluster> StartAsync(string settings = "")
    {
        var cluster = await CreateAsync();
        await RunAsPostgresAsync($"{cluster.bin}/initdb -D {cluster.Data} -U postgres -A trust -E UTF8 --no-locale --no-sync");
        await cluster.StartServerAsync(settings);
        return cluster;
    }

    /// <summary>
    /// A hot standby of <paramref name="primary"/>: its base backup, streaming from it as <paramref name="name"/> (the
    /// name the primary's synchronous_standby_names lists), started with <paramref name="settings"/>.
    /// </summary>
    public static async Task<PostgresCluster> StandbyOfAsync(PostgresCluster primary, string name, string settings = "")
    {
        var cluster = await CreateAsync();
        var source = $"host=127.0.0.1 port={primary.Port} user=postgres application_name={name}";
        await RunAsPostgresAsync($"{cluster.bin}/pg_basebackup -D {cluster.Data} -d '{source}' -X stream -R --no-sync");
        await cluster.StartServerAsync($"{settings} -c primary_conninfo='{source}'");
        return cluster;
    }

    static async Task<PostgresCluster> CreateAsync()
    {
        var root = Directory.CreateTempSubdirectory("tsunagu-pg-").FullName;
        if (AsRoot)
        {
            await RunAsync("chown", "postgres:postgres", root);
        }
        return new PostgresCluster(FindBinaries(), root, PostgresServer.FreePort());
    }

    Task StartServerAsync(string settings) => RunAsPostgresAsync(
        $"{bin}/pg_ctl -D {Data} -l {root}/server.log -w -t 60 -o \"-p {Port} -k {root} -c listen_addresses=127.0.0.1 {settings}\" start");

    /// <summary>Promotes a standby to primary, and waits until it accepts writes.</summary>
    public Task PromoteAsync() => RunAsPostgresAsync($"{bin}/pg_ctl -D {Data} -w -t 60 promote");

    /// <summary>
    /// Kills the server as a machine's failure would: kill -9 of the postmaster and every backend at once, nothing
    /// flushed or said to the clients or the standby.
    /// </summary>
    public async Task KillAsync()
    {
        var postmaster = (await File.ReadAllLinesAsync(Path.Combine(Data, "postmaster.pid")))[0].Trim();
        await RunAsync("/bin/sh", "-c", $"kill -9 {postmaster} $(pgrep -P {postmaster}) 2>/dev/null; true");
        killed = true;
    }

    bool killed;

    /// <summary>Stops the server (at once, as a power cut would) and removes its folder; a second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!Directory.Exists(root))
        {
            return;
        }
        try
        {
            if (!killed && File.Exists(Path.Combine(Data, "postmaster.pid")))
            {
                await RunAsPostgresAsync($"{bin}/pg_ctl -D {Data} -m immediate -w stop");
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>
    /// The test host is often ended before its exit handler has deleted the cluster: earlier runs' stopped clusters
    /// (no postmaster.pid, untouched for ten minutes) are removed here. A running one, another run's, is left alone.
    /// </summary>
    public static void RemoveStoppedClusters()
    {
        foreach (var folder in new DirectoryInfo(Path.GetTempPath()).EnumerateDirectories("tsunagu-pg-*"))
        {
            try
            {
                if (!File.Exists(Path.Combine(folder.FullName, "data", "postmaster.pid")) && folder.LastWriteTimeUtc < DateTime.UtcNow.AddMinutes(-10))
                {
                    folder.Delete(recursive: true);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Someone else's or half-deleted: not this run's business.
            }
        }
    }

    static string FindBinaries()
    {
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => d).Select(d => Path.Combine(d, "bin"))
            : [];
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            ?? throw new InvalidOperationException(
                "PostgreSQL server binaries were not found under /usr/lib/postgresql. Run ./test.sh, which installs them.");
    }

    static Task RunAsPostgresAsync(string command) =>
        AsRoot ? RunAsync("su", "postgres", "-s", "/bin/sh", "-c", command) : RunAsync("/bin/sh", "-c", command);

    static async Task RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await output}{await error}");
        }
    }
}
