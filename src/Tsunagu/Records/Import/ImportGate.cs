using Microsoft.EntityFrameworkCore;
using Tsunagu.Data;

namespace Tsunagu.Records.Import;

/// <summary>
/// One records import at a time. Two imports at once would each find the other's new persons missing and register them
/// again — also into two programs, since a person is matched across every program the importer sees — so a second is
/// refused while the first runs; tried again, it finds them. The lock ends with whoever holds it, killed or not: on
/// PostgreSQL an advisory lock of the import's transaction (it spans every app server, and works behind a transaction
/// pooler), on SQLite a lock of the operating system on a file beside the database.
/// </summary>
public static class ImportGate
{
    /// <summary>The advisory lock's key: Tsunagu's records imports ("TSRI").</summary>
    const long PostgresLockKey = 0x54535249;

    /// <summary>The gate, or null while another import runs. Asked as the import's transaction begins, which releases it.</summary>
    public static async Task<IAsyncDisposable?> TryEnterAsync(TsunaguDb db, DatabaseSettings settings, CancellationToken ct)
    {
        if (settings.Provider == DatabaseProvider.Postgres)
        {
            var held = await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({PostgresLockKey}) AS \"Value\"").SingleAsync(ct);
            return held ? NoRelease.Instance : null;
        }
        return settings.SqliteFile is { } file ? PrivateFiles.TryLock(file + ".import.lock") : NoRelease.Instance;
    }

    /// <summary>The transaction's end releases PostgreSQL's lock.</summary>
    sealed class NoRelease : IAsyncDisposable
    {
        public static readonly NoRelease Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
