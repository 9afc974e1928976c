using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Tsunagu.Tests.Infrastructure;
using WebClient = Tsunagu.Tests.Web.WebClient;

namespace Tsunagu.Tests.Data;

/// <summary>
/// The database as a city's IT department meets it: a start-up killed while migrating, a copy on a read-only volume,
/// files only Tsunagu's account may read, a server that is down or read-only.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class StorageTests
{
    [Fact]
    public async Task Sqlite_AStartUpKilledWhileMigrating_LeavesALockTheNextVerbClears_InsteadOfHangingForEver()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        var file = new SqliteConnectionStringBuilder(database.Settings.ConnectionString).DataSource;

        // A real `db migrate`, killed (-9) as soon as EF has written its lock row and before it has finished.
        using (var migrate = TsunaguProcess.Start(new Dictionary<string, string?> { ["ConnectionStrings:Tsunagu"] = database.Settings.ConnectionString }, "db", "migrate"))
        {
            var deadline = Stopwatch.StartNew();
            while (LockRows(file) == 0 && !migrate.HasExited && deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(5);
            }
            migrate.Kill();
            await migrate.WaitForExitAsync();
        }
        Assert.Equal(1, LockRows(file));

        var list = await CliRun.RunAsync(database, "report", "list").WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, list.ExitCode);
        Assert.Equal(0, LockRows(file));
        await using var db = database.NewDb();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    /// <summary>EF's lock rows, read beside the process that writes them; none while the table is not there yet.</summary>
    static long LockRows(string file)
    {
        try
        {
            using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False;Default Timeout=1");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM __EFMigrationsLock";
            return (long)command.ExecuteScalar()!;
        }
        catch (SqliteException)
        {
            return 0;
        }
    }

    [Fact]
    public async Task Sqlite_AVerbThatOnlyReads_WritesNothing_TakesNoLock_AndLeavesNoFilesBeside()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        using var files = new TempFolder();
        await CliRun.RunOkAsync(database, "report", "import", Seed.Write(files.Path, "r6-main-8-programs.tsv", Seed.Bytes()));
        var file = new SqliteConnectionStringBuilder(database.Settings.ConnectionString).DataSource;
        // A lock row left by a killed migration: a verb with nothing to migrate never waits on it.
        await using (var db = database.NewDb())
        {
            await db.Database.ExecuteSqlRawAsync("INSERT INTO \"__EFMigrationsLock\" VALUES (1, '2026-12-01 00:00:00+00:00')");
        }
        var before = SHA256.HashData(await File.ReadAllBytesAsync(file));

        var export = await CliRun.RunAsync(database, "report", "export", "--fiscal-year", "2024", "--format", "csv").WaitAsync(TimeSpan.FromSeconds(60));
        var list = await CliRun.RunAsync(database, "report", "list").WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal((0, 0), (export.ExitCode, list.ExitCode));
        Assert.Contains("学習・生活サポート事業", export.StandardOutputText);
        Assert.Equal(before, SHA256.HashData(await File.ReadAllBytesAsync(file)));
        Assert.False(File.Exists(file + "-wal") || File.Exists(file + "-shm"), "a reading verb left -wal or -shm beside the file");
        Assert.Equal(1, LockRows(file));
    }

    [Fact]
    public async Task Sqlite_ACopyOnAReadOnlyVolume_ExportsTheSameReport_AndAVerbThatWritesSaysWhyItCannot()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        using var files = new TempFolder();
        await CliRun.RunOkAsync(database, "report", "import", Seed.Write(files.Path, "r6-main-8-programs.tsv", Seed.Bytes()));
        var expected = (await CliRun.RunOkAsync(database, "report", "export", "--fiscal-year", "2024", "--format", "xlsx")).StandardOutput;
        var source = new SqliteConnectionStringBuilder(database.Settings.ConnectionString).DataSource;
        using var volume = ReadOnlyVolume.Of(Path.GetDirectoryName(source)!);
        var copy = new TestDatabaseOn($"Data Source={Path.Combine(volume.Path, Path.GetFileName(source))};Pooling=False");

        var export = await copy.RunAsync("report", "export", "--fiscal-year", "2024", "--format", "xlsx");
        var write = await copy.RunAsync("report", "status", "--fiscal-year", "2024", "--to", "局確認");

        Assert.Equal(0, export.ExitCode);
        Assert.Equal(expected, export.StandardOutput);
        Assert.Equal(1, write.ExitCode);
        Assert.StartsWith($"データベースのファイル {Path.Combine(volume.Path, Path.GetFileName(source))} に書き込めないため、この操作はできません（読み取りだけの操作、たとえば report export はできます）。",
            write.Error);
        Assert.Equal([Path.GetFileName(source)], Directory.GetFiles(volume.Path).Select(Path.GetFileName).Where(f => f!.StartsWith(Path.GetFileName(source), StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Sqlite_TheDatabaseFolderAndFile_AreForTsunagusAccountOnly()
    {
        var root = Directory.CreateTempSubdirectory("tsunagu-modes-").FullName;
        try
        {
            File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101);
            var copy = new TestDatabaseOn($"Data Source={Path.Combine(root, "data", "tsunagu.db")};Pooling=False");
            using var files = new TempFolder();
            var import = await copy.RunAsync("report", "import", Seed.Write(files.Path, "r6-main-8-programs.tsv", Seed.Bytes()));

            Assert.Equal(0, import.ExitCode);
            Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(Path.Combine(root, "data")));
            Assert.Contains(Path.Combine(root, "data", "tsunagu.db"), Directory.GetFiles(Path.Combine(root, "data")));
            Assert.All(Directory.GetFiles(Path.Combine(root, "data")), f => Assert.Equal((UnixFileMode)0b110_000_000, File.GetUnixFileMode(f)));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData(5, "ほかの書き込みが終わらない")]
    [InlineData(261, "ほかの書き込みが終わらない")] // BUSY_RECOVERY, as a backup step met it under writes
    [InlineData(517, "ほかの書き込みが終わらない")] // BUSY_SNAPSHOT
    [InlineData(13, "ディスクに空きがない")]
    [InlineData(1032, "読み取り専用")] // READONLY_DBMOVED
    public void Sqlite_AnExtendedResultCode_IsReadByItsPrimaryCode(int code, string said)
    {
        var fault = new SqliteException("SQLite Error", code, code);

        Assert.Contains(said, Tsunagu.Data.DatabaseFault.Describe(new InvalidOperationException("wrapped", fault)));
    }

    [Fact]
    public async Task Postgres_ServerDown_EveryVerbAndServeSayItInOneLine()
    {
        var nobody = $"Host=127.0.0.1;Port={PostgresServer.FreePort()};Database=tsunagu;Username=tsunagu;Timeout=3";
        var settings = new Dictionary<string, string?> { ["Database:Provider"] = "Postgres", ["ConnectionStrings:Tsunagu"] = nobody };
        var limit = TimeSpan.FromSeconds(60);

        var list = await TsunaguProcess.RunAsync(settings, limit, "report", "list");
        var import = await TsunaguProcess.RunAsync(settings, limit, "report", "import", "any.tsv");
        var serve = await TsunaguProcess.RunAsync(settings, limit, "serve", "--urls", $"http://127.0.0.1:{PostgresServer.FreePort()}");

        foreach (var result in new[] { list, import, serve })
        {
            // Everything it printed, both streams: one line.
            Assert.Equal(1, result.ExitCode);
            Assert.Matches(@"^データベースサーバーに接続できません（Failed to connect to 127\.0\.0\.1:\d+）。$", (result.Out + result.Error).TrimEnd());
        }
    }

    [Fact]
    public async Task Postgres_ADatabaseThatTurnsReadOnly_Is503WithTheReason_OnPagesAndTheApi()
    {
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Postgres);
        var client = await world.SignInAsync("caseworkerA");
        await using (var db = world.Database.NewDb())
        {
            // As a standby promoted the wrong way round, or an administrator's emergency switch, would leave it.
            var readOnly = $"ALTER DATABASE \"{db.Database.GetDbConnection().Database}\" SET default_transaction_read_only = on";
            await db.Database.ExecuteSqlRawAsync(readOnly);
        }
        NpgsqlConnection.ClearAllPools();

        var api = await client.Http.PostAsJsonAsync($"/api/v1/people/{world.Alice}/contacts",
            new { ProgramCode = "P001", Date = "2024-06-19", Kind = "StudySession", Channel = "Visit", Notes = new { PersonSaid = "後日記入" } });
        var page = await client.Http.GetAsync($"/people/{world.Alice}");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, api.StatusCode);
        Assert.Contains("データベースが読み取り専用です", await api.Content.ReadAsStringAsync());
        // The person page writes its access-log entry first: no entry, no page.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        var text = (await WebClient.ParseAsync(page)).QuerySelector("main")!.TextContent;
        Assert.Contains("データベースを使えません", text);
        Assert.Contains("データベースが読み取り専用です", text);
        Assert.DoesNotContain(RecordsWorld.AliceName, text);
        await using (var db = world.Database.NewDb())
        {
            await db.Database.OpenConnectionAsync();
            await db.Database.ExecuteSqlRawAsync("SET default_transaction_read_only = off");
            var reset = $"ALTER DATABASE \"{db.Database.GetDbConnection().Database}\" RESET default_transaction_read_only";
            await db.Database.ExecuteSqlRawAsync(reset);
        }
        NpgsqlConnection.ClearAllPools();
    }


    /// <summary>A SQLite database the test did not create, by its connection string, for verbs run in this process.</summary>
    sealed class TestDatabaseOn(string connectionString)
    {
        public async Task<CliResult> RunAsync(params string[] args)
        {
            var output = new StringWriter();
            var error = new StringWriter();
            var stdout = new MemoryStream();
            var cli = new Cli(new CliIo(output, error, () => stdout), c => Microsoft.Extensions.Configuration.MemoryConfigurationBuilderExtensions.AddInMemoryCollection(c,
                new Dictionary<string, string?> { ["Database:Provider"] = "Sqlite", ["ConnectionStrings:Tsunagu"] = connectionString }));
            var exitCode = await cli.InvokeAsync(args).WaitAsync(TimeSpan.FromSeconds(60));
            return new CliResult(exitCode, output.ToString(), error.ToString(), stdout.ToArray());
        }
    }
}
