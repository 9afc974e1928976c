using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql;
using NpgsqlTypes;
using Tsunagu.Japanese;
using Tsunagu.Records.Import;

namespace Tsunagu.Bench;

/// <summary>
/// The second raw baseline: the very rows Tsunagu's import writes (households, persons, enrolments, contacts, their
/// person links and notes), decided in memory — who is who, the ids, the content keys — and loaded into Tsunagu's
/// own tables, indexes and foreign keys included, as fast as the database takes them: binary COPY on PostgreSQL,
/// prepared INSERTs in one transaction on SQLite. What the import costs beyond this is its own work (staging,
/// matching, de-duplication); what both pay is the schema. Into an empty database, so no matching is needed; the
/// file's rows are held in memory, so this step's peak memory grows with the file.
/// </summary>
static class SameRows
{
    sealed record Table(string Name, (string Column, NpgsqlDbType Type)[] Columns, IEnumerable<object?[]> Rows);

    static List<Table> Decide(string path, int programId, DateTimeOffset now)
    {
        var rows = RecordsBench.Rows(path).ToList();
        var people = new Dictionary<(string, DateOnly), (int Id, RecordRow First, DateOnly EnrolledOn)>();
        var households = new Dictionary<string, (int Id, string? Ward)>();
        foreach (var row in rows)
        {
            var key = (row.Name, row.BirthDate);
            var date = row.EnrolledOn ?? row.Date ?? DateOnly.FromDateTime(now.UtcDateTime);
            if (people.TryGetValue(key, out var person))
            {
                people[key] = person with { EnrolledOn = date < person.EnrolledOn ? date : person.EnrolledOn };
                continue;
            }
            var household = row.HouseholdKey ?? row.Name + "|" + row.BirthDate.ToString("O", CultureInfo.InvariantCulture);
            if (!households.ContainsKey(household))
            {
                households[household] = (households.Count + 1, row.WardCode);
            }
            people[key] = (people.Count + 1, row, date);
        }
        var seen = new HashSet<string>();
        var contacts = new List<(long Id, int PersonId, RecordRow Row, string Key)>();
        foreach (var row in rows.Where(r => r.HasContact))
        {
            var importKey = row.ImportKey();
            if (seen.Add(importKey))
            {
                contacts.Add((contacts.Count + 1, people[(row.Name, row.BirthDate)].Id, row, importKey));
            }
        }
        return
        [
            new("households", [("Id", NpgsqlDbType.Integer), ("WardCode", NpgsqlDbType.Text), ("Circumstances", NpgsqlDbType.Integer), ("CreatedAt", NpgsqlDbType.TimestampTz)],
                households.Values.Select(h => new object?[] { h.Id, h.Ward, 0, now })),
            new("persons", [("Id", NpgsqlDbType.Integer), ("HouseholdId", NpgsqlDbType.Integer), ("Name", NpgsqlDbType.Text), ("Kana", NpgsqlDbType.Text),
                    ("KanaKey", NpgsqlDbType.Text), ("BirthDate", NpgsqlDbType.Date), ("Role", NpgsqlDbType.Integer), ("SchoolCode", NpgsqlDbType.Text),
                    ("CreatedAt", NpgsqlDbType.TimestampTz)],
                people.Values.Select(p => new object?[]
                {
                    p.Id, households[p.First.HouseholdKey ?? p.First.Name + "|" + p.First.BirthDate.ToString("O", CultureInfo.InvariantCulture)].Id, p.First.Name, p.First.Kana,
                    JapaneseText.KanaKey(p.First.Kana), p.First.BirthDate, (int)p.First.Role, p.First.SchoolCode, now,
                })),
            new("enrollments", [("PersonId", NpgsqlDbType.Integer), ("ProgramId", NpgsqlDbType.Integer), ("From", NpgsqlDbType.Date),
                    ("Source", NpgsqlDbType.Integer), ("Status", NpgsqlDbType.Integer)],
                people.Values.Select(p => new object?[] { p.Id, programId, p.EnrolledOn, (int)p.First.Source, 0 })),
            new("contacts", [("Id", NpgsqlDbType.Bigint), ("ProgramId", NpgsqlDbType.Integer), ("Date", NpgsqlDbType.Date), ("Time", NpgsqlDbType.Time),
                    ("Kind", NpgsqlDbType.Integer), ("Category", NpgsqlDbType.Text), ("Channel", NpgsqlDbType.Integer), ("DurationMinutes", NpgsqlDbType.Integer),
                    ("StaffName", NpgsqlDbType.Text), ("ImportKey", NpgsqlDbType.Text), ("OfficeId", NpgsqlDbType.Integer), ("CreatedAt", NpgsqlDbType.TimestampTz)],
                contacts.Select(c => new object?[]
                {
                    c.Id, programId, c.Row.Date, c.Row.Time, (int)c.Row.Kind, c.Row.Category, (int)c.Row.Channel, c.Row.Duration, c.Row.StaffName ?? "", c.Key, c.Row.OfficeId, now,
                })),
            new("contact_persons", [("ContactId", NpgsqlDbType.Bigint), ("PersonId", NpgsqlDbType.Integer), ("Role", NpgsqlDbType.Integer)],
                contacts.Select(c => new object?[] { c.Id, c.PersonId, 0 })),
            new("contact_notes", [("ContactId", NpgsqlDbType.Bigint), ("Position", NpgsqlDbType.Integer), ("Provenance", NpgsqlDbType.Integer), ("Text", NpgsqlDbType.Text)],
                contacts.SelectMany(c => c.Row.Notes().Select(n => new object?[] { c.Id, (int)n.Provenance, (int)n.Provenance, n.Text }))),
        ];
    }

    public static async Task<long> CopyAsync(string connectionString, string path, int programId)
    {
        var tables = Decide(path, programId, DateTimeOffset.UtcNow);
        // Completing a COPY of ten million rows with their foreign-key checks takes minutes: no command timeout.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 }.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        long written = 0;
        foreach (var table in tables)
        {
            await using var copy = await connection.BeginBinaryImportAsync(
                $"COPY {table.Name} ({string.Join(", ", table.Columns.Select(c => $"\"{c.Column}\""))}) FROM STDIN (FORMAT BINARY)");
            foreach (var values in table.Rows)
            {
                written++;
                await copy.StartRowAsync();
                for (var i = 0; i < values.Length; i++)
                {
                    if (values[i] is null)
                    {
                        await copy.WriteNullAsync();
                    }
                    else
                    {
                        await copy.WriteAsync(values[i], table.Columns[i].Type);
                    }
                }
            }
            await copy.CompleteAsync();
        }
        await transaction.CommitAsync();
        return written;
    }

    public static async Task<long> InsertAsync(string connectionString, string path, int programId)
    {
        var now = DateTimeOffset.UtcNow;
        var tables = Decide(path, programId, now);
        // Stored the way Tsunagu stores them in SQLite (see SqliteRecordWriter).
        var createdAt = (long)new DateTimeOffsetToBinaryConverter().ConvertToProvider(now)!;
        static object Sqlite(object? value) => value switch
        {
            null => DBNull.Value,
            DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            TimeOnly t => t.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
            _ => value,
        };
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        // The importer's page cache, so that the comparison is of the work, not of the setting.
        await using (var cache = connection.CreateCommand())
        {
            cache.CommandText = "PRAGMA cache_size = -262144";
            await cache.ExecuteNonQueryAsync();
        }
        await using var transaction = connection.BeginTransaction();
        long written = 0;
        foreach (var table in tables)
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO {table.Name} ({string.Join(", ", table.Columns.Select(c => $"\"{c.Column}\""))}) " +
                $"VALUES ({string.Join(", ", table.Columns.Select((_, i) => "$" + i))})";
            for (var i = 0; i < table.Columns.Length; i++)
            {
                insert.Parameters.Add(new SqliteParameter("$" + i, null));
            }
            insert.Prepare();
            foreach (var values in table.Rows)
            {
                written++;
                for (var i = 0; i < values.Length; i++)
                {
                    insert.Parameters[i].Value = values[i] is DateTimeOffset ? createdAt : Sqlite(values[i]);
                }
                await insert.ExecuteNonQueryAsync();
            }
        }
        await transaction.CommitAsync();
        return written;
    }
}
