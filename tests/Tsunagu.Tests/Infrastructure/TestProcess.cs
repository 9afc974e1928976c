using System.Runtime.CompilerServices;

namespace Tsunagu.Tests.Infrastructure;

/// <summary>Settings for the whole test process, before any test starts a server.</summary>
static class TestProcess
{
    /// <summary>
    /// Each test server watches its files (settings, the web root for asset versions) with inotify, and a run starts a
    /// few hundred servers: past Linux's default of 128 inotify instances per user the next server's pages fail with
    /// an IOException. Polling watchers use none, and a test never edits those files while running.
    /// </summary>
    [ModuleInitializer]
    internal static void Initialize() => Environment.SetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER", "true");
}
