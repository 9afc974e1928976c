using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Data;

/// <summary>Tsunagu as the city's server runs it: a systemd service from the unit files in deploy/systemd.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class ServiceTests
{
    static readonly string[] Units = ["tsunagu.service", "tsunagu-backup.service", "tsunagu-backup.timer"];

    static string Deploy(string file) => Path.Combine(Browser.BrowserFixture.RepositoryRoot(), "deploy", "systemd", file);

    /// <summary>The unit files as shipped, checked by systemd itself (only the executable's path changed to this build's).</summary>
    [Fact]
    public async Task TheUnitFiles_PassSystemdAnalyzeVerify_WithoutAWarning()
    {
        using var files = new TempFolder();
        var executable = Path.Combine(AppContext.BaseDirectory, "tsunagu");
        var units = Units.Select(name =>
        {
            var path = files.File(name);
            File.WriteAllText(path, File.ReadAllText(Deploy(name)).Replace("/opt/tsunagu/tsunagu", executable, StringComparison.Ordinal));
            return path;
        }).ToList();

        var start = new ProcessStartInfo("systemd-analyze", ["verify", "--man=no", .. units]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var verify = Process.Start(start)!;
        var output = await verify.StandardOutput.ReadToEndAsync() + await verify.StandardError.ReadToEndAsync();
        await verify.WaitForExitAsync();

        Assert.True(File.Exists(executable), $"{executable} is not built");
        // systemd-analyze exits 0 on an unknown key or a bad value and only says so: a warning is a failure here.
        Assert.Equal((0, ""), (verify.ExitCode, output.Trim()));
    }

    /// <summary>
    /// Type=notify: systemd starts the next unit (nginx, the backup) only when Tsunagu says READY=1, so it must say it
    /// once it listens, and STOPPING=1 on systemctl stop (SIGTERM), then exit 0. .NET recognises systemd by its parent
    /// process's name; a copy of /bin/sh called "systemd" stands in for it, and the test's socket for NOTIFY_SOCKET.
    /// </summary>
    [Fact]
    public async Task UnderSystemd_ItSaysReadyOnceListening_AndStopsCleanlyOnSigterm()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        using var files = new TempFolder();
        var systemd = files.File("systemd");
        File.Copy("/bin/sh", systemd);
        File.SetUnixFileMode(systemd, (UnixFileMode)0b111_101_101);
        var socketPath = files.File("notify");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));
        var port = PostgresServer.FreePort();
        var pidFile = files.File("pid");

        var start = new ProcessStartInfo(systemd, ["-c", $"dotnet '{Path.Combine(AppContext.BaseDirectory, "tsunagu.dll")}' serve --urls http://127.0.0.1:{port} & echo $! > '{pidFile}'; wait $!"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = files.Path,
            Environment =
            {
                ["NOTIFY_SOCKET"] = socketPath,
                ["Database__Provider"] = "Sqlite",
                ["ConnectionStrings__Tsunagu"] = database.Settings.ConnectionString,
            },
        };
        using var service = Process.Start(start)!;
        var messages = new List<string>();
        async Task<string> NextAsync()
        {
            var buffer = new byte[256];
            var received = await notify.ReceiveAsync(buffer).WaitAsync(TimeSpan.FromSeconds(60));
            var message = Encoding.UTF8.GetString(buffer, 0, received).Trim();
            messages.Add(message);
            return message;
        }

        var ready = await NextAsync();
        using var http = new HttpClient();
        var health = await http.GetStringAsync($"http://127.0.0.1:{port}/health");
        Process.Start("kill", ["-TERM", (await File.ReadAllTextAsync(pidFile)).Trim()])!.WaitForExit();
        var stopping = await NextAsync();
        await service.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("READY=1", ready);
        Assert.Equal("Healthy", health);
        Assert.Equal("STOPPING=1", stopping);
        Assert.Equal(0, service.ExitCode);
    }

}
