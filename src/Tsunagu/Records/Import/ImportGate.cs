using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Data;

namespace Tsunagu.Records.Import;

/// <summary>
/// One import at a time into a program. Two imports of one file at once would each find the other's new persons
/// missing and register them again; a second one is refused while the first runs, and tried again finds them.
/// The lock ends with whoever holds it, killed or not: on PostgreSQL an advisory lock of the import's session (so it
/// spans every server on the database), on SQLite a lock of the operating system on a file beside the database.
/// </summary>
public static class ImportGate
{
    /// <summary>The advisory lock's first key, Tsunagu's records imports ("TSRI"); the second is the program's id.</summary>
    const int PostgresLockSpace = 0x54535249;

    /// <summary>
    /// The gate for <paramref name="programId"/>, or null while another import into it runs. On PostgreSQL the context's
    /// connection stays open while it is held, and the import's transaction runs on it.
    /// </summary>
    public static async Task<IAsyncDisposable?> TryEnterAsync(TsunaguDb db, int programId, CancellationToken ct)
    {
        if (db is PostgresTsunaguDb)
        {
            await db.Database.OpenConnectionAsync(ct);
            if (await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_lock({PostgresLockSpace}, {programId}) AS \"Value\"").SingleAsync(ct))
            {
                return new PostgresLock(db, programId);
            }
            await db.Database.CloseConnectionAsync();
            return null;
        }
        var file = Path.GetFullPath(new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            return new FileStream($"{file}.import-{programId}.lock", options);
        }
        catch (IOException)
        {
            return null;
        }
    }

    sealed class PostgresLock(TsunaguDb db, int programId) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await db.Database.SqlQuery<bool>($"SELECT pg_advisory_unlock({PostgresLockSpace}, {programId}) AS \"Value\"").SingleAsync();
            await db.Database.CloseConnectionAsync();
        }
    }
}
