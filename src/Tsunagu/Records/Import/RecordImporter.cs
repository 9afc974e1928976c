using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Tsunagu.Audit;
using Tsunagu.Calendar;
using Tsunagu.Data;
using Tsunagu.People;
using Tsunagu.Reports.Files;

namespace Tsunagu.Records.Import;

/// <summary>A new person whose reading and birth date match someone already registered under another spelling.</summary>
public sealed record DoubtfulMatch(int Line, int ExistingPersonId);

public sealed record RecordImportResult(
    int Rows, int NewPersons, int MatchedPersons, int NewEnrollments, int NewContacts, int SkippedContacts,
    IReadOnlyList<DoubtfulMatch> Doubtful, int DoubtfulTotal, IReadOnlyList<FileError> Errors)
{
    public bool Succeeded => Errors.Count == 0;

    public static RecordImportResult Failed(params FileError[] errors) => new(0, 0, 0, 0, 0, 0, [], 0, errors);
}

/// <summary>What a writer did with the rows.</summary>
public sealed class WriteCounts
{
    public int Rows { get; set; }
    public int NewPersons { get; set; }
    public int MatchedPersons { get; set; }
    public int NewEnrollments { get; set; }
    public int NewContacts { get; set; }
    public int SkippedContacts { get; set; }
    public int DoubtfulTotal { get; set; }
    public List<DoubtfulMatch> Doubtful { get; } = [];

    /// <summary>Enough doubtful matches to act on; beyond this only the count grows, so memory stays flat.</summary>
    public const int DoubtfulListed = 1000;

    public void AddDoubtful(DoubtfulMatch match)
    {
        DoubtfulTotal++;
        if (Doubtful.Count < DoubtfulListed)
        {
            Doubtful.Add(match);
        }
    }
}

/// <summary>
/// Imports a program's spreadsheet of registrations and contacts. The file is read once, streaming, into one
/// transaction (binary COPY on PostgreSQL, prepared statements on SQLite); every row is checked on the way, and a
/// bad row rolls the whole import back, so nothing is written. A person is matched by name and birth date exactly;
/// a reading and birth date that match someone under another spelling is reported, never merged. Re-running the
/// same file adds nothing: each contact row carries a key of its content.
/// Matching sees only persons enrolled in the importer's programs: anyone else is, for this import, a new person,
/// so a spreadsheet can neither pull a person of another program in nor tell whether one exists.
/// </summary>
public sealed class RecordImporter(TsunaguDb db, TimeProvider time, DatabaseSettings settings, WorkProgress? progress = null,
    Monitoring.TsunaguMetrics? metrics = null)
{
    const int MaxErrors = 100;

    /// <param name="visiblePrograms">The programs whose persons the importer may see (the target program always).</param>
    public Task<RecordImportResult> ImportAsync(
        string path, string programCode, string actor, IReadOnlyCollection<int> visiblePrograms, bool dryRun = false, CancellationToken ct = default) =>
        dryRun && db is SqliteTsunaguDb
            ? PreviewOnSnapshotAsync(path, programCode, actor, visiblePrograms, ct)
            : ImportHereAsync(path, programCode, actor, visiblePrograms, dryRun, ct);

    /// <summary>
    /// SQLite lets one connection write at a time, and a dry run writes (then rolls back): on the live file it would
    /// hold the write lock for the whole preview, and every case worker's person page, which writes the access log,
    /// would wait for it. A preview runs on a snapshot instead (SQLite's online backup, which only reads), kept beside
    /// the database file, as private as it (0600), and deleted at once.
    /// </summary>
    /// <summary>What a preview's snapshot is called beside the database file; a leftover one is removed at start-up.</summary>
    public const string SnapshotSuffix = ".preview-";

    async Task<RecordImportResult> PreviewOnSnapshotAsync(
        string path, string programCode, string actor, IReadOnlyCollection<int> visiblePrograms, CancellationToken ct)
    {
        var live = new SqliteConnectionStringBuilder(db.Database.GetConnectionString());
        var copy = $"{Path.GetFullPath(live.DataSource)}{SnapshotSuffix}{Guid.NewGuid():N}";
        var snapshot = settings.ForSqliteFile(copy);
        try
        {
            PrivateFiles.Create(copy).Dispose();
            await using (var source = new SqliteConnection(live.ConnectionString))
            await using (var target = new SqliteConnection(snapshot.ConnectionString))
            {
                await source.OpenAsync(ct);
                await target.OpenAsync(ct);
                source.BackupDatabase(target);
            }
            await using var copyDb = snapshot.NewContext();
            return await new RecordImporter(copyDb, time, settings, progress, metrics).ImportHereAsync(path, programCode, actor, visiblePrograms, dryRun: true, ct);
        }
        finally
        {
            foreach (var file in new[] { copy, copy + "-wal", copy + "-shm", copy + "-journal" })
            {
                File.Delete(file);
            }
        }
    }

    async Task<RecordImportResult> ImportHereAsync(
        string path, string programCode, string actor, IReadOnlyCollection<int> visiblePrograms, bool dryRun, CancellationToken ct)
    {
        var program = await db.Programs.AsNoTracking().SingleOrDefaultAsync(p => p.Code == programCode, ct);
        if (program is null)
        {
            return RecordImportResult.Failed(new FileError(Path.GetFileName(path), null, null, $"事業 {programCode} はありません。"));
        }
        TableFile file;
        RecordLayout layout;
        try
        {
            file = TableFile.Open(path);
            layout = ReadLayout(file, CityClock.Today(time), await db.Offices.AsNoTracking().ToDictionaryAsync(o => o.Name, o => o.Id, ct));
        }
        catch (FileErrorException e)
        {
            return RecordImportResult.Failed(e.Error);
        }

        // One pass over the file: rows are checked as they are written, and the first bad row stops the writing
        // (the rest is still read, to list its problems too); the transaction is then rolled back.
        var errors = new List<FileError>();
        var now = time.GetUtcNow();
        var today = CityClock.Today(time);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // A preview writes nothing that stays, so only an import waits its turn.
        await using var gate = dryRun ? null : await ImportGate.TryEnterAsync(db, settings, ct);
        if (!dryRun && gate is null)
        {
            await transaction.RollbackAsync(ct);
            return RecordImportResult.Failed(new FileError(Path.GetFileName(path), null, null,
                "記録の取り込みが、ほかで実行中です。同じ人を二重に登録しないよう一度に一つずつ取り込みます。終わってからもう一度取り込んでください。"));
        }
        var connection = db.Database.GetDbConnection();
        using var running = metrics?.ImportStarted();
        var rows = Counted(CheckedRows(file, layout, errors), file.Name);
        int[] scope = [.. visiblePrograms.Append(program.Id).Distinct()];
        WriteCounts counts;
        try
        {
            counts = db is PostgresTsunaguDb
                ? await PostgresRecordWriter.WriteAsync((Npgsql.NpgsqlConnection)connection, rows, program.Id, scope, now, today, db.Keys, ct)
                : await SqliteRecordWriter.WriteAsync((Microsoft.Data.Sqlite.SqliteConnection)connection,
                    (Microsoft.Data.Sqlite.SqliteTransaction)transaction.GetDbTransaction(), rows, program.Id, scope, now, today, db.Keys, ct);
        }
        catch (FileErrorException e)
        {
            errors.Add(e.Error);
            counts = new WriteCounts();
        }
        catch (RowsRejectedException)
        {
            counts = new WriteCounts();
        }
        catch (RestrictedRecordException e)
        {
            errors.Add(file.Error(e.Line, null,
                "閲覧制限のある記録の人と氏名（またはふりがな）と生年月日が一致します。閲覧制限のある人の記録は取り込めません。担当者が画面で記録してください。"));
            counts = new WriteCounts();
        }
        if (errors.Count > 0)
        {
            await transaction.RollbackAsync(ct);
            return RecordImportResult.Failed([.. errors]);
        }

        if (!dryRun)
        {
            db.Audit(time, actor, Tsunagu.Audit.AuditActions.RecordsImport, programCode: program.Code, subject: file.Name,
                after: $"{counts.Rows} 行: 新規 {counts.NewPersons} 人、照合 {counts.MatchedPersons} 人、記録 {counts.NewContacts} 件（既存 {counts.SkippedContacts} 件）");
            await db.SaveChangesAsync(ct);
        }
        if (dryRun)
        {
            await transaction.RollbackAsync(ct);
        }
        else
        {
            await transaction.CommitAsync(ct);
        }
        db.ChangeTracker.Clear();
        return new RecordImportResult(counts.Rows, counts.NewPersons, counts.MatchedPersons, counts.NewEnrollments, counts.NewContacts,
            counts.SkippedContacts, counts.Doubtful, counts.DoubtfulTotal, []);
    }

    IEnumerable<RecordRow> Counted(IEnumerable<RecordRow> rows, string name)
    {
        var count = 0;
        foreach (var row in rows)
        {
            if (++count % 1000 == 0)
            {
                progress?.Report($"{name}: {count:N0} 行を読みました");
                metrics?.RowsRead(1000);
            }
            yield return row;
        }
        metrics?.RowsRead(count % 1000);
    }

    static RecordLayout ReadLayout(TableFile file, DateOnly today, IReadOnlyDictionary<string, int> offices)
    {
        var header = file.ReadRecords().FirstOrDefault(r => !r.IsBlank)
            ?? throw new FileErrorException(file.Error(null, null, "空のファイルです。見出し行と記録の行が必要です。"));
        return RecordLayout.Read(file, header, today, offices);
    }

    static IEnumerable<RecordRow> CheckedRows(TableFile file, RecordLayout layout, List<FileError> errors)
    {
        // A person is their name and birth date; every row of one person must say the same of them, or the file
        // does not know who they are (the first row would silently win).
        var persons = new Dictionary<(string Name, DateOnly Birth), (int Line, string Kana, PersonRole Role, string? School, string? Ward, string? Household)>();
        foreach (var record in file.ReadRecords().Where(r => !r.IsBlank).Skip(1))
        {
            var row = layout.Parse(record, errors);
            if (row is not null && persons.TryGetValue((row.Name, row.BirthDate), out var first))
            {
                foreach (var (column, differs) in new (string, bool)[]
                {
                    ("ふりがな", first.Kana != row.Kana), ("本人区分", first.Role != row.Role), ("学校コード", row.SchoolCode is not null && first.School != row.SchoolCode),
                    ("区コード", row.WardCode is not null && first.Ward != row.WardCode), ("世帯番号", first.Household != row.HouseholdKey),
                })
                {
                    if (differs)
                    {
                        errors.Add(file.Error(record.Line, layout.ColumnOf(column), $"{column}: {first.Line}行目の同じ人（氏名と生年月日が同じ）と違います。"));
                    }
                }
            }
            else if (row is not null)
            {
                persons[(row.Name, row.BirthDate)] = (row.Line, row.Kana, row.Role, row.SchoolCode, row.WardCode, row.HouseholdKey);
            }
            if (row is not null && errors.Count == 0)
            {
                yield return row;
            }
            if (errors.Count >= MaxErrors)
            {
                break;
            }
        }
        if (errors.Count > 0)
        {
            throw new RowsRejectedException();
        }
    }

    /// <summary>Unwinds a writer when the file had bad rows; the rows are in the importer's error list.</summary>
    sealed class RowsRejectedException : Exception;
}

/// <summary>
/// A row names a person whose record is 閲覧制限 (same name or reading, and birth date): an import neither finds nor
/// adds to such a record, whoever imports, and never registers the person a second time beside it.
/// </summary>
sealed class RestrictedRecordException(int line) : Exception
{
    public int Line { get; } = line;
}
