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

    /// <summary>Waits until the started server answers <paramref name="url"/> (at most a minute, and not once it has exited).</summary>
    public static async Task WaitUntilAnsweringAsync(Process process, string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var until = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            try
            {
                if ((await http.GetAsync(url)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && DateTime.UtcNow < until && !process.HasExited)
            {
            }
            if (DateTime.UtcNow > until || process.HasExited)
            {
                throw new TimeoutException($"{url} did not answer");
            }
            await Task.Delay(200);
        }
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
