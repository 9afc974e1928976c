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
        await using (var db = empty.NewDb())
        {
            Assert.Equal(manifest.Rows["contacts"], await db.Contacts.LongCountAsync());
            Assert.Equal(manifest.Rows["persons"], await db.Persons.LongCountAsync());
            Assert.Equal(manifest.Rows["audit_entries"], await db.AuditEntries.LongCountAsync());
            Assert.Equal(manifest.Audit!.Sequence, await db.AuditEntries.MaxAsync(e => e.Sequence));
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        }
        // The chain went on after the backup in the original; the restored one ends where the manifest says.
        await using (var db = world.Database.NewDb())
        {
            Assert.True(await db.AuditEntries.MaxAsync(e => e.Sequence) > manifest.Audit!.Sequence);
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
}
