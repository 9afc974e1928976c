using System.Diagnostics;

namespace Tsunagu;

/// <summary>
/// How far a long piece of work has got (an import's rows, a backup's megabytes, the demo city's programs), as one
/// line on standard error that rewrites itself — only when standard error is a terminal, so a log, a pipe or a cron
/// job's mail gets nothing. The command line registers one; the web application none, and each feature takes it as
/// optional. At most a few lines a second, so a fast loop does not spend its time on the terminal.
/// </summary>
public sealed class WorkProgress(TextWriter error, bool isTerminal)
{
    static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    readonly Stopwatch clock = Stopwatch.StartNew();
    TimeSpan last = -Interval;
    bool shown;

    public void Report(string text)
    {
        if (!isTerminal || clock.Elapsed - last < Interval)
        {
            return;
        }
        last = clock.Elapsed;
        // Carriage return, the text, and "erase to the end of the line" for a shorter text after a longer one.
        error.Write($"\r{text}\u001b[K");
        error.Flush();
        shown = true;
    }

    /// <summary>Clears the line, so what the verb prints next starts on a clean one.</summary>
    public void Done()
    {
        if (shown)
        {
            error.Write("\r\u001b[K");
            error.Flush();
            shown = false;
        }
    }
}
