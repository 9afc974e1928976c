using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Tsunagu.Reports;
using Tsunagu.Tests.Infrastructure;
using Tsunagu.Tests.Web;

namespace Tsunagu.Tests.Data;

/// <summary>The upgrade as docs/operations.md tells the city to do it: backup, db migrate, start.</summary>
public class UpgradeTests
{
    /// <summary>The last migration of the previous release (0.13): 0.14.0 adds IdempotencyKeys after it.</summary>
    const string PreviousRelease = "_TargetingIndex";

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task FromThePreviousReleasesDatabase_BackupThenMigrateThenStart_KeepsTheRecords_AndTheOldBackupRestores(DatabaseKind kind)
    {
        using var files = new TempFolder();
        await using var database = await TestDatabase.CreateAsync(kind, migrate: false);
        byte[] before;
        await using (var db = database.NewDb())
        {
            var previous = db.Database.GetMigrations().Single(m => m.EndsWith(PreviousRelease, StringComparison.Ordinal));
            await db.GetService<IMigrator>().MigrateAsync(previous);
            // Today's importer writes the columns this release adds to the report's tables: they stand for the import
            // and go again, leaving the previous release's schema holding what it would have held.
            string[] add =
            [
                "ALTER TABLE \"reports\" ADD \"Version\" integer NOT NULL DEFAULT 0",
                "ALTER TABLE \"report_rows\" ADD \"Version\" integer NOT NULL DEFAULT 0",
                "ALTER TABLE \"report_publications\" ADD \"ProgramCode\" varchar(32) NULL",
                "ALTER TABLE \"report_publications\" ADD \"Column\" varchar(16) NULL",
            ];
            foreach (var statement in add)
            {
                await db.Database.ExecuteSqlRawAsync(statement);
            }
            var imported = await new ReportImporter(db, TimeProvider.System).ImportAsync(Seed.Write(files.Path, "seed.tsv", Seed.Bytes()), null, "cli:operator");
            Assert.True(imported.Errors.Count == 0, string.Join("\n", imported.Errors));
            before = await Seed.ExportAsync(db);
            foreach (var statement in add)
            {
                await db.Database.ExecuteSqlRawAsync(statement.Replace(" ADD ", " DROP COLUMN ", StringComparison.Ordinal).Split(" integer")[0].Split(" varchar")[0]);
            }
        }
        var backup = files.File("before-upgrade.zip");

        var backedUp = await CliRun.RunAsync(database, "backup", "--out", backup);
        var migrated = await CliRun.RunAsync(database, "db", "migrate");
        await using (var factory = await TsunaguFactory.StartAsync(database))
        {
            using var http = factory.CreateClient();
            Assert.Equal("Healthy", await http.GetStringAsync("/health"));
        }
        await using var restoredDatabase = await TestDatabase.CreateAsync(kind, migrate: false);
        var restored = await CliRun.RunAsync(restoredDatabase, "restore", backup);
        var restoredMigrated = await CliRun.RunAsync(restoredDatabase, "db", "migrate");

        Assert.True(backedUp.ExitCode == 0, backedUp.Error);
        Assert.Contains($"スキーマ 2026", backedUp.Out);
        Assert.DoesNotContain("IdempotencyKeys", backedUp.Out);
        Assert.True(migrated.ExitCode == 0, migrated.Error);
        Assert.Matches(@"5 件のマイグレーションを適用しました: \d+_IdempotencyKeys, \d+_SealedText, \d+_PersonNamesByCodePoint, \d+_PublicationCorrections, \d+_ReportVersions", migrated.Out);
        Assert.True(restored.ExitCode == 0, restored.Error);
        Assert.True(restoredMigrated.ExitCode == 0, restoredMigrated.Error);
        await using var upgraded = database.NewDb();
        await using var fromBackup = restoredDatabase.NewDb();
        Assert.Empty(await upgraded.Database.GetPendingMigrationsAsync());
        Assert.Equal(before, await Seed.ExportAsync(upgraded));
        Assert.Equal(before, await Seed.ExportAsync(fromBackup));
    }
}
