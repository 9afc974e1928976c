using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tsunagu.Idempotency;

/// <summary>
/// An API write sent with an <c>Idempotency-Key</c> whose change was committed: written in the same transaction as the
/// change itself, so a retry of a request whose answer was lost finds it and gets the first answer again instead of
/// recording the contact twice. The answer's status and Location are filled in as it starts — never its body, which
/// would be a second copy of what the record says — and the row is forgotten after <see cref="IdempotencyRules.Kept"/>.
/// </summary>
public class IdempotentRequest
{
    /// <summary>The account that sent it: a key is the client's own, and one account cannot replay another's answer.</summary>
    public required string UserId { get; set; }

    public required string Key { get; set; }

    /// <summary>SHA-256 of the method, path and body: the same key with another request is the client's error (422).</summary>
    public required byte[] RequestHash { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>Null until the answer is stored: the change committed and the process stopped before it answered.</summary>
    public int? StatusCode { get; set; }

    public string? Location { get; set; }
}

public sealed class IdempotentRequestConfiguration : IEntityTypeConfiguration<IdempotentRequest>
{
    public void Configure(EntityTypeBuilder<IdempotentRequest> builder)
    {
        builder.ToTable("idempotent_requests");
        builder.HasKey(r => new { r.UserId, r.Key });
        builder.Property(r => r.Key).HasMaxLength(IdempotencyRules.MaxKeyLength);
        builder.Property(r => r.Location).HasMaxLength(2000);
        builder.HasIndex(r => r.At);
    }
}
