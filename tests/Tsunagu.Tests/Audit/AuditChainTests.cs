using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Tsunagu.Access;
using Tsunagu.Audit;
using Tsunagu.Data;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Audit;

/// <summary>
/// The audit trail and the access log cannot be quietly changed: the database refuses it, and a change made past
/// the database (by whoever can drop its triggers) shows as the first row that does not fit the hash chain.
/// </summary>
public class AuditChainTests
{
    // Not a round second: the time must read back as it was hashed on both databases.
    static readonly TimeProvider Time = new FixedTime(new DateTimeOffset(2024, 7, 1, 10, 0, 0, TimeSpan.FromHours(9)).AddTicks(1_234_567));

    static async Task WriteAsync(TestDatabase database, int audits, int reads)
    {
        await using var db = database.NewDb();
        for (var i = 1; i <= audits; i++)
        {
            db.Audit(Time, "admin@example.jp", AuditActions.AccountRole, subject: $"user{i}@example.jp", before: "viewer", after: "planner");
        }
        for (var i = 1; i <= reads; i++)
        {
            db.AccessLog.Add(new AccessLogEntry { At = Time.GetUtcNow(), UserId = "u1", UserName = "cw@example.jp", PersonId = i, Source = "GET /people/{id}" });
        }
        await db.SaveChangesAsync();
    }

    /// <summary>What a database administrator could do: drop the triggers and change the rows.</summary>
    static async Task TamperAsync(TestDatabase database, string sql)
    {
        await using var db = database.NewDb();
        var drop = database.Settings.Provider == DatabaseProvider.Sqlite
            ? "DROP TRIGGER audit_entries_no_update; DROP TRIGGER audit_entries_no_delete; DROP TRIGGER access_log_no_update; DROP TRIGGER access_log_no_delete;"
            : "ALTER TABLE audit_entries DISABLE TRIGGER USER; ALTER TABLE access_log DISABLE TRIGGER USER;";
        await db.Database.ExecuteSqlRawAsync(drop);
        await db.Database.ExecuteSqlRawAsync(sql);
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task TheDatabaseRefusesToChangeOrRemoveAuditAndAccessLogRows(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await WriteAsync(database, audits: 2, reads: 2);
        await using var db = database.NewDb();

        var attempts = new List<string>
        {
            """UPDATE audit_entries SET "Reason" = 'x'""",
            "DELETE FROM audit_entries",
            """UPDATE access_log SET "PersonId" = 0""",
            """DELETE FROM access_log WHERE "Sequence" = 2""",
        };
        if (kind == DatabaseKind.Postgres)
        {
            attempts.AddRange(["TRUNCATE audit_entries", "TRUNCATE access_log"]);
        }
        var refused = new List<string>();
        foreach (var sql in attempts)
        {
            var error = await Record.ExceptionAsync(() => db.Database.ExecuteSqlRawAsync(sql));
            if (error?.Message.Contains("追記のみです") == true)
            {
                refused.Add(sql);
            }
        }

        Assert.Equal(attempts, refused);
        Assert.Equal(2, await db.AuditEntries.CountAsync(a => a.Reason == null));
        Assert.Equal([1, 2], await db.AccessLog.OrderBy(a => a.Sequence).Select(a => a.PersonId).ToListAsync());
    }

    public static TheoryData<DatabaseKind, string, string> Tampering => new()
    {
        { DatabaseKind.Sqlite, """UPDATE audit_entries SET "Reason" = '書き換え' WHERE "Sequence" = 3""", "audit_entries 通番 3: 内容がハッシュと合いません" },
        { DatabaseKind.Postgres, """UPDATE audit_entries SET "Reason" = '書き換え' WHERE "Sequence" = 3""", "audit_entries 通番 3: 内容がハッシュと合いません" },
        { DatabaseKind.Sqlite, """DELETE FROM access_log WHERE "Sequence" = 2""", "access_log 通番 2〜2: 行がありません（削除）" },
        { DatabaseKind.Postgres, """DELETE FROM access_log WHERE "Sequence" = 2""", "access_log 通番 2〜2: 行がありません（削除）" },
        // An inserted row must take a number: the ones after it no longer follow their predecessor's hash.
        { DatabaseKind.Sqlite, Insertion, "access_log 通番 3: 内容がハッシュと合いません" },
        { DatabaseKind.Postgres, Insertion, "access_log 通番 3: 内容がハッシュと合いません" },
    };

    const string Insertion = """
        UPDATE access_log SET "Sequence" = "Sequence" + 100 WHERE "Sequence" >= 3;
        UPDATE access_log SET "Sequence" = "Sequence" - 99 WHERE "Sequence" >= 103;
        INSERT INTO access_log ("Sequence", "Hash", "At", "UserId", "UserName", "PersonId", "Source")
            SELECT 3, "Hash", "At", "UserId", "UserName", 99, "Source" FROM access_log WHERE "Sequence" = 2
        """;

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task AuditVerify_NamesTheFirstRowThatDoesNotFit_AndExitsWithOne(DatabaseKind kind, string tampering, string expected)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await WriteAsync(database, audits: 5, reads: 5);
        var before = await CliRun.RunAsync(database, "audit", "verify");

        await TamperAsync(database, tampering);
        var after = await CliRun.RunAsync(database, "audit", "verify");

        Assert.Equal(0, before.ExitCode);
        Assert.StartsWith("異常なし（監査ログ 5 行・末尾 5 ", before.Out);
        Assert.Equal(1, after.ExitCode);
        Assert.StartsWith($"異常あり: {expected}", after.Error);
        await using var db = database.NewDb();
        Assert.Equal([true, false], await db.AuditVerifications.OrderBy(v => v.Id).Select(v => v.Intact).ToListAsync());
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task AuditVerify_NoticesRowsRemovedFromTheEndSinceTheLastVerification(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await WriteAsync(database, audits: 4, reads: 1);
        var first = await CliRun.RunAsync(database, "audit", "verify");

        await TamperAsync(database, """DELETE FROM audit_entries WHERE "Sequence" >= 3""");
        var second = await CliRun.RunAsync(database, "audit", "verify");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(1, second.ExitCode);
        Assert.StartsWith("異常あり: audit_entries 通番 4: 前回の検証で最後だった行がありません（末尾の削除）", second.Error);
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task ConcurrentWriters_EachLinkToTheRowBefore_SoTheChainHasNoForkAndNoGap(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 15; i++)
            {
                await WriteAsync(database, audits: 1, reads: 2);
            }
        })));
        await using var db = database.NewDb();
        var verification = await AuditChain.VerifyAsync(db, Time, "test");

        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal((60, 60), (verification.AuditRows, verification.AuditSequence));
        Assert.Equal((120, 120), (verification.AccessLogRows, verification.AccessLogSequence));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task RowsWrittenBeforeTheChain_AreKeptInOrder_AndCountedAsUnprotected(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind, migrate: false);
        await using (var db = database.NewDb())
        {
            var migrator = db.GetService<IMigrator>();
            var all = db.Database.GetMigrations().ToList();
            await migrator.MigrateAsync(all[all.FindIndex(m => m.EndsWith("_AppendOnlyLogs", StringComparison.Ordinal)) - 1]);
            await db.Database.ExecuteSqlRawAsync(
                """INSERT INTO audit_entries ("At", "Actor", "Action") VALUES ({0}, 'cli:root', 'report.import'), ({0}, 'cli:root', 'report.status')""",
                kind == DatabaseKind.Sqlite ? new DateTimeOffsetToBinaryConverter().ConvertToProvider(Time.GetUtcNow())! : Time.GetUtcNow());
            await db.Database.MigrateAsync();
        }
        await WriteAsync(database, audits: 1, reads: 1);

        await using var check = database.NewDb();
        var verification = await AuditChain.VerifyAsync(check, Time, "test");

        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal((3, 3, 2), (verification.AuditRows, verification.AuditSequence, verification.Unchained));
        Assert.Equal([1, 2, 3], await check.AuditEntries.OrderBy(a => a.Id).Select(a => a.Sequence).ToListAsync());
    }
}
