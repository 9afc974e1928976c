using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tsunagu.Audit;

namespace Tsunagu.Access;

/// <summary>One read of a person's record: who, when, which person, from which page or API call.</summary>
public class AccessLogEntry : IChainedRow
{
    public long Id { get; set; }
    public long Sequence { get; set; }
    public string? Hash { get; set; }
    public DateTimeOffset At { get; set; }
    public required string UserId { get; set; }
    public required string UserName { get; set; }
    public int PersonId { get; set; }

    /// <summary>The page or API route, e.g. GET /people/{id}.</summary>
    public required string Source { get; set; }

    public object?[] Content() => [UserId, UserName, PersonId, Source];
}

public sealed class AccessLogEntryConfiguration : IEntityTypeConfiguration<AccessLogEntry>
{
    public void Configure(EntityTypeBuilder<AccessLogEntry> builder)
    {
        builder.ToTable("access_log");
        builder.HasIndex(a => new { a.PersonId, a.At });
        builder.HasIndex(a => new { a.UserId, a.At });
        builder.HasIndex(a => a.Sequence).IsUnique();
        builder.Property(a => a.Hash).HasMaxLength(64);
    }
}
