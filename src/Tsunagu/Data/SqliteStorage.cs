using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Tsunagu.Data;

/// <summary>
/// The SQLite file as the operating system sees it: who may read it, whether Tsunagu may write it, and one migration
/// at a time.
/// </summary>
public static class SqliteStorage
{
    const UnixFileMode Others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>
    /// The database holds every person, so it is readable by Tsunagu's account only: a folder Tsunagu creates is 0700,
    /// the file 0600 (made empty before SQLite first opens it, since SQLite would make it 0644 under the usual umask;
    /// its -wal and -shm take the file's mode). An existing file loses what its group and others may do (a file kept
    /// read-only stays read-only); an existing folder is left as
    /// it is — it may be a folder others use, such as /srv — and a warning says it is open to others.
    /// </summary>
    public static void MakePrivate(string file, ILogger logger)
    {
        var folder = Path.GetDirectoryName(file)!;
        if (OperatingSystem.IsWindows())
        {
            // Windows: the folder's ACL, inherited by the file, decides; docs/operations.md says how to set it.
            Directory.CreateDirectory(folder);
            return;
        }
        if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder, PrivateFiles.Folder);
        }
        else if ((File.GetUnixFileMode(folder) & Others) != 0)
        {
            logger.LogWarning("The database's folder {Folder} is open to other accounts on this server; make it 0700 (chmod 700).", folder);
        }
        if (!File.Exists(file))
        {
            try
            {
                PrivateFiles.Create(file).Dispose();
            }
            catch (IOException) when (File.Exists(file))
            {
                // Another process starting at the same moment made it.
            }
        }
        foreach (var path in new[] { file, file + "-wal", file + "-shm" }.Where(File.Exists))
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & Others) != 0)
            {
                File.SetUnixFileMode(path, mode & ~Others);
            }
        }
    }

    /// <summary>
    /// Whether Tsunagu may write the file and create files beside it (SQLite's -wal and -shm). Asked of the kernel
    /// (access(2)), which also says no on a read-only mount; the file is not opened, since closing any descriptor of a
    /// SQLite file drops the locks the process's connections hold on it.
    /// </summary>
    public static bool CanWrite(string file)
    {
        if (OperatingSystem.IsWindows())
        {
            return !new FileInfo(file).IsReadOnly;
        }
        const int W_OK = 2;
        return access(file, W_OK) == 0 && access(Path.GetDirectoryName(file)!, W_OK) == 0;
    }

    // CharSet.Ansi is UTF-8 on Unix, which file names are.
    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true, CharSet = System.Runtime.InteropServices.CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    static extern int access(string path, int mode);

    /// <summary>
    /// What every connection is told as it opens: to wait for another writer in SQLite's own busy handler (sleeps of
    /// 1, 2, 5, 10 … ms) up to the connection's Default Timeout — Microsoft.Data.Sqlite sets no busy timeout and retries a
    /// busy statement every 150 ms, so two case workers saving at once cost one of them 150 ms (bench load: p95 at two
    /// clients 28 → 166 ms). And, for a reading verb, to refuse to write (query_only).
    /// </summary>
    public static IInterceptor Opened(bool queryOnly) => queryOnly ? ReadingConnections : WritingConnections;

    static readonly IInterceptor WritingConnections = new OpenedInterceptor(queryOnly: false);
    static readonly IInterceptor ReadingConnections = new OpenedInterceptor(queryOnly: true);

    sealed class OpenedInterceptor(bool queryOnly) : DbConnectionInterceptor
    {
        string Pragmas(DbConnection connection) =>
            FormattableString.Invariant($"PRAGMA busy_timeout = {((SqliteConnection)connection).DefaultTimeout * 1000L};") + (queryOnly ? " PRAGMA query_only = 1;" : "");

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        {
            using var command = connection.CreateCommand();
            command.CommandText = Pragmas(connection);
            command.ExecuteNonQuery();
        }

        public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = Pragmas(connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// One migration at a time, held by a lock of the operating system on <c>{file}.lock</c> (flock on Linux), which
    /// ends with its process. EF's own lock is a row in __EFMigrationsLock: a process killed while migrating leaves it
    /// behind, and every later start then waits on it for ever. Whoever holds this gate knows that such a row is stale
    /// (no other Tsunagu is migrating) and removes it.
    /// </summary>
    public static async Task<IAsyncDisposable> EnterMigrationAsync(TsunaguDb db, string file, ILogger logger, CancellationToken ct)
    {
        var gate = await WaitForGateAsync(file + ".lock", logger, ct);
        try
        {
            var stale = await db.Database.SqlQueryRaw<long>(
                "SELECT count(*) AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsLock'").SingleAsync(ct) > 0
                && await db.Database.ExecuteSqlRawAsync("DELETE FROM \"__EFMigrationsLock\"", ct) > 0;
            if (stale)
            {
                logger.LogWarning("A migration stopped part-way earlier (the process was killed) and left its lock; no other process is migrating, so the lock was removed.");
            }
            return gate;
        }
        catch
        {
            await gate.DisposeAsync();
            throw;
        }
    }

    static async Task<FileStream> WaitForGateAsync(string path, ILogger logger, CancellationToken ct)
    {
        for (var waited = false; ; waited = true)
        {
            // Held by another process that is migrating now: it ends when that process ends, killed or not.
            if (PrivateFiles.TryLock(path) is { } gate)
            {
                return gate;
            }
            if (!waited)
            {
                logger.LogWarning("Another process is migrating the database; waiting for it to finish.");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }
    }
}
