using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Tsunagu.Data;

namespace Tsunagu.Backup;

/// <summary>
/// What a backup holds besides the data, written when it was taken and checked when it is restored: when, from which
/// database and schema, how many rows each table had, and where the audit and access-log chains ended.
/// </summary>
public sealed record BackupManifest(
    string Format, DateTimeOffset TakenAt, string Provider, string SchemaVersion, string TsunaguVersion,
    SortedDictionary<string, long> Rows, ChainHead? Audit, ChainHead? AccessLog)
{
    public const string CurrentFormat = "tsunagu-backup/1";
    public const string EntryName = "manifest.json";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}

/// <summary>The last row of a hash chain: a restored chain must end at the same place.</summary>
public sealed record ChainHead(long Sequence, string? Hash);

/// <summary>
/// <c>tsunagu backup</c> and <c>tsunagu restore</c>. A backup is one zip: the manifest and the database — a copy of the
/// SQLite file made by SQLite's online backup, or PostgreSQL's own dump (pg_dump, custom format). Both are consistent
/// while case workers keep writing: the copy is one read transaction, and the dump and the manifest's counts read the
/// same exported snapshot. The file holds every person: it is created 0600, and the key ring is not in it (decision
/// 0017 — whoever holds both holds everything).
/// </summary>
public sealed class Backups(TsunaguDb db, DatabaseSettings settings, IConfiguration configuration, TimeProvider time, WorkProgress? progress = null)
{
    const string SqliteEntry = "database.sqlite";
    const string PostgresEntry = "database.pgdump";
    static readonly string[] SqliteCompanions = ["-wal", "-shm", "-journal"];

    public async Task<BackupManifest> BackupAsync(string output, CancellationToken ct)
    {
        var target = Path.GetFullPath(output);
        var folder = Path.GetDirectoryName(target)!;
        if (!Directory.Exists(folder))
        {
            throw new RefusalException(RefusalKind.Invalid, $"--out のフォルダー {folder} がありません。");
        }
        var work = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}");
        var temp = work + ".tmp";
        var data = work + ".data";
        try
        {
            BackupManifest manifest;
            if (settings.Provider == DatabaseProvider.Sqlite)
            {
                PrivateFiles.Create(data).Dispose();
                var copySettings = settings.ForSqliteFile(data);
                await using (var source = new SqliteConnection(settings.SqliteConnectionString))
                await using (var copy = new SqliteConnection(copySettings.ConnectionString))
                {
                    await source.OpenAsync(ct);
                    await copy.OpenAsync(ct);
                    progress?.Report("データベースを複写しています");
                    // SQLite's backup does not wait for a lock as a statement does: another process's checkpoint at
                    // that moment (its last connection closing) answers BUSY at once, or BUSY_RECOVERY (261) while a
                    // connection rebuilds the WAL index. Tried again, as a statement would wait, for up to 30 s.
                    for (var attempt = 1; ; attempt++)
                    {
                        try
                        {
                            source.BackupDatabase(copy);
                            break;
                        }
                        catch (SqliteException e) when (DatabaseFault.PrimaryCode(e) is 5 or 6 && attempt < 60)
                        {
                            await Task.Delay(500, ct);
                        }
                    }
                }
                await using var copied = copySettings.NewContext();
                manifest = await DescribeAsync(copied, ct);
            }
            else
            {
                // The manifest is read in the snapshot pg_dump dumps, exported from this open transaction.
                await db.Database.OpenConnectionAsync(ct);
                await using var snapshot = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
                var id = await db.Database.SqlQueryRaw<string>("SELECT pg_export_snapshot() AS \"Value\"").SingleAsync(ct);
                manifest = await DescribeAsync(db, ct);
                PrivateFiles.Create(data).Dispose();
                progress?.Report("pg_dump で書き出しています");
                await RunPostgresToolAsync("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", $"--snapshot={id}", $"--file={data}"], ct);
                await snapshot.CommitAsync(ct);
            }

            await using (var file = PrivateFiles.Create(temp))
            using (var zip = new ZipArchive(file, ZipArchiveMode.Create))
            {
                await using (var entry = zip.CreateEntry(BackupManifest.EntryName).Open())
                {
                    await JsonSerializer.SerializeAsync(entry, manifest, BackupManifest.Json, ct);
                }
                // Already compressed (pg_dump) or mostly pages of text (SQLite): fast compression is enough.
                await using var payload = zip.CreateEntry(settings.Provider == DatabaseProvider.Sqlite ? SqliteEntry : PostgresEntry, CompressionLevel.Fastest).Open();
                await using var from = File.OpenRead(data);
                await CopyAsync(from, payload, "圧縮しています", ct);
            }
            File.Move(temp, target, overwrite: true);
            return manifest;
        }
        finally
        {
            File.Delete(temp);
            File.Delete(data);
        }
    }

    /// <summary>
    /// Restores a backup into an empty database (a new SQLite file, or a PostgreSQL database with no tables), then
    /// checks every table's count against the manifest. Anything else is refused before a row is written; a restore
    /// that does not match is removed again (SQLite: never moved into place; PostgreSQL: its tables dropped).
    /// </summary>
    public async Task<BackupManifest> RestoreAsync(string input, CancellationToken ct)
    {
        var source = Path.GetFullPath(input);
        if (!File.Exists(source))
        {
            throw new RefusalException(RefusalKind.Invalid, $"{input}: ファイルがありません。");
        }
        using var zip = OpenBackup(source);
        var manifest = await ReadManifestAsync(zip, source, ct);
        if (!string.Equals(manifest.Provider, settings.Provider.ToString(), StringComparison.Ordinal))
        {
            throw new RefusalException(RefusalKind.Invalid,
                $"{input}: {manifest.Provider} のバックアップです。戻す先は {settings.Provider} です（同じ種類のデータベースにだけ戻せます）。");
        }
        var payload = zip.GetEntry(settings.Provider == DatabaseProvider.Sqlite ? SqliteEntry : PostgresEntry)
            ?? throw new RefusalException(RefusalKind.Invalid, $"{input}: バックアップのデータがありません。");

        if (settings.Provider == DatabaseProvider.Sqlite)
        {
            var file = settings.SqliteFile ?? throw new RefusalException(RefusalKind.Invalid, "戻す先の SQLite のファイルを接続文字列の Data Source にパスで指定してください。");
            if (File.Exists(file) && new FileInfo(file).Length > 0)
            {
                throw new RefusalException(RefusalKind.Conflict, $"{file} がすでにあります。空のデータベースにだけ戻せます（今のファイルを移してから実行してください）。");
            }
            // SQLite would apply an old -wal beside the file to the restored one: old pages, and old persons, in it.
            if (SqliteCompanions.Select(s => file + s).FirstOrDefault(File.Exists) is { } leftover)
            {
                throw new RefusalException(RefusalKind.Conflict, $"{leftover} が残っています。前のデータベースのファイルと一緒に移してから実行してください。");
            }
            SqliteStorage.MakePrivate(file, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
            var temp = $"{file}.restore-{Guid.NewGuid():N}";
            try
            {
                await using (var to = PrivateFiles.Create(temp))
                await using (var from = payload.Open())
                {
                    await CopyAsync(from, to, "展開しています", ct);
                }
                await using (var restored = settings.ForSqliteFile(temp).NewContext())
                {
                    await CheckAsync(restored, manifest, input, ct);
                }
                File.Move(temp, file, overwrite: true);
            }
            finally
            {
                File.Delete(temp);
            }
            return manifest;
        }

        if (await db.Database.SqlQueryRaw<long>(
                "SELECT count(*) AS \"Value\" FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')").SingleAsync(ct) > 0)
        {
            throw new RefusalException(RefusalKind.Conflict, "戻す先のデータベースにすでに表があります。空のデータベースにだけ戻せます（CREATE DATABASE した直後のもの）。");
        }
        var dump = Path.Combine(Path.GetTempPath(), $"tsunagu-restore-{Guid.NewGuid():N}");
        try
        {
            await using (var to = PrivateFiles.Create(dump))
            await using (var from = payload.Open())
            {
                await CopyAsync(from, to, "展開しています", ct);
            }
            progress?.Report("pg_restore で戻しています");
            // One transaction: a restore that fails leaves the database empty, as it was.
            await RunPostgresToolAsync("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", $"--dbname={Connection().Database}", dump], ct);
        }
        finally
        {
            File.Delete(dump);
        }
        try
        {
            await CheckAsync(db, manifest, input, ct);
        }
        catch (RefusalException)
        {
            // The database was empty before (checked above): what does not match the manifest is removed, so it is empty again.
            await db.Database.ExecuteSqlRawAsync("DROP SCHEMA public CASCADE; CREATE SCHEMA public;", CancellationToken.None);
            throw;
        }
        return manifest;
    }

    static ZipArchive OpenBackup(string path)
    {
        try
        {
            return ZipFile.OpenRead(path);
        }
        catch (InvalidDataException)
        {
            throw new RefusalException(RefusalKind.Invalid, $"{path}: Tsunagu のバックアップ（zip）ではありません。");
        }
    }

    static async Task<BackupManifest> ReadManifestAsync(ZipArchive zip, string path, CancellationToken ct)
    {
        var entry = zip.GetEntry(BackupManifest.EntryName) ?? throw new RefusalException(RefusalKind.Invalid, $"{path}: {BackupManifest.EntryName} がありません。");
        try
        {
            await using var stream = entry.Open();
            var manifest = await JsonSerializer.DeserializeAsync<BackupManifest>(stream, BackupManifest.Json, ct);
            return manifest is { Format: BackupManifest.CurrentFormat }
                ? manifest
                : throw new RefusalException(RefusalKind.Invalid, $"{path}: このバックアップの形式（{manifest?.Format}）は読めません。");
        }
        catch (JsonException e)
        {
            throw new RefusalException(RefusalKind.Invalid, $"{path}: {BackupManifest.EntryName} を読めません（{e.Path}）。");
        }
    }

    async Task<BackupManifest> DescribeAsync(TsunaguDb source, CancellationToken ct)
    {
        var rows = new SortedDictionary<string, long>(StringComparer.Ordinal);
        // The tables the database has: a backup taken before an upgrade lacks what the new version adds.
        var present = (await source.Database.SqlQueryRaw<string>(settings.Provider == DatabaseProvider.Sqlite
            ? "SELECT name AS \"Value\" FROM sqlite_master WHERE type = 'table'"
            : "SELECT table_name AS \"Value\" FROM information_schema.tables WHERE table_schema = current_schema()").ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        foreach (var table in Tables(source).Where(present.Contains))
        {
            // The table names come from the model, not from input.
            var count = $"SELECT count(*) AS \"Value\" FROM \"{table}\"";
            rows[table] = await source.Database.SqlQueryRaw<long>(count).SingleAsync(ct);
        }
        var schema = (await source.Database.GetAppliedMigrationsAsync(ct)).LastOrDefault() ?? "";
        var audit = await source.AuditEntries.OrderByDescending(e => e.Sequence).Select(e => new ChainHead(e.Sequence, e.Hash)).FirstOrDefaultAsync(ct);
        var reads = await source.AccessLog.OrderByDescending(e => e.Sequence).Select(e => new ChainHead(e.Sequence, e.Hash)).FirstOrDefaultAsync(ct);
        var version = typeof(Backups).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().SingleOrDefault()?.InformationalVersion ?? "";
        return new BackupManifest(BackupManifest.CurrentFormat, time.GetUtcNow(), settings.Provider.ToString(), schema, version, rows, audit, reads);
    }

    /// <summary>Every table of the model, and EF's migration history.</summary>
    static IEnumerable<string> Tables(TsunaguDb source) => source.Model.GetEntityTypes()
        .Select(t => t.GetTableName()).OfType<string>().Append("__EFMigrationsHistory").Distinct().Order(StringComparer.Ordinal);

    /// <summary>A copy that says how many megabytes it has done.</summary>
    async Task CopyAsync(Stream from, Stream to, string doing, CancellationToken ct)
    {
        var buffer = new byte[1 << 20];
        long done = 0;
        int read;
        while ((read = await from.ReadAsync(buffer, ct)) > 0)
        {
            await to.WriteAsync(buffer.AsMemory(0, read), ct);
            done += read;
            progress?.Report($"{doing}: {done / (1 << 20):N0} MB");
        }
    }

    async Task CheckAsync(TsunaguDb restored, BackupManifest manifest, string input, CancellationToken ct)
    {
        progress?.Report("行数をマニフェストと照合しています");
        var found = await DescribeAsync(restored, ct);
        var differences = manifest.Rows.Where(r => !found.Rows.TryGetValue(r.Key, out var n) || n != r.Value)
            .Select(r => $"{r.Key}: バックアップ {r.Value} 行、戻した結果 {(found.Rows.TryGetValue(r.Key, out var n) ? n : 0)} 行").ToList();
        if (found.SchemaVersion != manifest.SchemaVersion)
        {
            differences.Add($"スキーマ: バックアップ {manifest.SchemaVersion}、戻した結果 {found.SchemaVersion}");
        }
        if (found.Audit != manifest.Audit || found.AccessLog != manifest.AccessLog)
        {
            differences.Add("監査ログか閲覧記録の連鎖の終わりが一致しません");
        }
        if (differences.Count > 0)
        {
            throw new RefusalException(RefusalKind.Conflict, $"{input}: 戻した内容がマニフェストと一致しません。{string.Join("、", differences)}");
        }
    }

    NpgsqlConnectionStringBuilder Connection() => new(settings.ConnectionString);

    /// <summary>
    /// Runs pg_dump or pg_restore (from <c>Backup:PostgresBin</c>, else the PATH) against the configured database. The
    /// connection goes in the environment (PGPASSWORD and the like), never on a command line others can list.
    /// </summary>
    async Task RunPostgresToolAsync(string tool, IEnumerable<string> arguments, CancellationToken ct)
    {
        var bin = configuration["Backup:PostgresBin"];
        var start = new ProcessStartInfo(string.IsNullOrEmpty(bin) ? tool : Path.Combine(bin, tool))
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        var connection = Connection();
        start.Environment["PGHOST"] = connection.Host;
        start.Environment["PGPORT"] = connection.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["PGDATABASE"] = connection.Database;
        start.Environment["PGUSER"] = connection.Username;
        start.Environment["PGPASSWORD"] = connection.Password;
        start.Environment["PGSSLMODE"] = connection.SslMode.ToString().ToLowerInvariant() switch
        {
            "verifyca" => "verify-ca",
            "verifyfull" => "verify-full",
            var mode => mode,
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new RefusalException(RefusalKind.Invalid,
                $"{tool} が見つかりません。PostgreSQL のクライアント（サーバーと同じか新しい版）を入れ、Backup:PostgresBin にそのフォルダーを設定してください。");
        }
        using (process)
        {
            var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
            var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            try
            {
                await process.WaitForExitAsync(ct);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
            await output;
            if (process.ExitCode != 0)
            {
                // Its first line only: what follows (DETAIL: Failing row contains …) can quote a row, a person's.
                var first = (await error).Split('\n', 2)[0].Trim();
                throw new RefusalException(RefusalKind.Conflict,
                    $"{tool} が失敗しました（終了コード {process.ExitCode}）: {(first.Length > 300 ? first[..300] + "…" : first)}（続きは {tool} を直接実行して確かめてください）");
            }
        }
    }
}
