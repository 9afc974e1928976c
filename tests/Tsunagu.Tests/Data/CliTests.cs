using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Data;

/// <summary>A command-line typo is an error, never a silent default; a dry run writes nothing.</summary>
public class CliTests
{
    [Theory]
    [InlineData("report", "list", "--bogus")]
    [InlineData("report", "list", "extra")]
    [InlineData("report", "export", "--fiscal-year", "2024", "--format", "csv", "--encodng", "cp932")]
    [InlineData("users", "list", "--role", "admin")]
    [InlineData("audit", "verify", "--fix")]
    [InlineData("records", "import", "x.csv", "--program", "P001", "--dryrun")]
    public async Task EveryVerb_RefusesAnUnknownOptionOrAStrayWord_AndDoesNothing(params string[] args)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);

        var result = await CliRun.RunAsync(database, args);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"tsunagu {string.Join(" ", args.TakeWhile(a => !a.StartsWith('-') && a != "extra" && a != "x.csv"))}: 使えないオプションまたは余分な引数です: ", result.Error);
        Assert.Equal("", result.Out);
        Assert.Empty(result.StandardOutput);
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task ReportImport_DryRun_SaysWhatItWouldDo_AndWritesNothing(DatabaseKind kind)
    {
        using var files = new TempFolder();
        await using var database = await TestDatabase.CreateAsync(kind);
        var path = Seed.Write(files.Path, "seed.tsv", Seed.Bytes());

        var dryRun = await CliRun.RunAsync(database, "report", "import", path, "--dry-run");

        Assert.Equal(0, dryRun.ExitCode);
        Assert.Equal("（確認のみ・書き込みなし）令和6年度（2024年度）: 8 事業を取り込みます（新しい事業 8、数値 15 件）。", dryRun.Out.Trim());
        await using var db = database.NewDb();
        Assert.Equal((0, 0, 0), (await db.Reports.CountAsync(), await db.Programs.CountAsync(), await db.AuditEntries.CountAsync()));
    }

    [Fact]
    public void TheCommandLine_ReadsTheEnvironmentsSettingsFile_AsServeDoes()
    {
        using var files = new TempFolder();
        files.Write("appsettings.json", """{ "Database": { "Provider": "Sqlite" }, "Limits": { "PersonReadsPerMinute": 60 } }""", new UTF8Encoding(false));
        files.Write("appsettings.Staging.json", """{ "Database": { "Provider": "Postgres" } }""", new UTF8Encoding(false));

        var staging = Cli.AddFiles(new ConfigurationBuilder(), files.Path, "Staging").Build();
        var production = Cli.AddFiles(new ConfigurationBuilder(), files.Path, "Production").Build();

        Assert.Equal(("Postgres", "60"), (staging["Database:Provider"], staging["Limits:PersonReadsPerMinute"]));
        Assert.Equal("Sqlite", production["Database:Provider"]);
    }

    [Fact]
    public async Task Version_SaysTheReleaseAndTheCommitItWasBuiltFrom()
    {
        var (exitCode, output, _) = await TsunaguProcess.RunAsync(new Dictionary<string, string?>(), TimeSpan.FromSeconds(60), "--version");

        Assert.Equal(0, exitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+\+[0-9a-f]{40}$", output.Trim());
        Assert.StartsWith(typeof(Cli).Assembly.GetName().Version!.ToString(3) + "+", output.Trim());
    }
}
