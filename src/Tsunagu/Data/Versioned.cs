using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Tsunagu.Data;

/// <summary>
/// A record two workers may change at once (a person's 連絡先, a contact being corrected). Its version goes up by one with
/// every saved change (<see cref="Versions.Bump"/>), and the update only applies where the row still has the version
/// it was read with: a form that carries the version it showed can tell its user that someone saved in between,
/// instead of silently writing over them.
/// </summary>
public interface IVersioned
{
    int Version { get; set; }
}

/// <summary>Someone else saved the record after it was read (409): the form shows what is stored now.</summary>
public sealed class StaleRecordException()
    : RefusalException(RefusalKind.Conflict, "開いた後に、他の職員がこの記録を変更しました。いまの内容を確かめてから、もう一度保存してください。");

public static class Versions
{
    /// <summary>Every versioned row about to be updated gets the next version; EF checks the one it was read with.</summary>
    public static void Bump(ChangeTracker tracker)
    {
        foreach (var entry in tracker.Entries<IVersioned>().Where(e => e.State == EntityState.Modified))
        {
            var version = entry.Property(e => e.Version);
            if (!version.IsModified)
            {
                version.CurrentValue = version.OriginalValue + 1;
            }
        }
    }

    /// <summary>The mapping: the version column is the concurrency token (an integer, the same on SQLite and PostgreSQL).</summary>
    public static void Map(ModelBuilder builder)
    {
        foreach (var type in builder.Model.GetEntityTypes().Where(t => typeof(IVersioned).IsAssignableFrom(t.ClrType)))
        {
            builder.Entity(type.ClrType).Property(nameof(IVersioned.Version)).IsConcurrencyToken();
        }
    }
}
