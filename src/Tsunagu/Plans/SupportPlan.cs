using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tsunagu.Keys;
using Tsunagu.People;
using Tsunagu.Records;

namespace Tsunagu.Plans;

public enum PlanStatus
{
    Pending = 0,    // 承認待ち
    Approved = 1,   // 承認済み
    Returned = 2,   // 差し戻し
    Superseded = 3, // 新しい版あり
}

public enum GoalProgress
{
    Achieved = 0,  // 達成
    Progressing = 1, // 前進
    NoChange = 2,  // 変化なし
    Setback = 3,   // 後退
}

/// <summary>
/// アセスメント・支援計画 of one enrolment, as one version: what was assessed, the goals, the services planned (what, how
/// often, who) and when it is reviewed. Revising a plan writes a new version and keeps the old one (the plan's history);
/// the program's manager approves each version (承認) or returns it with a reason.
/// </summary>
public class SupportPlan
{
    public int Id { get; set; }
    public int EnrollmentId { get; set; }
    public Enrollment Enrollment { get; set; } = null!;
    public int Version { get; set; }
    public required string Assessment { get; set; }

    /// <summary>When the plan is next reviewed: set when written, moved on by each review.</summary>
    public DateOnly ReviewOn { get; set; }

    public PlanStatus Status { get; set; }
    public required string WrittenByUserId { get; set; }
    public required string WrittenBy { get; set; }
    public DateTimeOffset WrittenAt { get; set; }
    public string? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }

    /// <summary>Why a version was returned (差し戻しの理由), for its author.</summary>
    public string? DecisionNote { get; set; }

    public List<PlanGoal> Goals { get; set; } = [];
    public List<PlannedService> Services { get; set; } = [];
    public List<PlanReview> Reviews { get; set; } = [];
}

public class PlanGoal
{
    public int Id { get; set; }
    public int PlanId { get; set; }
    public int Position { get; set; }
    public required string Text { get; set; }
}

/// <summary>A service the plan provides: what, how often, by whom (支援内容・頻度・担当).</summary>
public class PlannedService
{
    public int Id { get; set; }
    public int PlanId { get; set; }
    public int Position { get; set; }
    public required string What { get; set; }
    public string? Frequency { get; set; }
    public string? Who { get; set; }
}

/// <summary>A review of the plan (モニタリング): progress on each goal, what was seen, and the next review's day.</summary>
public class PlanReview
{
    public int Id { get; set; }
    public int PlanId { get; set; }
    public DateOnly ReviewedOn { get; set; }
    public required string ReviewedBy { get; set; }
    public string? Summary { get; set; }
    public DateOnly NextReviewOn { get; set; }
    public List<GoalReview> Goals { get; set; } = [];
}

public class GoalReview
{
    public int Id { get; set; }
    public int ReviewId { get; set; }
    public int GoalId { get; set; }
    public GoalProgress Progress { get; set; }
}

public sealed class SupportPlanConfiguration : IEntityTypeConfiguration<SupportPlan>
{
    public void Configure(EntityTypeBuilder<SupportPlan> builder)
    {
        builder.ToTable("support_plans");
        builder.HasIndex(p => new { p.EnrollmentId, p.Version }).IsUnique();
        // The caseload's and the manager's questions: reviews due, versions waiting for approval.
        builder.HasIndex(p => new { p.Status, p.ReviewOn });
        // Sealed (Keys.SealedText): a sealed text is longer than its words, so its length is the form's rule alone.
        builder.Property(p => p.Assessment).IsSealed();
        builder.Property(p => p.DecisionNote).IsSealed();
        builder.Property(p => p.WrittenBy).HasMaxLength(RecordRules.NameMax);
        builder.Property(p => p.DecidedBy).HasMaxLength(RecordRules.NameMax);
        builder.HasMany(p => p.Goals).WithOne().HasForeignKey(g => g.PlanId);
        builder.HasMany(p => p.Services).WithOne().HasForeignKey(s => s.PlanId);
        builder.HasMany(p => p.Reviews).WithOne().HasForeignKey(r => r.PlanId);
    }
}

public sealed class PlanGoalConfiguration : IEntityTypeConfiguration<PlanGoal>
{
    public void Configure(EntityTypeBuilder<PlanGoal> builder)
    {
        builder.ToTable("plan_goals");
        builder.Property(g => g.Text).IsSealed();
    }
}

public sealed class PlannedServiceConfiguration : IEntityTypeConfiguration<PlannedService>
{
    public void Configure(EntityTypeBuilder<PlannedService> builder)
    {
        builder.ToTable("planned_services");
        builder.Property(s => s.What).IsSealed();
        builder.Property(s => s.Frequency).IsSealed();
        builder.Property(s => s.Who).IsSealed();
    }
}

public sealed class PlanReviewConfiguration : IEntityTypeConfiguration<PlanReview>
{
    public void Configure(EntityTypeBuilder<PlanReview> builder)
    {
        builder.ToTable("plan_reviews");
        builder.Property(r => r.Summary).IsSealed();
        builder.HasMany(r => r.Goals).WithOne().HasForeignKey(g => g.ReviewId);
    }
}

public sealed class GoalReviewConfiguration : IEntityTypeConfiguration<GoalReview>
{
    public void Configure(EntityTypeBuilder<GoalReview> builder)
    {
        builder.ToTable("goal_reviews");
        builder.HasOne<PlanGoal>().WithMany().HasForeignKey(g => g.GoalId).OnDelete(DeleteBehavior.NoAction);
    }
}

public static class PlanText
{
    public static string Japanese(this PlanStatus status) => status switch
    {
        PlanStatus.Pending => "承認待ち",
        PlanStatus.Approved => "承認済み",
        PlanStatus.Returned => "差し戻し",
        _ => "新しい版あり",
    };

    public static string Japanese(this GoalProgress progress) => progress switch
    {
        GoalProgress.Achieved => "達成",
        GoalProgress.Progressing => "前進",
        GoalProgress.NoChange => "変化なし",
        _ => "後退",
    };
}
