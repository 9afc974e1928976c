using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Data;

namespace Tsunagu.Audit;

/// <summary>
/// A row of a log that cannot be quietly changed: the database refuses UPDATE and DELETE on its table (triggers in
/// the migration AppendOnlyLogs), and each row carries a hash over its content and the previous row's hash, so an
/// edit, a deletion or an insertion made past the triggers shows as the first row that no longer fits.
/// </summary>
public interface IChainedRow
{
    /// <summary>1, 2, 3 … without gaps, in the order the rows were written: a gap is a deleted row.</summary>
    long Sequence { get; set; }

    /// <summary>Hex SHA-256 of the previous row's hash and this row's content; null on rows written before the chain.</summary>
    string? Hash { get; set; }

    DateTimeOffset At { get; set; }

    /// <summary>Every field but the id, sequence and hash, in a fixed order.</summary>
    object?[] Content();
}

/// <summary>
/// Links new audit and access-log rows into their chains as they are saved, and checks the chains afterwards.
/// </summary>
public static class AuditChain
{
    public const string AuditTable = "audit_entries";
    public const string AccessLogTable = "access_log";

    // Any fixed number: the PostgreSQL advisory lock that makes "read the last hash, then append" one step per chain.
    const long PostgresLockKey = 0x7473_756e_6167_75;

    public static bool HasNewRows(TsunaguDb db) =>
        db.ChangeTracker.Entries().Any(e => e.State == EntityState.Added && e.Entity is IChainedRow);

    /// <summary>
    /// Saves with the new chained rows linked to the last row already stored. Reading the last row and writing the
    /// next happen in one transaction that holds the chain's lock (PostgreSQL's advisory lock; SQLite's write lock,
    /// which its transactions take at BEGIN IMMEDIATE), so two writers can never link to the same row.
    /// </summary>
    public static async Task<int> SaveAsync(TsunaguDb db, Func<CancellationToken, Task<int>> save, CancellationToken ct)
    {
        var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        try
        {
            if (db is PostgresTsunaguDb)
            {
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({PostgresLockKey})", ct);
            }
            await LinkAsync(db, db.AuditEntries, ct);
            await LinkAsync(db, db.AccessLog, ct);
            var saved = await save(ct);
            if (own is not null)
            {
                await own.CommitAsync(ct);
            }
            return saved;
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync();
            }
        }
    }

    static async Task LinkAsync<T>(TsunaguDb db, DbSet<T> table, CancellationToken ct) where T : class, IChainedRow
    {
        var added = db.ChangeTracker.Entries<T>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
        if (added.Count == 0)
        {
            return;
        }
        var last = await table.AsNoTracking().OrderByDescending(r => r.Sequence)
            .Select(r => new { r.Sequence, r.Hash }).FirstOrDefaultAsync(ct);
        var sequence = last?.Sequence ?? 0;
        var previous = last?.Hash ?? "";
        foreach (var row in added)
        {
            // The hash is over the time as it reads back on either database: PostgreSQL keeps microseconds, SQLite's
            // number (EF's DateTimeOffsetToBinaryConverter) a tenth of a millisecond. Milliseconds survive both.
            row.At = new DateTimeOffset(row.At.UtcTicks - row.At.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
            row.Sequence = ++sequence;
            row.Hash = HashOf(previous, row);
            previous = row.Hash;
        }
    }

    public static string HashOf(string previous, IChainedRow row)
    {
        object?[] fields = [previous, row.Sequence, row.At.ToUnixTimeMilliseconds(), .. row.Content()];
        return Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(fields)));
    }

    /// <summary>
    /// Walks both chains from the first row and records the result. The previous verification's last row must still
    /// be there with the same hash, which catches rows removed from the end since then (rows removed from the end
    /// after the last verification cannot be told from rows never written: keep the printed result elsewhere too).
    /// </summary>
    public static async Task<AuditVerification> VerifyAsync(TsunaguDb db, TimeProvider time, string actor, CancellationToken ct = default)
    {
        var previous = await db.AuditVerifications.AsNoTracking().Where(v => v.Intact).OrderByDescending(v => v.Id).FirstOrDefaultAsync(ct);
        var audit = await WalkAsync(db.AuditEntries, AuditTable, previous?.AuditSequence, previous?.AuditHash, ct);
        var reads = await WalkAsync(db.AccessLog, AccessLogTable, previous?.AccessLogSequence, previous?.AccessLogHash, ct);
        var verification = new AuditVerification
        {
            At = time.GetUtcNow(),
            Actor = actor,
            Intact = audit.Problem is null && reads.Problem is null,
            Problem = audit.Problem ?? reads.Problem,
            AuditRows = audit.Rows,
            AuditSequence = audit.LastSequence,
            AuditHash = audit.LastHash,
            AccessLogRows = reads.Rows,
            AccessLogSequence = reads.LastSequence,
            AccessLogHash = reads.LastHash,
            Unchained = audit.Unchained + reads.Unchained,
        };
        db.AuditVerifications.Add(verification);
        await db.SaveChangesAsync(ct);
        return verification;
    }

    sealed record Walk(long Rows, long Unchained, long LastSequence, string? LastHash, string? Problem);

    static async Task<Walk> WalkAsync<T>(IQueryable<T> table, string name, long? verifiedSequence, string? verifiedHash,
        CancellationToken ct) where T : class, IChainedRow
    {
        long rows = 0, unchained = 0, expected = 1;
        string previous = "";
        string? problem = null;
        var sawVerified = verifiedSequence is null or 0;
        // Streamed, so a chain of millions of rows costs the memory of one.
        await foreach (var row in table.AsNoTracking().OrderBy(r => r.Sequence).AsAsyncEnumerable().WithCancellation(ct))
        {
            rows++;
            if (row.Hash is null)
            {
                // Written before the chain existed: allowed only before the first chained row.
                if (previous != "")
                {
                    problem = $"{name} 通番 {row.Sequence}: ハッシュがありません（連鎖の後に書き込まれた行）";
                    break;
                }
                unchained++;
                expected = row.Sequence + 1;
                sawVerified |= row.Sequence == verifiedSequence;
                continue;
            }
            if (row.Sequence != expected)
            {
                problem = row.Sequence > expected
                    ? $"{name} 通番 {expected}〜{row.Sequence - 1}: 行がありません（削除）"
                    : $"{name} 通番 {row.Sequence}: 通番が重複しています（挿入）";
                break;
            }
            if (HashOf(previous, row) != row.Hash)
            {
                problem = $"{name} 通番 {row.Sequence}: 内容がハッシュと合いません（書き換え・挿入）";
                break;
            }
            if (row.Sequence == verifiedSequence && row.Hash != verifiedHash)
            {
                problem = $"{name} 通番 {row.Sequence}: 前回の検証の時と違う行です（書き換え）";
                break;
            }
            sawVerified |= row.Sequence == verifiedSequence;
            previous = row.Hash;
            expected++;
        }
        if (problem is null && !sawVerified)
        {
            problem = $"{name} 通番 {verifiedSequence}: 前回の検証で最後だった行がありません（末尾の削除）";
        }
        return new Walk(rows, unchained, expected - 1, previous == "" ? null : previous, problem);
    }
}

/// <summary>The result of one `audit verify`: shown on the auditor's page, and the anchor for the next one.</summary>
public class AuditVerification
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }
    public bool Intact { get; set; }

    /// <summary>The first row that does not fit, by table and sequence number; never its content.</summary>
    public string? Problem { get; set; }

    public long AuditRows { get; set; }
    public long AuditSequence { get; set; }
    public string? AuditHash { get; set; }
    public long AccessLogRows { get; set; }
    public long AccessLogSequence { get; set; }
    public string? AccessLogHash { get; set; }

    /// <summary>Rows written before the chain began (before the migration AppendOnlyLogs): kept, but not protected.</summary>
    public long Unchained { get; set; }
}

public sealed class AuditVerificationConfiguration : IEntityTypeConfiguration<AuditVerification>
{
    public void Configure(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<AuditVerification> builder) =>
        builder.ToTable("audit_verifications");
}

public static class AuditVerificationText
{
    /// <summary>One line: the verdict, the rows checked and the chains' heads (to keep elsewhere, e.g. in the operations log).</summary>
    public static string Summary(AuditVerification v) =>
        (v.Intact ? "異常なし" : $"異常あり: {v.Problem}") +
        $"（監査ログ {v.AuditRows:#,0} 行・末尾 {v.AuditSequence} {Short(v.AuditHash)}、閲覧記録 {v.AccessLogRows:#,0} 行・末尾 {v.AccessLogSequence} {Short(v.AccessLogHash)}" +
        (v.Unchained > 0 ? $"、連鎖以前の行 {v.Unchained:#,0}" : "") + "）";

    static string Short(string? hash) => hash is null ? "-" : hash[..16];
}
