using System.Text;

namespace Tsunagu.Tests.Infrastructure;

public sealed record CliResult(int ExitCode, string Out, string Error, byte[] StandardOutput)
{
    public string StandardOutputText => Encoding.UTF8.GetString(StandardOutput);
}

/// <summary>Runs a tsunagu verb in-process against a test database, capturing what it prints.</summary>
public static class CliRun
{
    public static Task<CliResult> RunAsync(TestDatabase database, params string[] args) => RunAsync(database, null, args);

    /// <summary>A verb run as from a terminal: its progress lines are written to standard error.</summary>
    public static Task<CliResult> RunOnTerminalAsync(TestDatabase database, params string[] args) => RunAsync(database, null, args, terminal: true);

    /// <summary>A verb run with settings of its own (`Outreach:Smtp:*` and the like) on top of the database's.</summary>
    public static Task<CliResult> RunAsync(TestDatabase database, IDictionary<string, string?>? settings, params string[] args) =>
        RunAsync(database, settings, args, terminal: false);

    static async Task<CliResult> RunAsync(TestDatabase database, IDictionary<string, string?>? settings, string[] args, bool terminal)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        // MemoryStream.ToArray still works after the verb has closed the stream, as it closes standard output.
        var stdout = new MemoryStream();
        var cli = new Cli(new CliIo(output, error, () => stdout, terminal), c =>
        {
            database.Configure(c);
            Microsoft.Extensions.Configuration.MemoryConfigurationBuilderExtensions.AddInMemoryCollection(c, settings ?? new Dictionary<string, string?>());
        });
        var exitCode = await cli.InvokeAsync(args);
        return new CliResult(exitCode, output.ToString(), error.ToString(), stdout.ToArray());
    }

    /// <summary>A step a test builds on: it must succeed, or the test stops here with what the verb said.</summary>
    public static async Task<CliResult> RunOkAsync(TestDatabase database, params string[] args)
    {
        var result = await RunAsync(database, args);
        Assert.True(result.ExitCode == 0, $"tsunagu {string.Join(" ", args)} exited with {result.ExitCode}: {result.Error}");
        return result;
    }
}
