using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Tsunagu.Data;

public enum DatabaseProvider { Sqlite, Postgres }

/// <summary>What a verb does with the database, which decides how it is opened.</summary>
public enum DatabaseUse
{
    /// <summary>It writes: the schema is readied first (SQLite migrates itself; PostgreSQL refuses while a migration is pending).</summary>
    Writes,

    /// <summary>It only reads: read-only connections, no migration lock, nothing written (<see cref="DatabaseSettings.ReadOnly"/>).</summary>
    Reads,

    /// <summary>It only reads, and readies nothing: `backup`, which must copy the schema as it is, before an upgrade migrates it.</summary>
    ReadsAsItIs,

    /// <summary>Opened as configured, nothing checked: `db migrate`, which readies it itself, and the relay, whose account may read the deliveries only.</summary>
    AsItIs,
}

/// <summary>
/// Which database Tsunagu uses: <c>Database:Provider</c> (Sqlite | Postgres) and <c>ConnectionStrings:Tsunagu</c>,
/// so <c>Database__Provider</c> and <c>ConnectionStrings__Tsunagu</c> select them from the environment; on PostgreSQL
/// also <c>ConnectionStrings:TsunaguReadOnly</c>, a hot standby for the planners' heavy reading (decision 0021).
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
            connectionString = DefaultSqlite;
        }
        var reading = configuration.GetConnectionString("TsunaguReadOnly");
        if (!string.IsNullOrWhiteSpace(reading) && provider == DatabaseProvider.Sqlite)
        {
            throw new RefusalException(RefusalKind.Invalid,
                "ConnectionStrings:TsunaguReadOnly（読み取り用の待機系）は PostgreSQL でだけ使えます。SQLite では設定しないでください。");
        }
        var settings = new DatabaseSettings(provider, Readable(provider, "Tsunagu", connectionString))
        {
            ReadingConnectionString = string.IsNullOrWhiteSpace(reading) ? null : Readable(provider, "TsunaguReadOnly", reading),
        };
        return settings with { Keys = Tsunagu.Keys.KeyRing.Open(configuration, settings) };
    }

    /// <summary>
    /// A misspelt keyword is said at start, in one line, instead of a stack trace at the first use (the reading
    /// server's, at a planner's first export). The drivers' messages name the keyword, not the values (a password).
    /// </summary>
    static string Readable(DatabaseProvider provider, string name, string connectionString)
    {
        try
        {
            _ = provider == DatabaseProvider.Postgres ? new NpgsqlConnectionStringBuilder(connectionString) : (System.Data.Common.DbConnectionStringBuilder)new SqliteConnectionStringBuilder(connectionString);
            return connectionString;
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            // The first sentence: SQLite's goes on with a link to the internet.
            throw new RefusalException(RefusalKind.Invalid, $"ConnectionStrings:{name} を読めません: {e.Message.Split(". ", 2)[0].TrimEnd('.')}");
        }
    }

    /// <summary>
    /// <c>ConnectionStrings:TsunaguReadOnly</c>: a hot standby of this PostgreSQL (streaming replication) that reports,
    /// exports, breakdowns and the public site read from (<see cref="TsunaguDb.Reading"/>). Null: they read here.
    /// </summary>
    public string? ReadingConnectionString { get; init; }

    /// <summary>The reading server's settings (read-only connections, the same key ring), or null when there is none.</summary>
    public DatabaseSettings? Reading => ReadingConnectionString is { } reading
        ? new DatabaseSettings(Provider, reading) { Keys = Keys, ReadOnly = true }
        : null;

    /// <summary>The key ring that seals the records' free text in this database (null: a context that can neither seal nor open it).</summary>
    public Tsunagu.Keys.KeyRing? Keys { get; init; }

    /// <summary>
    /// Connections that only read (a verb that exports or lists): nothing they run can write. SQLite: every connection
    /// says <c>PRAGMA query_only</c>, and a file Tsunagu may not write (a restored backup on a read-only volume) is opened
    /// as immutable, since SQLite would otherwise need to create its -shm beside it. PostgreSQL: every transaction is
    /// read-only.
    /// </summary>
    public bool ReadOnly { get; init; }

    /// <summary>The SQLite file as a full path (null for PostgreSQL and for an in-memory database).</summary>
    public string? SqliteFile => Provider == DatabaseProvider.Sqlite && new SqliteConnectionStringBuilder(ConnectionString).DataSource is { } source
        && source != ":memory:" && !source.StartsWith("file:", StringComparison.Ordinal) && source.Length > 0
        ? Path.GetFullPath(source)
        : null;

    public void Configure(DbContextOptionsBuilder options)
    {
        ((IDbContextOptionsBuilderInfrastructure)options).AddOrUpdateExtension(new Tsunagu.Keys.KeyRingOptionsExtension(Keys));
        options.ReplaceService<IModelCacheKeyFactory, Tsunagu.Keys.KeyRingModelCacheKeyFactory>();
        if (Provider == DatabaseProvider.Sqlite)
        {
            options.UseSqlite(SqliteConnectionString).AddInterceptors(SqliteStorage.Opened(queryOnly: ReadOnly));
        }
        else
        {
            var connectionString = PostgresConnectionString(ConnectionString);
            if (ReadOnly)
            {
                connectionString = WithSetting(connectionString, "default_transaction_read_only", "on");
            }
            else if (ReadingConnectionString is not null)
            {
                // A commit is answered once the synchronous standby has applied it, so whatever a user wrote, the
                // reports read there show at once (reads after writes). Without a synchronous standby it waits for nothing.
                connectionString = WithSetting(connectionString, "synchronous_commit", "remote_apply");
            }
            options.UseNpgsql(connectionString);
        }
    }

    /// <summary>
    /// How SQLite is opened. Read-only settings on a file Tsunagu may not write: read-only, and if no server has it
    /// open (no -wal beside it), immutable — SQLite then needs no -shm, which it could not create on a read-only
    /// volume, and takes no locks, which is safe since nobody is writing it. A file with a -wal is live: it is read
    /// through the WAL, read-only.
    /// </summary>
    public string SqliteConnectionString
    {
        get
        {
            if (!ReadOnly || SqliteFile is not { } file || SqliteStorage.CanWrite(file))
            {
                return ConnectionString;
            }
            var builder = new SqliteConnectionStringBuilder(ConnectionString) { Mode = SqliteOpenMode.ReadOnly };
            if (!File.Exists(file + "-wal"))
            {
                builder.DataSource = $"{new Uri(file).AbsoluteUri}?immutable=1";
            }
            return builder.ConnectionString;
        }
    }

    /// <summary>A SQLite file of Tsunagu's own making (a backup's copy, a preview's snapshot), unpooled so it can be deleted.</summary>
    public DatabaseSettings ForSqliteFile(string path) =>
        new(DatabaseProvider.Sqlite, new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ConnectionString) { Keys = Keys };

    /// <summary>A context of its own on this database, for work outside a verb's or a request's services.</summary>
    public TsunaguDb NewContext()
    {
        if (Provider == DatabaseProvider.Sqlite)
        {
            var sqlite = new DbContextOptionsBuilder<SqliteTsunaguDb>();
            Configure(sqlite);
            return new SqliteTsunaguDb(sqlite.Options);
        }
        var postgres = new DbContextOptionsBuilder<PostgresTsunaguDb>();
        Configure(postgres);
        return new PostgresTsunaguDb(postgres.Options);
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

    /// <summary>A session setting added to a PostgreSQL connection string's Options, unless the city's string sets it already.</summary>
    static string WithSetting(string connectionString, string name, string value)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (builder.Options?.Contains(name, StringComparison.Ordinal) != true)
        {
            builder.Options = $"{builder.Options} -c {name}={value}".Trim();
        }
        return builder.ConnectionString;
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
        services.AddSingleton(sp => sp.GetRequiredService<DatabaseSettings>().Keys
            ?? throw new InvalidOperationException("The database settings came without their key ring."));
        // Interceptors a host registers (the web's Idempotency-Key) join every context it makes.
        services.AddDbContext<SqliteTsunaguDb>((sp, o) => sp.GetRequiredService<DatabaseSettings>().Configure(o.AddInterceptors(sp.GetServices<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>())));
        services.AddDbContext<PostgresTsunaguDb>((sp, o) => sp.GetRequiredService<DatabaseSettings>().Configure(o.AddInterceptors(sp.GetServices<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>())));
        services.AddScoped<TsunaguDb>(sp => sp.GetRequiredService<DatabaseSettings>().Provider == DatabaseProvider.Sqlite
            ? sp.GetRequiredService<SqliteTsunaguDb>()
            : sp.GetRequiredService<PostgresTsunaguDb>());
        // Without a reading server, the reading context is the request's own.
        services.AddKeyedScoped<TsunaguDb>(TsunaguDb.Reading, (sp, _) => sp.GetRequiredService<DatabaseSettings>().Reading is { } reading
            ? reading.NewContext()
            : sp.GetRequiredService<TsunaguDb>());
        return services;
    }

    /// <summary>
    /// Applies the pending migrations and says which; with none pending it takes no lock and writes nothing. On a new
    /// PostgreSQL database EF first reads the history table that is not there yet and logs that as an error
    /// (dotnet/efcore#37328), which alarms whoever runs `db migrate`: the table is made first.
    /// </summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(TsunaguDb db, DatabaseSettings settings, ILogger logger, CancellationToken ct = default)
    {
        if (settings.SqliteFile is { } file)
        {
            SqliteStorage.MakePrivate(file, logger);
        }
        if (await db.GetService<IRelationalDatabaseCreator>().ExistsAsync(ct))
        {
            await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(ct);
        }
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (pending.Count == 0)
        {
            return pending;
        }
        // PostgreSQL's own lock (LOCK TABLE in the migration's transaction) ends with its session; SQLite's does not.
        await using (settings.SqliteFile is { } sqlite ? await SqliteStorage.EnterMigrationAsync(db, sqlite, logger, ct) : null)
        {
            await db.Database.MigrateAsync(ct);
        }
        // Text written before sealing began (0.14) is sealed at the upgrade; `tsunagu keys reseal` does the attachments.
        foreach (var (table, column, count) in (await Keys.SealedText.ResealAsync(db, clearOnly: true, ct)).Where(c => c.Count > 0))
        {
            logger.LogInformation("Sealed {Count} values of {Table}.{Column} written before 0.14", count, table, column);
        }
        return pending;
    }

    /// <summary>
    /// A records preview's snapshot of the database is deleted when the preview ends; one left by a killed process
    /// (it holds every person) goes at the next start of any verb.
    /// </summary>
    static void RemoveLeftoverSnapshots(string file)
    {
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

    /// <summary>
    /// Readies the database for a verb or the server. SQLite is Tsunagu's own file and migrates itself. PostgreSQL is a
    /// shared server whose schema changes are an operator's decision, so a pending migration stops every verb until
    /// <c>tsunagu db migrate</c> is run. A reading connection (<see cref="DatabaseSettings.ReadOnly"/>) only checks that
    /// nothing is pending.
    /// </summary>
    public static async Task PrepareAsync(TsunaguDb db, DatabaseSettings settings, ILogger logger, CancellationToken ct = default)
    {
        if (settings.ReadOnly || settings.Provider == DatabaseProvider.Postgres)
        {
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            if (pending.Count > 0)
            {
                throw new PendingMigrationsException(pending);
            }
            return;
        }
        if (settings.SqliteFile is { } file)
        {
            if (File.Exists(file) && !SqliteStorage.CanWrite(file))
            {
                throw new RefusalException(RefusalKind.Conflict,
                    $"データベースのファイル {file} に書き込めないため、この操作はできません（読み取りだけの操作、たとえば report export はできます）。" +
                    "ファイルとフォルダーの所有者・権限、読み取り専用のボリュームを確かめてください。");
            }
            RemoveLeftoverSnapshots(file);
        }
        await MigrateAsync(db, settings, logger, ct);
        // SQLite plans without statistics until ANALYZE has run once: with a million contacts it then walks a
        // program's date index for one person's timeline (60 ms instead of 2). This analyses what lacks them.
        await db.Database.ExecuteSqlRawAsync("PRAGMA optimize=0x10002", ct);
        // Write-ahead logging (kept in the file once set): readers and the one writer no longer wait for each other,
        // so a long import or a preview's snapshot never takes the pages away from everyone else.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL", ct);
    }

    /// <summary>
    /// The settings a verb that only reads uses: read-only connections (<see cref="DatabaseSettings.ReadOnly"/>), unless
    /// the SQLite file is new or has a migration pending — then it is readied as for any first use, and read after.
    /// </summary>
    public static async Task<DatabaseSettings> ForReadingAsync(DatabaseSettings settings, ILogger logger, CancellationToken ct)
    {
        if (settings.SqliteFile is { } file && (!File.Exists(file) || SqliteStorage.CanWrite(file)))
        {
            await using var db = settings.NewContext();
            if (!File.Exists(file) || (await db.Database.GetPendingMigrationsAsync(ct)).Any())
            {
                await PrepareAsync(db, settings, logger, ct);
            }
        }
        return settings with { ReadOnly = true };
    }
}

/// <summary>/health's look at the reading server (<see cref="DatabaseSettings.Reading"/>): healthy when there is none.</summary>
public sealed class ReadingServerCheck(DatabaseSettings settings) : Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck
{
    public async Task<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult> CheckHealthAsync(
        Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (settings.Reading is not { } reading)
        {
            return Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy();
        }
        await using var db = reading.NewContext();
        return await db.Database.CanConnectAsync(cancellationToken)
            ? Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy()
            : new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult(context.Registration.FailureStatus, "読み取り用の待機系に接続できません。");
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
