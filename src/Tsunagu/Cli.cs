using System.CommandLine;
using Tsunagu.Access;
using Tsunagu.Audit;
using Tsunagu.Data;
using Tsunagu.Demo;
using Tsunagu.Indicators;
using Tsunagu.Records.Import;
using Tsunagu.Reports;
using Tsunagu.Reports.Files;

namespace Tsunagu;

/// <summary>
/// Where a command writes: text for people, the raw stream for exports to standard output, and whether standard error
/// is a terminal (progress lines are written only there).
/// </summary>
public sealed record CliIo(TextWriter Out, TextWriter Error, Func<Stream> OpenStandardOutput, bool ErrorIsTerminal = false)
{
    public static CliIo Console => new(System.Console.Out, System.Console.Error, System.Console.OpenStandardOutput, !System.Console.IsErrorRedirected);
}

/// <summary>
/// The verbs of the one executable. Each verb is a few lines over the feature's code, which the web application
/// calls too. <paramref name="configure"/> lets tests point a run at their own database.
/// </summary>
public sealed class Cli(CliIo io, Action<IConfigurationBuilder>? configure = null)
{
    /// <summary>Where the verbs write.</summary>
    public CliIo Io => io;

    public static Task<int> RunAsync(string[] args) => new Cli(CliIo.Console).InvokeAsync(args);

    public async Task<int> InvokeAsync(string[] args, CancellationToken ct = default)
    {
        var parse = BuildCommands().Parse(args);
        // A typo is an error on every verb (`--encodng cp932`, `--dry-run` where there is none, a stray word): only the
        // root and serve pass what they do not know to the web host (--urls and the like). The root command's setting
        // decides for all in System.CommandLine, so the check is here.
        if (parse.UnmatchedTokens.Count > 0 && parse.CommandResult.Command is not RootCommand && parse.CommandResult.Command.Name != "serve")
        {
            var verb = string.Join(" ", parse.CommandResult.Command.Parents.OfType<Command>().Where(c => c is not RootCommand).Reverse()
                .Append(parse.CommandResult.Command).Select(c => c.Name));
            await io.Error.WriteLineAsync($"tsunagu {verb}: 使えないオプションまたは余分な引数です: {string.Join(" ", parse.UnmatchedTokens)}（tsunagu {verb} --help で使い方を表示します）");
            return 1;
        }
        return await parse.InvokeAsync(new InvocationConfiguration { Output = io.Out, Error = io.Error }, ct);
    }

    RootCommand BuildCommands()
    {
        var root = new RootCommand("Tsunagu（つなぐ）: こども・家庭支援事業の記録と年次実績報告。動詞を省くと serve を実行します。")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        root.SetAction((result, ct) =>
        {
            // Bare `tsunagu` (or with host options such as --urls) serves; an unknown word is a typo, not a wish to serve.
            var unmatched = result.UnmatchedTokens;
            if (unmatched.Count > 0 && !unmatched[0].StartsWith('-'))
            {
                io.Error.WriteLine($"不明なコマンドです: {unmatched[0]}（tsunagu --help で一覧を表示します）");
                return Task.FromResult(1);
            }
            return ServeAsync([.. unmatched], ct);
        });

        var serve = new Command("serve", "Web サーバーを起動します（既定の動詞）。--urls などのホスト設定をそのまま渡せます。")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        var demo = new Option<bool>("--demo")
        {
            Description = "記録のないデータベースに架空の街（令和5・6年度）を作って集計してから起動します（デモ用。実データのあるデータベースでは何もしません）",
        };
        var publicSite = new Option<bool>("--public")
        {
            Description = "公開ページだけを配信します（インターネット側のデータベースの写しで。サインインも記録への経路もありません）",
        };
        serve.Options.Add(demo);
        serve.Options.Add(publicSite);
        serve.SetAction((result, ct) => result.GetValue(publicSite)
            ? ServePublicAsync([.. result.UnmatchedTokens], ct)
            : ServeAsync([.. result.UnmatchedTokens], ct, result.GetValue(demo)));
        root.Subcommands.Add(serve);

        // The verbs, each group beside its feature.
        root.Subcommands.Add(DatabaseCommands.Create(this));
        root.Subcommands.Add(ReportCommands.Create(this));
        root.Subcommands.Add(IndicatorCommands.Create(this));
        root.Subcommands.Add(UserCommands.Create(this));
        root.Subcommands.Add(RecordCommands.Create(this));
        root.Subcommands.Add(DemoCommands.Create(this));
        root.Subcommands.Add(AuditCommands.Create(this));
        root.Subcommands.Add(Places.PlaceCommands.Create(this));
        root.Subcommands.Add(Catalogue.CatalogueCommands.Create(this));
        root.Subcommands.Add(Site.SiteCommands.Create(this));
        root.Subcommands.Add(Notices.NoticeCommands.Create(this));
        root.Subcommands.Add(Keys.KeyCommands.Create(this));
        root.Subcommands.Add(Retention.RetentionCommands.Create(this));
        foreach (var command in Backup.BackupCommands.Create(this))
        {
            root.Subcommands.Add(command);
        }
        root.Subcommands.Add(new Command("metrics", "実績の数値（indicators parse の旧名）") { Hidden = true, Subcommands = { IndicatorCommands.Parse(this) } });
        return root;
    }

    /// <summary>The --fiscal-year option every verb about a year takes.</summary>
    public static Option<int> FiscalYearOption(bool required) => new("--fiscal-year")
    {
        Description = "年度（西暦の開始年。令和6年度なら 2024）",
        Required = required,
    };

    /// <summary>Who the audit trail records for a verb: the server's operator.</summary>
    public static string Actor => $"cli:{Environment.UserName}";

    IConfiguration BuildConfiguration()
    {
        var builder = AddFiles(new ConfigurationBuilder(), AppContext.BaseDirectory, EnvironmentName).AddEnvironmentVariables();
        configure?.Invoke(builder);
        return builder.Build();
    }

    /// <summary>As ASP.NET Core names it for `serve`: ASPNETCORE_ENVIRONMENT, else DOTNET_ENVIRONMENT, else Production.</summary>
    static string EnvironmentName =>
        Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environments.Production;

    /// <summary>
    /// The files `serve` reads, in its order, from the executable's folder (its content root): appsettings.json, then
    /// appsettings.{Environment}.json. So every verb works on the database and settings the server uses.
    /// </summary>
    public static IConfigurationBuilder AddFiles(IConfigurationBuilder builder, string folder, string environment) => builder
        .AddJsonFile(Path.Combine(folder, "appsettings.json"), optional: true)
        .AddJsonFile(Path.Combine(folder, $"appsettings.{environment}.json"), optional: true);

    /// <summary>
    /// Runs a verb's body on the configured database, opened and readied for its <paramref name="use"/>; a refusal
    /// the user can act on is its message and exit code 1.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1068", Justification = "The verb's body reads last, as a block.")]
    public async Task<int> WithDatabaseAsync(DatabaseUse use, CancellationToken ct, Func<IServiceProvider, TsunaguDb, Task<int>> body)
    {
        try
        {
            var configuration = BuildConfiguration();
            var services = new ServiceCollection()
                .AddSingleton(configuration)
                .AddLogging(logging => ConfigureLogging(logging, configuration))
                .AddTsunagu()
                .AddTsunaguAccounts()
                .AddSingleton<ICurrentUser>(new OperatorUser(Actor));
            var settings = DatabaseSettings.From(configuration);
            using (var logging = LoggerFactory.Create(l => ConfigureLogging(l, configuration)))
            {
                var logger = logging.CreateLogger("Tsunagu.Database");
                if (use == DatabaseUse.Reads)
                {
                    settings = await DatabaseServices.ForReadingAsync(settings, logger, ct);
                }
                else if (use == DatabaseUse.ReadsAsItIs)
                {
                    settings = settings with { ReadOnly = true };
                }
                if (use is DatabaseUse.Writes or DatabaseUse.Reads)
                {
                    await using var db = settings.NewContext();
                    await DatabaseServices.PrepareAsync(db, settings, logger, ct);
                }
            }
            var progress = new WorkProgress(io.Error, io.ErrorIsTerminal);
            await using var provider = services.AddSingleton(settings).AddSingleton(progress).BuildServiceProvider();
            await using var scope = provider.CreateAsyncScope();
            try
            {
                return await body(scope.ServiceProvider, scope.ServiceProvider.GetRequiredService<TsunaguDb>());
            }
            finally
            {
                progress.Done();
            }
        }
        catch (Exception e) when (Refusal(e) is { } message)
        {
            await io.Error.WriteLineAsync(message);
            return 1;
        }
    }

    /// <summary>
    /// What the operator can act on — a refusal, or the database failing (<see cref="DatabaseFault"/>) — as its one line;
    /// anything else is a fault and keeps its stack trace.
    /// </summary>
    static string? Refusal(Exception e) => e is RefusalException refusal ? refusal.Message : DatabaseFault.Describe(e, forOperator: true);


    /// <summary>A verb's log: the settings' levels, everything on standard error (standard output is the verb's result).</summary>
    static void ConfigureLogging(ILoggingBuilder logging, IConfiguration configuration) =>
        logging.AddConfiguration(configuration.GetSection("Logging")).AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);

    /// <summary>A file refused: every error by file, line and column on standard error, and exit code 1.</summary>
    public async Task<int> RefuseFileAsync(IEnumerable<FileError> errors)
    {
        foreach (var error in errors)
        {
            await io.Error.WriteLineAsync(error.ToString());
        }
        await io.Error.WriteLineAsync("取り込みを中止しました。データベースは変更していません。");
        return 1;
    }

    async Task<int> ServePublicAsync(string[] args, CancellationToken ct)
    {
        await Site.PublicServer.Build(args, configure).RunAsync(ct);
        return 0;
    }

    async Task<int> ServeAsync(string[] args, CancellationToken ct, bool demo = false)
    {
        WebApplication app;
        try
        {
            // A setting the server refuses (Metrics:Port, KeyRing:*) or a pending migration is one line, as for a verb.
            app = WebApp.Build(args, configure);
            await WebApp.PrepareAsync(app.Services, ct);
            if (demo)
            {
                await using var scope = app.Services.CreateAsyncScope();
                foreach (var line in await Demo.DemoCity.ShowAsync(scope.ServiceProvider, Actor, ct))
                {
                    await io.Out.WriteLineAsync(line);
                }
            }
        }
        catch (Exception e) when (Refusal(e) is { } message)
        {
            await io.Error.WriteLineAsync(message);
            return 1;
        }
        await app.RunAsync(ct);
        return 0;
    }
}
