using System.Diagnostics;

namespace Tsunagu.Tests.Infrastructure;

/// <summary>The built tsunagu executable run as its own process, as an operator or a service manager runs it.</summary>
public static class TsunaguProcess
{
    /// <summary>Starts `tsunagu {args}` with settings given as environment variables (`Section:Key` as `Section__Key`).</summary>
    public static Process Start(IReadOnlyDictionary<string, string?> settings, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "tsunagu.dll"), .. args])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        return Process.Start(start)!;
    }

    /// <summary>Runs it to its end (at most <paramref name="limit"/>), with what it wrote on each stream.</summary>
    public static async Task<(int ExitCode, string Out, string Error)> RunAsync(IReadOnlyDictionary<string, string?> settings, TimeSpan limit, params string[] args)
    {
        using var process = Start(settings, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(limit);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        return (process.ExitCode, await output, await error);
    }
}
