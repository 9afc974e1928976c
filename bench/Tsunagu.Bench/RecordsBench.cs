using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using Tsunagu.Data;
using Tsunagu.People;
using Tsunagu.Records.Import;
using Tsunagu.Reports.Files;

namespace Tsunagu.Bench;

/// <summary>
/// The records benchmark's steps, each run in a child process of its own: Tsunagu's import, the raw baseline for
/// the same rows (binary COPY on PostgreSQL, prepared inserts on SQLite, into a plain table), and search and
/// person-page latency at the resulting size.
/// </summary>
static class RecordsBench
{
    /// <summary>The rows as the importer reads them: parsing is part of both sides of the comparison.</summary>
    public static IEnumerable<RecordRow> Rows(string path)
    {
        var file = TableFile.Open(path);
        var records = file.ReadRecords().Where(r => !r.IsBlank);
        var header = records.First();
        var layout = RecordLayout.Read(file, header, DateOnly.FromDateTime(DateTime.UtcNow.AddHours(9)));
        var errors = new List<FileError>();
        return records.Skip(1).Select(r => layout.Parse(r, errors) ?? throw new InvalidOperationException(errors[0].ToString()));
    }

    public static async Task<long> ImportAsync(IServiceProvider services, string path)
    {
        var result = await services.GetRequiredService<RecordImporter>().ImportAsync(path, "P001", "bench", []);
        return result.Succeeded ? result.Rows : throw new InvalidOperationException(result.Errors[0].ToString());
    }

    public static async Task<long> RawCopyAsync(string connectionString, string path)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand("""
            DROP TABLE IF EXISTS raw_rows;
            CREATE TABLE raw_rows (name text, kana text, birth date, role int, ward text, household text, source int, date date, time time,
                kind int, channel int, duration int, said text, assessment text, staff text)
            """, connection))
        {
            await create.ExecuteNonQueryAsync();
        }
        long rows = 0;
        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY raw_rows (name, kana, birth, role, ward, household, source, date, time, kind, channel, duration, said, assessment, staff) FROM STDIN (FORMAT BINARY)");
        foreach (var r in Rows(path))
        {
            rows++;
            await copy.StartRowAsync();
            await copy.WriteAsync(r.Name, NpgsqlDbType.Text);
            await copy.WriteAsync(r.Kana, NpgsqlDbType.Text);
            await copy.WriteAsync(r.BirthDate, NpgsqlDbType.Date);
            await copy.WriteAsync((int)r.Role, NpgsqlDbType.Integer);
            await Nullable(copy, r.WardCode, NpgsqlDbType.Text);
            await Nullable(copy, r.HouseholdKey, NpgsqlDbType.Text);
            await copy.WriteAsync((int)r.Source, NpgsqlDbType.Integer);
            await Nullable(copy, r.Date, NpgsqlDbType.Date);
            await Nullable(copy, r.Time, NpgsqlDbType.Time);
            await copy.WriteAsync((int)r.Kind, NpgsqlDbType.Integer);
            await copy.WriteAsync((int)r.Channel, NpgsqlDbType.Integer);
            await Nullable(copy, r.Duration, NpgsqlDbType.Integer);
            await Nullable(copy, r.PersonSaid, NpgsqlDbType.Text);
            await Nullable(copy, r.Assessment, NpgsqlDbType.Text);
            await Nullable(copy, r.StaffName, NpgsqlDbType.Text);
        }
        await copy.CompleteAsync();
        return rows;
    }

    static Task Nullable<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type) => value is null ? copy.WriteNullAsync() : copy.WriteAsync(value, type);

    public static async Task<long> RawInsertAsync(string connectionString, string path)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using (var create = connection.CreateCommand())
        {
            create.CommandText = """
                DROP TABLE IF EXISTS raw_rows;
                CREATE TABLE raw_rows (name TEXT, kana TEXT, birth TEXT, role INTEGER, ward TEXT, household TEXT, source INTEGER, date TEXT, time TEXT,
                    kind INTEGER, channel INTEGER, duration INTEGER, said TEXT, assessment TEXT, staff TEXT)
                """;
            await create.ExecuteNonQueryAsync();
        }
        await using var transaction = connection.BeginTransaction();
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO raw_rows VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";
        for (var i = 1; i <= 15; i++)
        {
            insert.Parameters.Add(new SqliteParameter("$" + i, null));
        }
        insert.Prepare();
        long rows = 0;
        foreach (var r in Rows(path))
        {
            rows++;
            object?[] values =
            [
                r.Name, r.Kana, r.BirthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), (int)r.Role, r.WardCode, r.HouseholdKey, (int)r.Source, r.Date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                r.Time?.ToString("HH:mm:ss", CultureInfo.InvariantCulture), (int)r.Kind, (int)r.Channel, r.Duration, r.PersonSaid, r.Assessment, r.StaffName,
            ];
            for (var i = 0; i < 15; i++)
            {
                insert.Parameters[i].Value = values[i] ?? DBNull.Value;
            }
            await insert.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
        return rows;
    }

    /// <summary>Median and 95th percentile of a kana search and of the person page's queries, in milliseconds.</summary>
    public static async Task<string> LatencyAsync(TsunaguDb db, int samples)
    {
        var random = new Random(7);
        var programIds = await db.Programs.Where(p => p.Code == "P001").Select(p => p.Id).ToListAsync();
        IQueryable<Person> Scoped() => db.Persons.Where(p => db.Enrollments.Any(e => e.PersonId == p.Id && programIds.Contains(e.ProgramId)));
        var maxId = await db.Persons.MaxAsync(p => p.Id);
        string[] prefixes = ["さとう", "すずき は", "たかはし", "やまだ ゆ", "ささき", "こんの", "おいかわ そう", "きむら ま", "いのうえ", "しょうじ"];
        var search = new List<double>();
        var page = new List<double>();
        for (var i = 0; i < samples; i++)
        {
            var clock = Stopwatch.StartNew();
            await PersonSearch.FindAsync(Scoped(), new PersonQuery(prefixes[random.Next(prefixes.Length)], null));
            search.Add(clock.Elapsed.TotalMilliseconds);

            // The person page's reads: the person with household, the household, enrollments, the latest 200 contacts.
            var id = random.Next(1, maxId + 1);
            clock.Restart();
            var person = await Scoped().Include(p => p.Household).AsNoTracking().SingleOrDefaultAsync(p => p.Id == id);
            if (person?.HouseholdId is { } household)
            {
                await Scoped().AsNoTracking().Where(p => p.HouseholdId == household && p.Id != id).ToListAsync();
            }
            await db.Enrollments.AsNoTracking().Where(e => e.PersonId == id && programIds.Contains(e.ProgramId)).ToListAsync();
            await (await Tsunagu.Access.RecordScope.ContactsOfAsync(db, programIds, id)).AsNoTracking().Include(c => c.Notes)
                .OrderByDescending(c => c.Date).ThenByDescending(c => c.Time).Take(200).ToListAsync();
            page.Add(clock.Elapsed.TotalMilliseconds);
        }
        static double P(List<double> values, double q) => values.Order().ElementAt((int)Math.Min(values.Count - 1, Math.Floor(q * values.Count)));
        return string.Create(CultureInfo.InvariantCulture, $"{P(search, 0.5):F1} {P(search, 0.95):F1} {P(page, 0.5):F1} {P(page, 0.95):F1}");
    }

    /// <summary>
    /// What sealing costs, beside the work it is part of (decision 0018): sealing every note of the file, against the
    /// import's whole time; and a person's notes read as the pages read them (opened) and as stored (sealed, the same
    /// SQL), for the same persons in turn. Seconds, then milliseconds: median and p95 of each read, and notes per person.
    /// </summary>
    public static async Task<string> SealingAsync(TsunaguDb db, string path, int samples)
    {
        var notes = Rows(path).SelectMany(r => r.Notes()).Select(n => n.Text).ToList();
        var clock = Stopwatch.StartNew();
        foreach (var text in notes)
        {
            Tsunagu.Keys.SealedText.Seal(db.Keys, text);
        }
        var sealSeconds = clock.Elapsed.TotalSeconds;
        var random = new Random(11);
        var persons = await db.ContactPersons.Select(p => p.PersonId).Distinct().OrderBy(id => id).ToListAsync();
        var (opened, stored, counts) = (new List<double>(), new List<double>(), new List<int>());
        for (var i = 0; i < samples; i++)
        {
            var id = persons[random.Next(persons.Count)];
            clock.Restart();
            var texts = await db.ContactNotes.AsNoTracking().Where(n => db.ContactPersons.Any(p => p.PersonId == id && p.ContactId == n.ContactId))
                .Select(n => n.Text).ToListAsync();
            opened.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            var sealedTexts = await db.Database.SqlQueryRaw<string>(
                """SELECT n."Text" AS "Value" FROM contact_notes n WHERE EXISTS (SELECT 1 FROM contact_persons p WHERE p."PersonId" = {0} AND p."ContactId" = n."ContactId")""", id)
                .ToListAsync();
            stored.Add(clock.Elapsed.TotalMilliseconds);
            counts.Add(texts.Count == sealedTexts.Count ? texts.Count : throw new InvalidOperationException("The two reads disagree."));
        }
        static double P(List<double> values, double q) => values.Order().ElementAt((int)Math.Min(values.Count - 1, Math.Floor(q * values.Count)));
        return string.Create(CultureInfo.InvariantCulture,
            $"{notes.Count} {sealSeconds:F2} {P(opened, 0.5):F2} {P(opened, 0.95):F2} {P(stored, 0.5):F2} {P(stored, 0.95):F2} {counts.Average():F1}");
    }
}
