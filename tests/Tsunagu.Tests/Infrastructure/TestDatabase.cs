using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Tsunagu.Data;

namespace Tsunagu.Tests.Infrastructure;

public enum DatabaseKind { Sqlite, Postgres }

/// <summary>Every test body that touches storage runs once on SQLite and once on PostgreSQL.</summary>
public sealed class AllDatabases : TheoryData<DatabaseKind>
{
    public AllDatabases()
    {
        Add(DatabaseKind.Sqlite);
        Add(DatabaseKind.Postgres);
    }
}

/// <summary>
/// A fresh, empty database for one test: a SQLite file in a temporary folder, or a new database in the run's
/// PostgreSQL cluster. The schema comes from the migrations, never EnsureCreated, so they are exercised each run.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    readonly string? folder;

    public DatabaseSettings Settings { get; }

    TestDatabase(DatabaseSettings settings, string? folder)
    {
        Settings = settings with { Keys = Keys };
        this.folder = folder;
    }

    /// <param name="server">PostgreSQL: the administrative connection string of another cluster than the run's (a primary with a standby).</param>
    public static async Task<TestDatabase> CreateAsync(DatabaseKind kind, bool migrate = true, string? server = null)
    {
        TestDatabase database;
        if (kind == DatabaseKind.Sqlite)
        {
            var folder = Directory.CreateTempSubdirectory("tsunagu-test-").FullName;
            // No pooling, so the file is closed and can be deleted when the test ends.
            database = new TestDatabase(
                new DatabaseSettings(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(folder, "tsunagu.db")};Pooling=False"), folder);
        }
        else
        {
            var admin = server ?? await PostgresServer.AdminConnectionStringAsync();
            var name = $"test_{Guid.NewGuid():N}";
            await using (var connection = new NpgsqlConnection(admin))
            {
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
                await create.ExecuteNonQueryAsync();
            }
            var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
            database = new TestDatabase(new DatabaseSettings(DatabaseProvider.Postgres, builder.ConnectionString), null);
        }
        if (migrate)
        {
            await using var db = database.NewDb();
            await db.Database.MigrateAsync();
        }
        return database;
    }

    public TsunaguDb NewDb() => Settings.NewContext();

    /// <summary>The key ring a command-line or web run of the tests opens too: the default folder under the working directory.</summary>
    public static Tsunagu.Keys.KeyRing Keys =>
        Tsunagu.Keys.KeyRing.Open(new ConfigurationBuilder().Build(), new DatabaseSettings(DatabaseProvider.Sqlite, DatabaseSettings.DefaultSqlite));

    /// <summary>The settings that point a run at this database, with <paramref name="more"/> added or replacing them.</summary>
    public Dictionary<string, string?> With(IEnumerable<KeyValuePair<string, string?>>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = Settings.Provider.ToString(),
            ["ConnectionStrings:Tsunagu"] = Settings.ConnectionString,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }
        return settings;
    }

    /// <summary>Points a command-line or web run at this database, as the environment variables would.</summary>
    public void Configure(IConfigurationBuilder configuration) => configuration.AddInMemoryCollection(With());

    public ValueTask DisposeAsync()
    {
        if (folder is not null)
        {
            Directory.Delete(folder, recursive: true);
        }
        return ValueTask.CompletedTask;
    }
}
