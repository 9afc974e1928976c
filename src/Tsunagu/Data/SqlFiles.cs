namespace Tsunagu.Data;

/// <summary>
/// The SQL the EF model cannot express (the triggers that keep the facts, the append-only logs, the PostgreSQL fold),
/// in named, versioned files per provider under Data/Sql/, built into the executable. The migrations run them. A file
/// a migration has run is never edited: a change is a new version (name.v2.sql) run by a new migration, so that a
/// database built from scratch and one upgraded step by step end up the same.
/// </summary>
public static class SqlFiles
{
    /// <param name="provider">Sqlite or Postgres.</param>
    /// <param name="name">The file's name without .sql, e.g. contact_facts.v1.</param>
    public static string Read(string provider, string name)
    {
        using var stream = typeof(SqlFiles).Assembly.GetManifestResourceStream($"Tsunagu.Sql.{provider}.{name}.sql")
            ?? throw new InvalidOperationException($"Data/Sql/{provider}/{name}.sql is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Every file of a provider, by name: what the tests hold the code's own rules to (office hours, fiscal year).</summary>
    public static IEnumerable<string> Names(string provider) => typeof(SqlFiles).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith($"Tsunagu.Sql.{provider}.", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
        .Select(n => n[$"Tsunagu.Sql.{provider}.".Length..^".sql".Length]).Order(StringComparer.Ordinal);
}
