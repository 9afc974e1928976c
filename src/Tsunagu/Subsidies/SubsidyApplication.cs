using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tsunagu.People;

namespace Tsunagu.Subsidies;

public enum SubsidyKind
{
    MockExamJh3 = 0,  // 中3 模試代
    ExamFeeHs3 = 1,   // 高3 受験料
    MockExamHs3 = 2,  // 高3 模試代
}

public enum SubsidyDecision { Pending = 0, Approved = 1, Rejected = 2 }

/// <summary>進学チャレンジ応援補助金: an application, its decision and payment.</summary>
public class SubsidyApplication
{
    public int Id { get; set; }
    public int PersonId { get; set; }
    public Person Person { get; set; } = null!;
    public int ProgramId { get; set; }
    public SubsidyKind Kind { get; set; }
    public DateOnly AppliedOn { get; set; }
    public decimal AmountRequested { get; set; }
    public SubsidyDecision Decision { get; set; }
    public decimal? AmountApproved { get; set; }
    public DateOnly? DecidedOn { get; set; }
    public DateOnly? PaidOn { get; set; }

    /// <summary>取消: entered in error or withdrawn by the family before payment. Kept, and left out of every query.</summary>
    public DateTimeOffset? WithdrawnAt { get; set; }
}

public sealed class SubsidyApplicationConfiguration : IEntityTypeConfiguration<SubsidyApplication>
{
    public void Configure(EntityTypeBuilder<SubsidyApplication> builder)
    {
        builder.ToTable("subsidy_applications");
        builder.Property(s => s.AmountRequested).HasPrecision(12, 0);
        builder.Property(s => s.AmountApproved).HasPrecision(12, 0);
        builder.HasQueryFilter(s => s.WithdrawnAt == null);
    }
}

/// <summary>The words staff read for a subsidy application.</summary>
public static class SubsidyText
{
    public static string Japanese(this SubsidyKind kind) => kind switch
    {
        SubsidyKind.MockExamJh3 => "中3 模試代",
        SubsidyKind.ExamFeeHs3 => "高3 受験料",
        SubsidyKind.MockExamHs3 => "高3 模試代",
        _ => kind.ToString(),
    };

    public static string Japanese(this SubsidyDecision decision) => decision switch
    {
        SubsidyDecision.Pending => "審査中",
        SubsidyDecision.Approved => "交付決定",
        SubsidyDecision.Rejected => "不交付",
        _ => decision.ToString(),
    };
}
