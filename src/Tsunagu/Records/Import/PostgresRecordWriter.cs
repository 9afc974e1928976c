using Npgsql;
using NpgsqlTypes;
using Tsunagu.Japanese;

namespace Tsunagu.Records.Import;

/// <summary>
/// PostgreSQL: the rows go into a temporary staging table by binary COPY, and a few set-based statements match the
/// persons and write the rows, with ids taken from the tables' own sequences so the joins need no round trips.
/// </summary>
static class PostgresRecordWriter
{
    public static async Task<WriteCounts> WriteAsync(
        NpgsqlConnection connection, IEnumerable<RecordRow> rows, int programId, int[] scope, DateTimeOffset now, DateOnly today,
        Keys.KeyRing? keys, CancellationToken ct)
    {
        async Task<int> ExecuteAsync(string sql, params NpgsqlParameter[] parameters)
        {
            // A set-based step over ten million rows runs for minutes: no command timeout inside an import.
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
            command.Parameters.AddRange(parameters);
            return await command.ExecuteNonQueryAsync(ct);
        }
        async Task<T> ScalarAsync<T>(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
            return (T)(await command.ExecuteScalarAsync(ct))!;
        }

        // Each row draws its contact's id from the contacts' own sequence as it is copied in, so a contact, its person
        // link and its notes are written straight from the staging table. A row whose contact is in the database
        // already leaves a gap in the ids, nothing more.
        var contactIds = await ScalarAsync<string>("SELECT pg_get_serial_sequence('contacts', 'Id')");
        await ExecuteAsync($"""
            CREATE TEMP TABLE staging (
                line int, name text, kana text, kana_key text, birth date, role int, school text, ward text, household_key text,
                enrolled_on date, source int, date date, time time, kind int, category text, channel int, duration int,
                n_person text, n_third text, n_agency text, n_staff text, staff text, import_key text, office_id int,
                contact_id bigint DEFAULT nextval('{contactIds}')
            ) ON COMMIT DROP
            """);
        // Sorts and hash joins over millions of staged rows spill to disk at the default 4 MB; for this transaction only.
        await ExecuteAsync("SET LOCAL work_mem = '256MB'");
        var counts = new WriteCounts();
        // The notes are sealed before they leave the process, as the model seals them (Keys.SealedText).
        string? Seal(string? text) => text is null ? null : Keys.SealedText.Seal(keys, text);
        await using (var copy = await connection.BeginBinaryImportAsync("""
            COPY staging (line, name, kana, kana_key, birth, role, school, ward, household_key, enrolled_on, source,
                          date, time, kind, category, channel, duration, n_person, n_third, n_agency, n_staff, staff, import_key, office_id)
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
                await copy.WriteAsync(JapaneseText.KanaKey(row.Kana), NpgsqlDbType.Text, ct);
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
                await WriteNullableAsync(copy, Seal(row.PersonSaid), NpgsqlDbType.Text, ct);
                await WriteNullableAsync(copy, Seal(row.ThirdPartySaid), NpgsqlDbType.Text, ct);
                await WriteNullableAsync(copy, Seal(row.AgencySaid), NpgsqlDbType.Text, ct);
                await WriteNullableAsync(copy, Seal(row.Assessment), NpgsqlDbType.Text, ct);
                await WriteNullableAsync(copy, row.StaffName, NpgsqlDbType.Text, ct);
                await WriteNullableAsync(copy, row.HasContact ? row.ImportKey() : null, NpgsqlDbType.Text, ct);
                await WriteNullableAsync(copy, row.OfficeId, NpgsqlDbType.Integer, ct);
            }
            await copy.CompleteAsync(ct);
        }

        var program = new NpgsqlParameter("program", programId);
        NpgsqlParameter Now() => new("now", now);

        // One row per person in the file: the attributes of the person's first row, the earliest date as the
        // enrolment date, and the id — the registered person's of the same name and birth date, or a new one. Only
        // persons enrolled in the importer's programs are looked at.
        await ExecuteAsync("""
            CREATE TEMP TABLE file_people ON COMMIT DROP AS
            SELECT s.line, s.name, s.kana, s.kana_key, s.birth, s.role, s.school, s.ward, s.source, f.enrolled_on,
                   coalesce(s.household_key, s.name || '|' || s.birth::text) AS household,
                   p.existing_id, coalesce(p.existing_id, nextval(pg_get_serial_sequence('persons', 'Id'))::int) AS id
            FROM (SELECT min(line) AS line, min(coalesce(enrolled_on, date, @today)) AS enrolled_on FROM staging GROUP BY name, birth) f
            JOIN staging s USING (line)
            LEFT JOIN LATERAL (
                SELECT min(p."Id") AS existing_id FROM persons p WHERE p."Name" = s.name AND p."BirthDate" = s.birth
                AND EXISTS (SELECT 1 FROM enrollments e WHERE e."PersonId" = p."Id" AND e."ProgramId" = ANY(@scope))) p ON true;
            ANALYZE file_people;
            """, new NpgsqlParameter("today", today), new NpgsqlParameter("scope", scope));
        // A restricted record is matched by no import: the first row naming one stops it (RestrictedRecordException).
        await using (var restricted = new NpgsqlCommand("""
            WITH restricted AS (SELECT p."Name", p."KanaKey", p."BirthDate" FROM persons p WHERE p."Restriction" IS NOT NULL
                AND EXISTS (SELECT 1 FROM enrollments e WHERE e."PersonId" = p."Id" AND e."ProgramId" = ANY(@scope)))
            SELECT min(f.line) FROM file_people f JOIN restricted r ON r."BirthDate" = f.birth AND (r."Name" = f.name OR r."KanaKey" = f.kana_key)
            """, connection) { CommandTimeout = 0, Parameters = { new NpgsqlParameter("scope", scope) } })
        {
            if (await restricted.ExecuteScalarAsync(ct) is int line)
            {
                throw new RestrictedRecordException(line);
            }
        }
        counts.MatchedPersons = (int)await ScalarAsync<long>("SELECT count(*) FROM file_people WHERE existing_id IS NOT NULL");

        await using (var doubtful = new NpgsqlCommand("""
            SELECT f.line, min(p."Id"), count(*) OVER () FROM file_people f
            JOIN persons p ON p."KanaKey" = f.kana_key AND p."BirthDate" = f.birth
                AND EXISTS (SELECT 1 FROM enrollments e WHERE e."PersonId" = p."Id" AND e."ProgramId" = ANY(@scope))
            WHERE f.existing_id IS NULL GROUP BY f.line ORDER BY 1 LIMIT 1000
            """, connection) { CommandTimeout = 0, Parameters = { new NpgsqlParameter("scope", scope) } })
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
            CREATE TEMP TABLE new_households ON COMMIT DROP AS
            SELECT household, min(ward) AS ward, nextval(pg_get_serial_sequence('households', 'Id')) AS id
            FROM file_people WHERE existing_id IS NULL GROUP BY household;
            INSERT INTO households ("Id", "WardCode", "Circumstances", "CreatedAt") SELECT id, ward, 0, @now FROM new_households;
            """, Now());
        counts.NewPersons = await ExecuteAsync("""
            INSERT INTO persons ("Id", "HouseholdId", "Name", "Kana", "KanaKey", "BirthDate", "Role", "SchoolCode", "CreatedAt")
            SELECT f.id, h.id, f.name, f.kana, f.kana_key, f.birth, f.role, f.school, @now
            FROM file_people f JOIN new_households h USING (household) WHERE f.existing_id IS NULL ORDER BY f.id
            """, Now());
        counts.NewEnrollments = await ExecuteAsync("""
            INSERT INTO enrollments ("PersonId", "ProgramId", "From", "Source", "Status")
            SELECT f.id, @program, f.enrolled_on, f.source, 0 FROM file_people f
            WHERE NOT EXISTS (SELECT 1 FROM enrollments e WHERE e."PersonId" = f.id AND e."ProgramId" = @program)
            """, program.Clone());

        // A contact already imported (its content key is in the program) or twice in the file is written once; its
        // person link and notes follow only the contacts written, in the same statement.
        await using (var write = new NpgsqlCommand("""
            WITH c AS (
                INSERT INTO contacts ("Id", "ProgramId", "Date", "Time", "Kind", "Category", "Channel", "DurationMinutes", "StaffName", "ImportKey", "OfficeId", "WithGuardian", "CreatedAt")
                SELECT contact_id, @program, date, time, kind, category, channel, duration, coalesce(staff, ''), import_key, office_id, role = 1, @now
                FROM staging WHERE import_key IS NOT NULL
                ON CONFLICT ("ProgramId", "ImportKey") DO NOTHING
                RETURNING "Id"),
            written AS (SELECT s.* FROM c JOIN staging s ON s.contact_id = c."Id"),
            links AS (
                INSERT INTO contact_persons ("ContactId", "PersonId", "Role")
                SELECT w.contact_id, f.id, 0 FROM written w JOIN file_people f ON f.name = w.name AND f.birth = w.birth),
            notes AS (
                INSERT INTO contact_notes ("ContactId", "Position", "Provenance", "Text")
                SELECT contact_id, p, p, text FROM written,
                    LATERAL (VALUES (0, n_person), (1, n_third), (2, n_agency), (3, n_staff)) AS notes (p, text)
                WHERE text IS NOT NULL)
            SELECT (SELECT count(*) FROM c), (SELECT count(*) FROM staging WHERE import_key IS NOT NULL)
            """, connection) { CommandTimeout = 0 })
        {
            write.Parameters.Add(program.Clone());
            write.Parameters.Add(Now());
            await using var reader = await write.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            counts.NewContacts = (int)reader.GetInt64(0);
            counts.SkippedContacts = (int)reader.GetInt64(1) - counts.NewContacts;
        }

        // After millions of new rows the planner's statistics are stale until autovacuum catches up; searches
        // planned on them can take seconds. Fresh statistics cost seconds once.
        if (counts.Rows >= 100_000)
        {
            await ExecuteAsync("ANALYZE persons; ANALYZE enrollments; ANALYZE contacts; ANALYZE contact_persons");
        }
        return counts;
    }

    static Task WriteNullableAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken ct) =>
        value is null ? copy.WriteNullAsync(ct) : copy.WriteAsync(value, type, ct);
}
