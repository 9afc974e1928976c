using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Contacts;
using Tsunagu.Data;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Data;

/// <summary>The SQL the model cannot express (Data/Sql/): present after migrating, and holding to the code's rules.</summary>
public partial class SqlFilesTests
{
    [GeneratedRegex(@"CREATE TRIGGER (\w+)")]
    private static partial Regex CreateTrigger();

    [GeneratedRegex(@"'(\d\d:\d\d)'")]
    private static partial Regex TimeLiteral();

    static string Provider(DatabaseKind kind) => kind == DatabaseKind.Sqlite ? "Sqlite" : "Postgres";

    /// <summary>
    /// EF Core drops a SQLite table's triggers when a later migration rebuilds the table (dotnet/efcore#31291): the
    /// facts would silently stop counting. Every trigger the SQL files create must still be there at the end.
    /// </summary>
    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task AfterEveryMigration_TheTriggersOfTheSqlFiles_AreAllThere_AndTheCellIndexTheyCountInto(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.NewDb();

        var created = SqlFiles.Names(Provider(kind)).SelectMany(n => CreateTrigger().Matches(SqlFiles.Read(Provider(kind), n)).Select(m => m.Groups[1].Value))
            .Distinct().ToList(); // a later version of a file may drop and create a trigger again
        var present = await db.Database.SqlQueryRaw<string>(kind == DatabaseKind.Sqlite
            ? "SELECT name AS \"Value\" FROM sqlite_master WHERE type = 'trigger'"
            : "SELECT tgname::text AS \"Value\" FROM pg_trigger WHERE NOT tgisinternal").ToListAsync();
        var cellIndex = await db.Database.SqlQueryRaw<int>(kind == DatabaseKind.Sqlite
            ? "SELECT count(*) AS \"Value\" FROM sqlite_master WHERE type = 'index' AND name = 'IX_contact_facts_cell'"
            : "SELECT count(*)::int AS \"Value\" FROM pg_indexes WHERE indexname = 'IX_contact_facts_cell'").SingleAsync();

        Assert.Equal(13, created.Count); // facts of contacts (3) and of persons (4), three append-only logs (6)
        Assert.Contains("contacts_facts_insert", created);
        Assert.Contains("contact_persons_facts_insert", created);
        Assert.Equal(created.Order(StringComparer.Ordinal), present.Order(StringComparer.Ordinal));
        Assert.Equal(1, cellIndex);
    }

    /// <summary>The triggers sort contacts into evening and early by the city's office hours: the same two times as the code.</summary>
    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public void TheTimesInTheSql_AreTheOfficeHours(string provider)
    {
        var times = SqlFiles.Names(provider).SelectMany(n => TimeLiteral().Matches(SqlFiles.Read(provider, n)).Select(m => m.Groups[1].Value)).ToHashSet();

        Assert.Equal(new HashSet<string> { OfficeHours.Opens.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture), OfficeHours.Closes.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture) }, times);
    }
}
