using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Data;

public class DatabaseTests
{
    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Migrations_BuildTheWholeModel(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.NewDb();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        // A model change without its migration for this provider fails here as well as in CI's `dotnet ef` check.
        Assert.False(db.Database.HasPendingModelChanges());
    }

    /// <summary>
    /// Tsunagu's sessions on PostgreSQL run with the JIT compiler off and statements prepared after a few uses, unless
    /// the city's connection string says otherwise (decision 0016): what the server reports, not what was asked for.
    /// </summary>
    [Fact]
    public async Task Postgres_Sessions_RunWithoutJit_AndPrepareStatements_UnlessTheCitySaysOtherwise()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Postgres);
        async Task<string> Jit(string connectionString)
        {
            await using var connection = new Npgsql.NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("SHOW jit", connection);
            return (string)(await command.ExecuteScalarAsync())!;
        }

        Assert.Equal("on", await Jit(database.Settings.ConnectionString));
        Assert.Equal("off", await Jit(Tsunagu.Data.DatabaseSettings.PostgresConnectionString(database.Settings.ConnectionString)));
        Assert.Equal("on", await Jit(Tsunagu.Data.DatabaseSettings.PostgresConnectionString(database.Settings.ConnectionString + ";Options=-c jit=on")));
        await using (var db = database.NewDb())
        {
            Assert.Equal("off", await db.Database.SqlQueryRaw<string>("SELECT current_setting('jit') AS \"Value\"").SingleAsync());
        }

        Assert.Equal(64, new Npgsql.NpgsqlConnectionStringBuilder(Tsunagu.Data.DatabaseSettings.PostgresConnectionString("Host=h")).MaxAutoPrepare);
        Assert.Equal(0, new Npgsql.NpgsqlConnectionStringBuilder(Tsunagu.Data.DatabaseSettings.PostgresConnectionString("Host=h;Max Auto Prepare=0")).MaxAutoPrepare);
    }

    [Fact]
    public async Task Postgres_WithPendingMigrations_EveryVerbRefusesAndNamesTheCommand()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Postgres, migrate: false);
        using var files = new TempFolder();

        var import = await CliRun.RunAsync(database, "report", "import", Seed.Write(files.Path, "seed.tsv", Seed.Bytes()));
        var list = await CliRun.RunAsync(database, "report", "list");

        Assert.Equal(1, import.ExitCode);
        Assert.Contains("tsunagu db migrate", import.Error);
        Assert.Equal(1, list.ExitCode);
        Assert.Contains("tsunagu db migrate", list.Error);
        await using var db = database.NewDb();
        Assert.NotEmpty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task Postgres_DbMigrate_ThenVerbsRun()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Postgres, migrate: false);
        using var files = new TempFolder();

        var migrate = await CliRun.RunAsync(database, "db", "migrate");
        var again = await CliRun.RunAsync(database, "db", "migrate");
        var import = await CliRun.RunAsync(database, "report", "import", Seed.Write(files.Path, "seed.tsv", Seed.Bytes()));

        Assert.Equal(0, migrate.ExitCode);
        Assert.Contains("マイグレーションを適用しました", migrate.Out);
        Assert.Contains("最新です", again.Out);
        Assert.Equal(0, import.ExitCode);
    }

    [Fact]
    public async Task Sqlite_NewFile_MigratesItselfOnFirstUse()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);

        var list = await CliRun.RunAsync(database, "report", "list");

        Assert.Equal(0, list.ExitCode);
        await using var db = database.NewDb();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task UnknownProvider_IsAClearError()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        var output = new StringWriter();
        var error = new StringWriter();
        var cli = new Cli(new CliIo(output, error, () => new MemoryStream()), configuration =>
        {
            database.Configure(configuration);
            configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Database:Provider"] = "Oracle" });
        });

        var exitCode = await cli.InvokeAsync(["report", "list"]);

        Assert.Equal(1, exitCode);
        Assert.Contains("Database:Provider は Sqlite または Postgres", error.ToString());
    }

    [Theory]
    [InlineData("Sqlite", "Tsunagu", "Data Sourse=data/tsunagu.db", "ConnectionStrings:Tsunagu を読めません: Connection string keyword 'data sourse' is not supported")]
    [InlineData("Postgres", "Tsunagu", "Hots=10.1.2.21;Password=secret", "ConnectionStrings:Tsunagu を読めません: Couldn't set hots (Parameter 'hots')")]
    [InlineData("Postgres", "TsunaguReadOnly", "Host=10.1.2.22;Prot=5432;Password=secret", "ConnectionStrings:TsunaguReadOnly を読めません: Couldn't set prot (Parameter 'prot')")]
    public async Task AMisspeltConnectionString_IsSaidInOneLine_WithoutItsValues(string provider, string name, string connectionString, string said)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        var settings = new Dictionary<string, string?> { ["Database:Provider"] = provider, [$"ConnectionStrings:{name}"] = connectionString };
        if (name != "Tsunagu")
        {
            settings["ConnectionStrings:Tsunagu"] = "Host=127.0.0.1";
        }

        var result = await CliRun.RunAsync(database, settings, "report", "list");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(said + "\n", result.Error);
        Assert.DoesNotContain("secret", result.Error);
    }

    [Fact]
    public async Task UnknownVerb_IsAnErrorRatherThanStartingTheServer()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);

        var result = await CliRun.RunAsync(database, "reprot", "list");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("不明なコマンドです: reprot", result.Error);
    }
}
