using Npgsql;
using NpgsqlTypes;
using Tsunagu.People;

namespace Tsunagu.Records.Import;

/// <summary>
/// PostgreSQL: the rows go into a temporary staging table by binary COPY, and a handful of set-based statements do
/// the matching and inserting, with ids taken from the tables' own sequences so the joins need no round trips.
/// </summary>
static class PostgresRecordWriter
{
    public static async Task<WriteCounts> WriteAsync(
        NpgsqlConnection connection, IEnumerable<RecordRow> rows, int programId, DateTimeOffset now, DateOnly today, CancellationToken ct)
    {
        async Task<int> ExecuteAsync(string sql, params NpgsqlParameter[] parameters)
        {
            // A set-based step over ten million rows runs for minutes: no command timeout inside an import.
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
            command.Parameters.AddRange(parameters);
            return await command.ExecuteNonQueryAsync(ct);
        }

        await ExecuteAsync("""
            CREATE TEMP TABLE staging (
                line int, name text, kana text, kana_key text, birth date, role int, school text, ward text, household_key text,
                enrolled_on date, source int, date date, time time, kind int, category text, channel int, duration int,
                n_person text, n_third text, n_agency text, n_staff text, staff text, import_key text, person_id int, matched boolean
            ) ON COMMIT DROP
            """);
        var counts = new WriteCounts();
        await using (var copy = await connection.BeginBinaryImportAsync("""
            COPY staging (line, name, kana, kana_key, birth, role, school, ward, household_key, enrolled_on, source,
                          date, time, kind, category, channel, duration, n_person, n_third, n_agency, n_staff, staff, import_key)
            FROM STDIN (FORMAT BINARY)
            """, ct))
        {
            foreach (var row in rows)
            {
                counts.Rows++;
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(row.Line, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(row.Name, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(row.Kana, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(Search.KanaKey(row.Kana), NpgsqlDbType.Text, ct);
                await copy.WriteAsync(row.BirthDate, NpgsqlDbType.Date, ct);
                await copy.WriteAsync((int)row.Role, NpgsqlDbType.Integer, ct);
                await WriteNullableAsync(copy, row.SchoolCode, NpgsqlDbType.Text, ct);
                await WriteNullableAsync(copy, row.WardCode, NpgsqlDbType.Text, ct);
                await WriteNullableAsync(copy, row.HouseholdKey, NpgsqlDbType.Text, ct);
                await WriteNullableAsync(copy, row.EnrolledOn, NpgsqlDbType.Date, ct);
                await copy.WriteAsync((int)row.Source, NpgsqlDbType.Integer, ct);
                await WriteNullableAsync(copy, row.Date, NpgsqlDbType.Date, ct);
                await WriteNullableAsync(copy, row.Time, NpgsqlDbType.Time, ct);
                await copy.WriteAsync((int)row.Kind, NpgsqlDbType.Integer, ct);
                await WriteNullableAsync(copy, row.Category, NpgsqlDbType.Text, ct);
                await copy.WriteAsync((int)row.Channel, NpgsqlDbType.Integer, ct);
                await WriteNullableAsync(copy, row.Duration, NpgsqlDbType.Integer, ct);
                await WriteNullableAsync(copy, row.PersonSaid, NpgsqlDbType.Text, ct);
                await WriteNullableAsync(copy, row.ThirdPartySaid, NpgsqlDbType.Text, ct);
                await WriteNullableAsync(copy, row.AgencySaid, NpgsqlDbType.Text, ct);
                await WriteNullableAsync(copy, row.Assessment, NpgsqlDbType.Text, ct);
                await WriteNullableAsync(copy, row.StaffName, NpgsqlDbType.Text, ct);
                await WriteNullableAsync(copy, row.HasContact ? row.ImportKey() : null, NpgsqlDbType.Text, ct);
            }
            await copy.CompleteAsync(ct);
        }

        var program = new NpgsqlParameter("program", programId);
        NpgsqlParameter Now() => new("now", now);
        await ExecuteAsync("""CREATE INDEX ON staging (name, birth); ANALYZE staging""");
        await ExecuteAsync("""
            UPDATE staging s SET person_id = p."Id", matched = true FROM persons p WHERE p."Name" = s.name AND p."BirthDate" = s.birth
            """);
        counts.MatchedPersons = await ScalarAsync(connection, """SELECT count(DISTINCT person_id) FROM staging WHERE matched""", ct);

        await using (var doubtful = new NpgsqlCommand("""
            SELECT min(s.line), min(p."Id"), count(*) OVER () FROM staging s
            JOIN persons p ON p."KanaKey" = s.kana_key AND p."BirthDate" = s.birth
            WHERE s.person_id IS NULL GROUP BY s.name, s.birth ORDER BY 1 LIMIT 1000
            """, connection) { CommandTimeout = 0 })
        await using (var reader = await doubtful.ExecuteReaderAsync(ct))
        {
            var total = 0L;
            while (await reader.ReadAsync(ct))
            {
                counts.AddDoubtful(new DoubtfulMatch(reader.GetInt32(0), reader.GetInt32(1)));
                total = reader.GetInt64(2);
            }
            // The list stops at 1,000; the window count says how many there are in all.
            counts.DoubtfulTotal = (int)total;
        }

        await ExecuteAsync("""
            CREATE TEMP TABLE new_people ON COMMIT DROP AS
            SELECT d.*, nextval(pg_get_serial_sequence('persons', 'Id')) AS id FROM (
                SELECT DISTINCT ON (name, birth) name, kana, kana_key, birth, role, school, ward,
                       coalesce(household_key, name || '|' || birth::text) AS household
                FROM staging WHERE person_id IS NULL ORDER BY name, birth, line) d;
            CREATE TEMP TABLE new_households ON COMMIT DROP AS
            SELECT household, min(ward) AS ward, nextval(pg_get_serial_sequence('households', 'Id')) AS id
            FROM new_people GROUP BY household;
            """);
        await ExecuteAsync("""
            INSERT INTO households ("Id", "WardCode", "Circumstances", "CreatedAt") SELECT id, ward, 0, @now FROM new_households
            """, Now());
        counts.NewPersons = await ExecuteAsync("""
            INSERT INTO persons ("Id", "HouseholdId", "Name", "Kana", "KanaKey", "BirthDate", "Role", "SchoolCode", "CreatedAt")
            SELECT n.id, h.id, n.name, n.kana, n.kana_key, n.birth, n.role, n.school, @now
            FROM new_people n JOIN new_households h USING (household)
            """, Now());
        await ExecuteAsync("""
            UPDATE staging s SET person_id = n.id FROM new_people n WHERE s.person_id IS NULL AND n.name = s.name AND n.birth = s.birth
            """);
        counts.NewEnrollments = await ExecuteAsync("""
            INSERT INTO enrollments ("PersonId", "ProgramId", "From", "Source", "Status")
            SELECT s.person_id, @program, min(coalesce(s.enrolled_on, s.date, @today)), min(s.source), 0 FROM staging s
            WHERE NOT EXISTS (SELECT 1 FROM enrollments e WHERE e."PersonId" = s.person_id AND e."ProgramId" = @program)
            GROUP BY s.person_id
            """, program.Clone(), new NpgsqlParameter("today", today));

        await ExecuteAsync("""
            CREATE TEMP TABLE new_contacts ON COMMIT DROP AS
            SELECT d.*, nextval(pg_get_serial_sequence('contacts', 'Id')) AS contact_id FROM (
                SELECT DISTINCT ON (import_key) * FROM staging s
                WHERE s.import_key IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c."ProgramId" = @program AND c."ImportKey" = s.import_key)
                ORDER BY import_key, line) d
            """, program.Clone());
        counts.NewContacts = await ExecuteAsync("""
            INSERT INTO contacts ("Id", "ProgramId", "Date", "Time", "Kind", "Category", "Channel", "DurationMinutes", "StaffName", "ImportKey", "CreatedAt")
            SELECT contact_id, @program, date, time, kind, category, channel, duration, coalesce(staff, ''), import_key, @now FROM new_contacts
            """, program.Clone(), Now());
        counts.SkippedContacts = await ScalarAsync(connection, """SELECT count(*) FROM staging WHERE import_key IS NOT NULL""", ct) - counts.NewContacts;
        await ExecuteAsync("""
            INSERT INTO contact_persons ("ContactId", "PersonId", "Role") SELECT contact_id, person_id, 0 FROM new_contacts;
            INSERT INTO contact_notes ("ContactId", "Position", "Provenance", "Text")
            SELECT contact_id, p, p, text FROM new_contacts,
                LATERAL (VALUES (0, n_person), (1, n_third), (2, n_agency), (3, n_staff)) AS notes (p, text)
            WHERE text IS NOT NULL;
            """);
        // After millions of new rows the planner's statistics are stale until autovacuum catches up; searches
        // planned on them can take seconds. Fresh statistics cost seconds once.
        if (counts.Rows >= 100_000)
        {
            await ExecuteAsync("ANALYZE persons; ANALYZE enrollments; ANALYZE contacts; ANALYZE contact_persons");
        }
        return counts;
    }

    static async Task<int> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    static Task WriteNullableAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken ct) =>
        value is null ? copy.WriteNullAsync(ct) : copy.WriteAsync(value, type, ct);
}
