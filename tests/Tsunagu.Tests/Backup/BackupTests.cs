using System.IO.Compression;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Audit;
using Tsunagu.Backup;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Backup;

/// <summary>A backup taken while case workers write, restored into an empty database: the same records, the same reports.</summary>
public class BackupTests
{
    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task ABackupTakenUnderWrites_RestoresIntoAnEmptyDatabase_WithTheManifestsCounts_AnIntactChain_AndTheSameReports(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        using var files = new TempFolder();
        if ((await CliRun.RunAsync(world.Database, "report", "export", "--fiscal-year", "2024", "--format", "csv")).ExitCode != 0)
        {
            await CliRun.RunOkAsync(world.Database, "report", "import", Seed.Write(files.Path, "r6-main-8-programs.tsv", Seed.Bytes()));
        }
        var backup = files.File("tsunagu-backup.zip");

        // Case workers keep writing: audit rows and access-log entries, each linked into its hash chain as it commits.
        using var stop = new CancellationTokenSource();
        var written = 0;
        var writer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await using var db = world.Database.NewDb();
                db.Audit(TimeProvider.System, "caseworker@city", AuditActions.RecordsImport, programCode: "P001", subject: $"write {written}");
                db.AccessLog.Add(new Tsunagu.Access.AccessLogEntry { At = DateTimeOffset.UtcNow, UserId = "u", UserName = "caseworker@city", PersonId = world.Alice, Source = "test" });
                await db.SaveChangesAsync();
                written++;
            }
        });
        await Task.Delay(300);
        var taken = await CliRun.RunAsync(world.Database, "backup", "--out", backup);
        var writtenAtBackup = written;
        await Task.Delay(300);
        await stop.CancelAsync();
        await writer;

        await using var empty = await TestDatabase.CreateAsync(kind, migrate: false);
        var restored = await CliRun.RunAsync(empty, "restore", backup);
        var again = await CliRun.RunAsync(empty, "restore", backup);
        var verify = await CliRun.RunAsync(empty, "audit", "verify");

        Assert.True(taken.ExitCode == 0, taken.Error);
        Assert.True(writtenAtBackup > 0 && written > writtenAtBackup, $"writes during the backup: {writtenAtBackup} before, {written} in all");
        Assert.True(restored.ExitCode == 0, restored.Error);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("空のデータベースにだけ戻せます", again.Error);
        Assert.True(verify.ExitCode == 0, verify.Error);
        BackupManifest manifest;
        using (var zip = ZipFile.OpenRead(backup))
        await using (var stream = zip.GetEntry("manifest.json")!.Open())
        {
            manifest = (await JsonSerializer.DeserializeAsync<BackupManifest>(stream, BackupManifest.Json))!;
        }
        // The manifest describes the database at one moment: the original's chain had reached exactly its head then
        // (and went on after), and the restored chain ends there.
        await using (var original = world.Database.NewDb())
        await using (var copy = empty.NewDb())
        {
            var sequence = manifest.Audit!.Sequence;
            Assert.Equal(manifest.Audit.Hash, await original.AuditEntries.Where(e => e.Sequence == sequence).Select(e => e.Hash).SingleAsync());
            Assert.True(await original.AuditEntries.MaxAsync(e => e.Sequence) > sequence);
            var last = await copy.AuditEntries.OrderByDescending(e => e.Sequence).Select(e => new { e.Sequence, e.Hash }).FirstAsync();
            Assert.Equal((sequence, manifest.Audit.Hash), (last.Sequence, last.Hash));
            Assert.Equal(manifest.AccessLog!.Hash, await original.AccessLog.Where(e => e.Sequence == manifest.AccessLog.Sequence).Select(e => e.Hash).SingleAsync());
            Assert.Equal(manifest.Rows["contacts"], await original.Contacts.LongCountAsync());
            Assert.Equal(manifest.Rows["contacts"], await copy.Contacts.LongCountAsync());
            Assert.Empty(await copy.Database.GetPendingMigrationsAsync());
        }
        foreach (var format in new[] { "xlsx", "csv", "json" })
        {
            var original = await CliRun.RunOkAsync(world.Database, "report", "export", "--fiscal-year", "2024", "--format", format);
            var copy = await CliRun.RunOkAsync(empty, "report", "export", "--fiscal-year", "2024", "--format", format);
            Assert.True(original.StandardOutput.AsSpan().SequenceEqual(copy.StandardOutput), $"{format} differs after the restore");
        }
    }

    [Fact]
    public async Task ARestoreRefuses_WhatIsNotABackup_OrABackupOfTheOtherDatabase_AndWritesNothing()
    {
        using var files = new TempFolder();
        await using var sqlite = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        var backup = files.File("b.zip");
        await CliRun.RunOkAsync(sqlite, "backup", "--out", backup);
        var notAZip = Seed.Write(files.Path, "seed.tsv", Seed.Bytes());
        await using var postgres = await TestDatabase.CreateAsync(DatabaseKind.Postgres, migrate: false);

        var wrongKind = await CliRun.RunAsync(postgres, "restore", backup);
        var wrongFile = await CliRun.RunAsync(postgres, "restore", notAZip);
        var missing = await CliRun.RunAsync(postgres, "restore", files.File("none.zip"));

        Assert.Equal(1, wrongKind.ExitCode);
        Assert.Contains("Sqlite のバックアップです。戻す先は Postgres です", wrongKind.Error);
        Assert.Equal(1, wrongFile.ExitCode);
        Assert.Contains("Tsunagu のバックアップ（zip）ではありません", wrongFile.Error);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("ファイルがありません", missing.Error);
        await using var db = postgres.NewDb();
        Assert.Empty(await db.Database.GetAppliedMigrationsAsync());
    }

    [Fact]
    public async Task ARestoreBesideALeftoverWal_IsRefused_SoOldPagesNeverMixIn()
    {
        using var files = new TempFolder();
        await using var source = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        var backup = files.File("b.zip");
        await CliRun.RunOkAsync(source, "backup", "--out", backup);
        await using var empty = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        var file = empty.Settings.SqliteFile!;
        await File.WriteAllBytesAsync(file + "-wal", [1, 2, 3]);

        var restored = await CliRun.RunAsync(empty, "restore", backup);

        Assert.Equal(1, restored.ExitCode);
        Assert.Contains($"{file}-wal が残っています", restored.Error);
        Assert.False(File.Exists(file));
    }
}
