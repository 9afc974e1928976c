using System.Diagnostics;

namespace Tsunagu.Tests.Infrastructure;

/// <summary>
/// The npm test tools test.sh installs into tests/tools (npm ci, at the versions locked there): Redocly's OpenAPI
/// linter, openapi-typescript and TypeScript's compiler. Run on the machine's Node.js, offline: telemetry and
/// update checks off.
/// </summary>
public static class NodeTools
{
    public sealed record Result(int ExitCode, string Out, string Error);

    public static string Bin(string name) =>
        Path.Combine(Tsunagu.Tests.Browser.BrowserFixture.RepositoryRoot(), "tests", "tools", "node_modules", ".bin", name);

    public static async Task<Result> RunAsync(string tool, string workingDirectory, params string[] args)
    {
        var bin = Bin(tool);
        Assert.True(File.Exists(bin), $"{bin} is missing. Run ./test.sh, which installs it (npm ci).");
        var start = new ProcessStartInfo(bin)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["REDOCLY_TELEMETRY"] = "off",
                ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true",
                ["NO_UPDATE_NOTIFIER"] = "1",
                ["NO_COLOR"] = "1",
            },
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await output, await error);
    }
}
