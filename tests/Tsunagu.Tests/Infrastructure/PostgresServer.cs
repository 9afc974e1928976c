using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Tsunagu.Tests.Infrastructure;

/// <summary>
/// One throwaway PostgreSQL cluster for the whole test run, started from the machine's own binaries on a free
/// loopback port. initdb and postgres refuse to run as root, so as root they run as the postgres user.
/// Set TSUNAGU_TEST_POSTGRES to a connection string to use a server of your own instead.
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
        var bin = FindBinaries();
        RemoveStoppedClusters();
        var root = Directory.CreateTempSubdirectory("tsunagu-pg-").FullName;
        var data = Path.Combine(root, "data");
        var port = FreePort();
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await RunAsync("chown", "postgres:postgres", root);
        }

        await RunAsPostgresAsync(asRoot, $"{bin}/initdb -D {data} -U postgres -A trust -E UTF8 --no-locale --no-sync");
        // Durability is not what the tests check; without fsync the cluster is several times faster here.
        await RunAsPostgresAsync(asRoot,
            $"{bin}/pg_ctl -D {data} -l {root}/server.log -w -t 60 -o \"-p {port} -k {root} -c listen_addresses=127.0.0.1 " +
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200\" start");

        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                RunAsPostgresAsync(asRoot, $"{bin}/pg_ctl -D {data} -m immediate -w stop").GetAwaiter().GetResult();
                Directory.Delete(root, recursive: true);
            }
            catch (Exception)
            {
                // The run is over; a leftover temporary folder is not worth failing it for.
            }
        };
        return $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Include Error Detail=true";
    }

    /// <summary>
    /// The test host is often ended before its exit handler has deleted the cluster: earlier runs' stopped clusters
    /// (no postmaster.pid, untouched for ten minutes) are removed here. A running one, another run's, is left alone.
    /// </summary>
    static void RemoveStoppedClusters()
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

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    static Task RunAsPostgresAsync(bool asRoot, string command) =>
        asRoot ? RunAsync("su", "postgres", "-s", "/bin/sh", "-c", command) : RunAsync("/bin/sh", "-c", command);

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
