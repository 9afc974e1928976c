using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;

namespace Tsunagu.Data;

public enum DatabaseProvider { Sqlite, Postgres }

/// <summary>
/// Which database Tsunagu uses: <c>Database:Provider</c> (Sqlite | Postgres) and <c>ConnectionStrings:Tsunagu</c>,
/// so <c>Database__Provider</c> and <c>ConnectionStrings__Tsunagu</c> select them from the environment.
/// </summary>
public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString)
{
    public const string DefaultSqlite = "Data Source=data/tsunagu.db";

    public static DatabaseSettings From(IConfiguration configuration)
    {
        var providerText = configuration["Database:Provider"];
        var provider = DatabaseProvider.Sqlite;
        if (!string.IsNullOrWhiteSpace(providerText) && !Enum.TryParse(providerText, ignoreCase: true, out provider))
        {
            throw new RefusalException(RefusalKind.Invalid,
                $"Database:Provider は Sqlite または Postgres を指定してください（指定値: {providerText}）。");
        }
        var connectionString = configuration.GetConnectionString("Tsunagu");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            if (provider == DatabaseProvider.Postgres)
            {
                throw new RefusalException(RefusalKind.Invalid,
                    "PostgreSQL を使うには ConnectionStrings:Tsunagu（環境変数 ConnectionStrings__Tsunagu）を設定してください。");
            }
            return new DatabaseSettings(provider, DefaultSqlite);
        }
        return new DatabaseSettings(provider, connectionString);
    }

    public void Configure(DbContextOptionsBuilder options)
    {
        if (Provider == DatabaseProvider.Sqlite)
        {
            options.UseSqlite(ConnectionString);
        }
        else
        {
            options.UseNpgsql(PostgresConnectionString(ConnectionString));
        }
    }

    /// <summary>
    /// Two defaults for Tsunagu's sessions, each unless the city's connection string writes the key itself (decision
    /// 0016): statements prepared on the server after a few uses (Npgsql's auto-prepare: EF sends the same SQL again and
    /// again, as the relay's write-backs do), and PostgreSQL's JIT compiler off (a query with per-household look-ups over
    /// a large table is estimated costly enough to be compiled, and compiling took 1.5 of its 2.8 s; no query of Tsunagu
    /// runs long enough to win it back). Behind a transaction pooler such as PgBouncer: `Max Auto Prepare=0`, and
    /// `options` in its ignore_startup_parameters (with `ALTER ROLE … SET jit = off` once).
    /// </summary>
    public static string PostgresConnectionString(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        // Npgsql's builder answers "contains" for every key it knows; a plain one holds only what was written.
        var written = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!written.ContainsKey("Max Auto Prepare") && !written.ContainsKey("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 64;
        }
        if (!written.ContainsKey("Options"))
        {
            builder.Options = "-c jit=off";
        }
        return builder.ConnectionString;
    }

    /// <summary>Creates the folder of a SQLite file (./data by default) so the first run needs no set-up.</summary>
    public void EnsureSqliteFolder()
    {
        if (Provider != DatabaseProvider.Sqlite)
        {
            return;
        }
        var file = new SqliteConnectionStringBuilder(ConnectionString).DataSource;
        var folder = Path.GetDirectoryName(Path.GetFullPath(file));
        if (file != ":memory:" && !string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
    }
}

public static class DatabaseServices
{
    /// <summary>
    /// The settings are read from configuration when first needed, not when services are registered, so a host
    /// whose configuration is completed later (a test host) still decides the database.
    /// </summary>
    public static IServiceCollection AddTsunaguDatabase(this IServiceCollection services)
    {
        services.AddSingleton(sp => DatabaseSettings.From(sp.GetRequiredService<IConfiguration>()));
        services.AddDbContext<SqliteTsunaguDb>((sp, o) => sp.GetRequiredService<DatabaseSettings>().Configure(o));
        services.AddDbContext<PostgresTsunaguDb>((sp, o) => sp.GetRequiredService<DatabaseSettings>().Configure(o));
        services.AddScoped<TsunaguDb>(sp => sp.GetRequiredService<DatabaseSettings>().Provider == DatabaseProvider.Sqlite
            ? sp.GetRequiredService<SqliteTsunaguDb>()
            : sp.GetRequiredService<PostgresTsunaguDb>());
        return services;
    }

    /// <summary>
    /// SQLite is Tsunagu's own file and migrates itself. PostgreSQL is a shared server whose schema changes are
    /// an operator's decision, so a pending migration stops every verb until <c>tsunagu db migrate</c> is run.
    /// </summary>
    /// <summary>
    /// Applies the migrations and says which. On a new PostgreSQL database EF first reads the history table that is
    /// not there yet and logs that as an error (dotnet/efcore#37328), which alarms whoever runs `db migrate`: the
    /// table is made first.
    /// </summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(TsunaguDb db, CancellationToken ct = default)
    {
        if (await db.GetService<IRelationalDatabaseCreator>().ExistsAsync(ct))
        {
            await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(ct);
        }
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        await db.Database.MigrateAsync(ct);
        return pending;
    }

    /// <summary>
    /// A records preview's snapshot of the database is deleted when the preview ends; one left by a killed process
    /// (it holds every person) goes at the next start of any verb.
    /// </summary>
    static void RemoveLeftoverSnapshots(DatabaseSettings settings)
    {
        var file = Path.GetFullPath(new SqliteConnectionStringBuilder(settings.ConnectionString).DataSource);
        if (Path.GetDirectoryName(file) is { } folder && Directory.Exists(folder))
        {
            // An hour old at least: a preview of another process running now is left alone.
            foreach (var leftover in Directory.GetFiles(folder, Path.GetFileName(file) + Records.Import.RecordImporter.SnapshotSuffix + "*")
                         .Where(f => File.GetLastWriteTimeUtc(f) < DateTime.UtcNow.AddHours(-1)))
            {
                File.Delete(leftover);
            }
        }
    }

    public static async Task PrepareAsync(TsunaguDb db, DatabaseSettings settings, CancellationToken ct = default)
    {
        if (settings.Provider == DatabaseProvider.Sqlite)
        {
            settings.EnsureSqliteFolder();
            RemoveLeftoverSnapshots(settings);
            await MigrateAsync(db, ct);
            // SQLite plans without statistics until ANALYZE has run once: with a million contacts it then walks a
            // program's date index for one person's timeline (60 ms instead of 2). This analyses what lacks them.
            await db.Database.ExecuteSqlRawAsync("PRAGMA optimize=0x10002", ct);
            // Write-ahead logging (kept in the file once set): readers and the one writer no longer wait for each other,
            // so a long import or a preview's snapshot never takes the pages away from everyone else.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL", ct);
            return;
        }
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (pending.Count > 0)
        {
            throw new PendingMigrationsException(pending);
        }
    }
}

public sealed class PendingMigrationsException(IReadOnlyList<string> pending) : RefusalException(RefusalKind.Conflict,
    $"データベースに未適用のマイグレーションが {pending.Count} 件あります（{string.Join(", ", pending)}）。" +
    "先に `tsunagu db migrate` を実行してください。")
{
    public IReadOnlyList<string> Pending { get; } = pending;
}

// Used by `dotnet ef` only: the connection strings here never reach a running Tsunagu.
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteTsunaguDb>
{
    public SqliteTsunaguDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteTsunaguDb>().UseSqlite("Data Source=design-time.db").Options);
}

public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresTsunaguDb>
{
    public PostgresTsunaguDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresTsunaguDb>().UseNpgsql("Host=localhost;Database=tsunagu_design").Options);
}
