using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Tsunagu.Data;

/// <summary>
/// The SQLite file as the operating system sees it: who may read it, whether Tsunagu may write it, and one migration
/// at a time.
/// </summary>
public static class SqliteStorage
{
    const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
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
            Directory.CreateDirectory(folder, OwnerOnlyFolder);
        }
        else if ((File.GetUnixFileMode(folder) & Others) != 0)
        {
            logger.LogWarning("The database's folder {Folder} is open to other accounts on this server; make it 0700 (chmod 700).", folder);
        }
        if (!File.Exists(file))
        {
            PrivateFiles.Create(file).Dispose();
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
    /// Whether Tsunagu may write the file and create files beside it (SQLite's -wal and -shm). Asked of the file
    /// system itself, since permissions are not the only reason (a read-only mount, an immutable attribute).
    /// </summary>
    public static bool CanWrite(string file)
    {
        try
        {
            using (new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete))
            {
            }
            var probe = Path.Combine(Path.GetDirectoryName(file)!, $".{Path.GetFileName(file)}.{Guid.NewGuid():N}.probe");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
            return true;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return false;
        }
    }

    /// <summary>Makes every connection of a reading verb refuse to write (SQLite's query_only).</summary>
    public static readonly IInterceptor QueryOnly = new QueryOnlyInterceptor();

    sealed class QueryOnlyInterceptor : DbConnectionInterceptor
    {
        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA query_only = 1";
            command.ExecuteNonQuery();
        }

        public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA query_only = 1";
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
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }
        for (var waited = false; ; waited = true)
        {
            try
            {
                return new FileStream(path, options);
            }
            catch (IOException) when (!ct.IsCancellationRequested)
            {
                // Held by another process that is migrating now: it ends when that process ends, killed or not.
                if (!waited)
                {
                    logger.LogWarning("Another process is migrating the database; waiting for it to finish.");
                }
                await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
            }
        }
    }
}
