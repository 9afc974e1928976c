using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Tsunagu.Japanese;

namespace Tsunagu.Records.Import;

/// <summary>
/// SQLite: prepared statements in the import's one transaction, a few per row. SQLite is in-process, so a
/// statement costs microseconds and nothing is gained by staging.
/// </summary>
static class SqliteRecordWriter
{
    public static async Task<WriteCounts> WriteAsync(
        SqliteConnection connection, SqliteTransaction transaction, IEnumerable<RecordRow> rows, int programId, int[] scope, DateTimeOffset now,
        DateOnly today, Keys.KeyRing? keys, CancellationToken ct)
    {
        async Task<object?> PragmaAsync(string sql)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            return await command.ExecuteScalarAsync(ct);
        }
        // A large import touches far more pages than SQLite's default 2 MiB cache holds, and a page evicted in the
        // middle of the transaction is written out again and again. A 256 MiB cache for the import only: the pooled
        // connection gets its own setting back.
        var cacheSize = await PragmaAsync("PRAGMA cache_size");
        await PragmaAsync("PRAGMA cache_size = -262144");
        try
        {
            var counts = await WriteRowsAsync(connection, transaction, rows, programId, scope, now, today, keys, ct);
            // Fresh statistics after many new rows, as on PostgreSQL: without them a person's timeline is planned
            // through the program's date index (60 ms instead of 2 at a million contacts). A quarter second there.
            if (counts.Rows >= 100_000)
            {
                await PragmaAsync("ANALYZE");
            }
            return counts;
        }
        finally
        {
            await PragmaAsync($"PRAGMA cache_size = {cacheSize}");
        }
    }

    static async Task<WriteCounts> WriteRowsAsync(
        SqliteConnection connection, SqliteTransaction transaction, IEnumerable<RecordRow> rows, int programId, int[] scope, DateTimeOffset now,
        DateOnly today, Keys.KeyRing? keys, CancellationToken ct)
    {
        // Stored the way EF stores them in this database, so EF reads back what was written here.
        var createdAt = (long)new DateTimeOffsetToBinaryConverter().ConvertToProvider(now)!;
        SqliteCommand Prepare(string sql, params string[] names)
        {
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            foreach (var name in names)
            {
                command.Parameters.Add(new SqliteParameter(name, null));
            }
            command.Prepare();
            return command;
        }
        static object Db(object? value) => value ?? DBNull.Value;

        // Only persons enrolled in the importer's programs can be found (program ids are integers from the database).
        var inScope = $"""EXISTS (SELECT 1 FROM enrollments e WHERE e."PersonId" = persons."Id" AND e."ProgramId" IN ({string.Join(",", scope)}))""";
        using var findExact = Prepare($"""SELECT "Id" FROM persons WHERE "Name" = $name AND "BirthDate" = $birth AND {inScope} LIMIT 1""", "$name", "$birth");
        // A restricted record is matched by no import (RestrictedRecordException); asked only where one exists.
        using var anyRestricted = Prepare($"""SELECT EXISTS (SELECT 1 FROM persons WHERE "Restriction" IS NOT NULL AND {inScope})""");
        using var findRestricted = (long)(await anyRestricted.ExecuteScalarAsync(ct))! == 0 ? null : Prepare($"""
            SELECT 1 FROM persons WHERE ("Name" = $name OR "KanaKey" = $kana) AND "BirthDate" = $birth AND "Restriction" IS NOT NULL AND {inScope} LIMIT 1
            """, "$name", "$kana", "$birth");
        using var findSimilar = Prepare($"""SELECT "Id" FROM persons WHERE "KanaKey" = $kana AND "BirthDate" = $birth AND {inScope} LIMIT 1""", "$kana", "$birth");
        using var addHousehold = Prepare("""INSERT INTO households ("WardCode", "Circumstances", "CreatedAt") VALUES ($ward, 0, $now) RETURNING "Id" """, "$ward", "$now");
        using var addPerson = Prepare("""
            INSERT INTO persons ("HouseholdId", "Name", "Kana", "KanaKey", "BirthDate", "Role", "SchoolCode", "CreatedAt")
            VALUES ($household, $name, $kana, $key, $birth, $role, $school, $now) RETURNING "Id"
            """, "$household", "$name", "$kana", "$key", "$birth", "$role", "$school", "$now");
        using var findEnrollment = Prepare("""
            SELECT "Id", "From" FROM enrollments WHERE "PersonId" = $person AND "ProgramId" = $program ORDER BY "Id" LIMIT 1
            """, "$person", "$program");
        using var addEnrollment = Prepare("""
            INSERT INTO enrollments ("PersonId", "ProgramId", "From", "Source", "Status") VALUES ($person, $program, $from, $source, 0) RETURNING "Id"
            """, "$person", "$program", "$from", "$source");
        using var moveEnrollment = Prepare("""UPDATE enrollments SET "From" = $from WHERE "Id" = $id""", "$from", "$id");
        using var addContact = Prepare("""
            INSERT INTO contacts ("ProgramId", "Date", "Time", "Kind", "Category", "Channel", "DurationMinutes", "StaffName", "ImportKey", "OfficeId", "WithGuardian", "CreatedAt")
            VALUES ($program, $date, $time, $kind, $category, $channel, $duration, $staff, $key, $office, $guardian, $now)
            ON CONFLICT ("ProgramId", "ImportKey") DO NOTHING RETURNING "Id"
            """, "$program", "$date", "$time", "$kind", "$category", "$channel", "$duration", "$staff", "$key", "$office", "$guardian", "$now");
        using var addContactPerson = Prepare("""INSERT INTO contact_persons ("ContactId", "PersonId", "Role") VALUES ($contact, $person, 0)""", "$contact", "$person");
        using var addNote = Prepare("""
            INSERT INTO contact_notes ("ContactId", "Position", "Provenance", "Text") VALUES ($contact, $position, $provenance, $text)
            """, "$contact", "$position", "$provenance", "$text");

        // Persons above this id were created by this import: finding one again is not a match with the registry.
        using var maxId = Prepare("""SELECT coalesce(max("Id"), 0) FROM persons""");
        var existingUpTo = (long)(await maxId.ExecuteScalarAsync(ct))!;
        using var maxEnrollmentId = Prepare("""SELECT coalesce(max("Id"), 0) FROM enrollments""");
        var enrollmentsUpTo = (long)(await maxEnrollmentId.ExecuteScalarAsync(ct))!;

        var counts = new WriteCounts();
        var households = new Dictionary<string, long>();
        // The last person, and their enrolment in the program if this import made it (0 if not): a later row with an
        // earlier date moves its start back, as on PostgreSQL where it is the earliest of the person's rows.
        var seen = (Key: "", Id: 0L, Enrollment: 0L, From: DateOnly.MinValue);
        foreach (var row in rows)
        {
            ct.ThrowIfCancellationRequested();
            counts.Rows++;
            var birth = row.BirthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var key = row.Name + "\u001F" + birth;
            var from = row.EnrolledOn ?? row.Date ?? today;
            long personId;
            // Rows of one person usually stand together; the last person is remembered, nothing more.
            if (seen.Key == key)
            {
                personId = seen.Id;
            }
            else
            {
                if (findRestricted is not null)
                {
                    findRestricted.Parameters["$name"].Value = row.Name;
                    findRestricted.Parameters["$kana"].Value = JapaneseText.KanaKey(row.Kana);
                    findRestricted.Parameters["$birth"].Value = birth;
                    if (await findRestricted.ExecuteScalarAsync(ct) is not null)
                    {
                        throw new RestrictedRecordException(row.Line);
                    }
                }
                findExact.Parameters["$name"].Value = row.Name;
                findExact.Parameters["$birth"].Value = birth;
                if (await findExact.ExecuteScalarAsync(ct) is long existing)
                {
                    personId = existing;
                    counts.MatchedPersons += existing <= existingUpTo ? 1 : 0;
                }
                else
                {
                    var kanaKey = JapaneseText.KanaKey(row.Kana);
                    findSimilar.Parameters["$kana"].Value = kanaKey;
                    findSimilar.Parameters["$birth"].Value = birth;
                    if (await findSimilar.ExecuteScalarAsync(ct) is long similar)
                    {
                        counts.AddDoubtful(new DoubtfulMatch(row.Line, (int)similar));
                    }
                    var householdKey = row.HouseholdKey ?? key;
                    if (!households.TryGetValue(householdKey, out var householdId))
                    {
                        addHousehold.Parameters["$ward"].Value = Db(row.WardCode);
                        addHousehold.Parameters["$now"].Value = createdAt;
                        householdId = (long)(await addHousehold.ExecuteScalarAsync(ct))!;
                        if (row.HouseholdKey is not null)
                        {
                            households[householdKey] = householdId;
                        }
                    }
                    addPerson.Parameters["$household"].Value = householdId;
                    addPerson.Parameters["$name"].Value = row.Name;
                    addPerson.Parameters["$kana"].Value = row.Kana;
                    addPerson.Parameters["$key"].Value = kanaKey;
                    addPerson.Parameters["$birth"].Value = birth;
                    addPerson.Parameters["$role"].Value = (int)row.Role;
                    addPerson.Parameters["$school"].Value = Db(row.SchoolCode);
                    addPerson.Parameters["$now"].Value = createdAt;
                    personId = (long)(await addPerson.ExecuteScalarAsync(ct))!;
                    counts.NewPersons++;
                }
                findEnrollment.Parameters["$person"].Value = personId;
                findEnrollment.Parameters["$program"].Value = programId;
                (long Id, DateOnly From)? enrollment = null;
                await using (var reader = await findEnrollment.ExecuteReaderAsync(ct))
                {
                    if (await reader.ReadAsync(ct))
                    {
                        enrollment = (reader.GetInt64(0), DateOnly.Parse(reader.GetString(1), CultureInfo.InvariantCulture));
                    }
                }
                if (enrollment is null)
                {
                    addEnrollment.Parameters["$person"].Value = personId;
                    addEnrollment.Parameters["$program"].Value = programId;
                    addEnrollment.Parameters["$from"].Value = from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                    addEnrollment.Parameters["$source"].Value = (int)row.Source;
                    enrollment = ((long)(await addEnrollment.ExecuteScalarAsync(ct))!, from);
                    counts.NewEnrollments++;
                }
                // Only an enrolment this import made moves; one registered before is left as it is.
                seen = enrollment.Value.Id > enrollmentsUpTo ? (key, personId, enrollment.Value.Id, enrollment.Value.From) : (key, personId, 0, DateOnly.MinValue);
            }
            if (seen.Enrollment > 0 && from < seen.From)
            {
                moveEnrollment.Parameters["$from"].Value = from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                moveEnrollment.Parameters["$id"].Value = seen.Enrollment;
                await moveEnrollment.ExecuteNonQueryAsync(ct);
                seen.From = from;
            }

            if (!row.HasContact)
            {
                continue;
            }
            addContact.Parameters["$program"].Value = programId;
            addContact.Parameters["$date"].Value = row.Date!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            addContact.Parameters["$time"].Value = Db(row.Time?.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture));
            addContact.Parameters["$kind"].Value = (int)row.Kind;
            addContact.Parameters["$category"].Value = Db(row.Category);
            addContact.Parameters["$channel"].Value = (int)row.Channel;
            addContact.Parameters["$duration"].Value = Db(row.Duration);
            addContact.Parameters["$staff"].Value = row.StaffName ?? "";
            addContact.Parameters["$key"].Value = row.ImportKey();
            addContact.Parameters["$office"].Value = Db(row.OfficeId);
            // The contact is with a guardian when the row's person is one (保護者支援).
            addContact.Parameters["$guardian"].Value = row.Role == People.PersonRole.Guardian;
            addContact.Parameters["$now"].Value = createdAt;
            if (await addContact.ExecuteScalarAsync(ct) is not long contactId)
            {
                counts.SkippedContacts++;
                continue;
            }
            counts.NewContacts++;
            addContactPerson.Parameters["$contact"].Value = contactId;
            addContactPerson.Parameters["$person"].Value = personId;
            await addContactPerson.ExecuteNonQueryAsync(ct);
            foreach (var (provenance, text) in row.Notes())
            {
                addNote.Parameters["$contact"].Value = contactId;
                addNote.Parameters["$position"].Value = (int)provenance;
                addNote.Parameters["$provenance"].Value = (int)provenance;
                addNote.Parameters["$text"].Value = Keys.SealedText.Seal(keys, text);
                await addNote.ExecuteNonQueryAsync(ct);
            }
        }
        return counts;
    }
}
