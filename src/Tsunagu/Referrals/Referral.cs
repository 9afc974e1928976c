using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tsunagu.Keys;
using Tsunagu.People;
using Tsunagu.Programs;

namespace Tsunagu.Referrals;

public enum ReferralStatus { Sent = 0, Accepted = 1, Declined = 2, Closed = 3, Withdrawn = 4 }

/// <summary>A person connected from one program to another program or an outside agency: "つないだ" as a recorded fact.</summary>
public class Referral
{
    public int Id { get; set; }
    public int PersonId { get; set; }
    public Person Person { get; set; } = null!;
    public int FromProgramId { get; set; }
    public SupportProgram FromProgram { get; set; } = null!;
    public int? ToProgramId { get; set; }
    public SupportProgram? ToProgram { get; set; }

    /// <summary>An agency outside Tsunagu (ハローワーク, 法テラス…) when the referral does not go to a program.</summary>
    public string? ToAgency { get; set; }

    public required string Reason { get; set; }
    public ReferralStatus Status { get; set; }
    public DateTimeOffset SentAt { get; set; }
    public required string SentBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? DecidedBy { get; set; }
    public string? DecisionNote { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
}

public sealed class ReferralConfiguration : IEntityTypeConfiguration<Referral>
{
    public void Configure(EntityTypeBuilder<Referral> builder)
    {
        builder.ToTable("referrals");
        builder.HasOne(r => r.FromProgram).WithMany().HasForeignKey(r => r.FromProgramId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(r => r.ToProgram).WithMany().HasForeignKey(r => r.ToProgramId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(r => new { r.ToProgramId, r.Status });
        builder.Property(r => r.Reason).IsSealed();
        builder.Property(r => r.DecisionNote).IsSealed();
    }
}

/// <summary>The words staff read for a referral.</summary>
public static class ReferralText
{
    public static string Japanese(this ReferralStatus status) => status switch
    {
        ReferralStatus.Sent => "依頼中",
        ReferralStatus.Accepted => "受理",
        ReferralStatus.Declined => "不受理",
        ReferralStatus.Closed => "完了",
        ReferralStatus.Withdrawn => "取り下げ",
        _ => status.ToString(),
    };
}
