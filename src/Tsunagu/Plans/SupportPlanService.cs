using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Audit;
using Tsunagu.Calendar;
using Tsunagu.Data;
using Tsunagu.People;
using Tsunagu.Records;

namespace Tsunagu.Plans;

public sealed record PlannedServiceInput(string? What, string? Frequency, string? Who);

public sealed record PlanInput(string? Assessment, IReadOnlyList<string?> Goals, IReadOnlyList<PlannedServiceInput> Services, DateOnly? ReviewOn);

public sealed record ReviewInput(DateOnly ReviewedOn, IReadOnlyDictionary<int, GoalProgress?> Progress, string? Summary, DateOnly? NextReviewOn);

/// <summary>
/// Writing, approving and reviewing support plans. Every plan is reached
/// through an enrolment in the scope; the audit keeps ids, versions and decisions, never a plan's words.
/// </summary>
public sealed class SupportPlanService(TsunaguDb db, RecordScope scope, TimeProvider time)
{
    /// <summary>At most this many goals and services in one version: a plan a family can read.</summary>
    public const int MaxRows = 8;

    async Task<Enrollment> EnrollmentAsync(int enrollmentId) =>
        await (await scope.EnrollmentsAsync()).Include(e => e.Program).SingleOrDefaultAsync(e => e.Id == enrollmentId)
            ?? throw new RecordNotFoundException("その登録は見られません。");

    /// <summary>The plan's versions, newest first, with goals, services and reviews.</summary>
    public async Task<List<SupportPlan>> VersionsAsync(int enrollmentId)
    {
        var enrollment = await EnrollmentAsync(enrollmentId);
        return await WithContents(db.SupportPlans.AsNoTracking().Where(p => p.EnrollmentId == enrollment.Id)).OrderByDescending(p => p.Version).ToListAsync();
    }

    /// <summary>Plans as they are shown and printed: goals and services in order, reviews newest first.</summary>
    public static IQueryable<SupportPlan> WithContents(IQueryable<SupportPlan> plans) => plans
        .Include(p => p.Goals.OrderBy(g => g.Position)).Include(p => p.Services.OrderBy(s => s.Position))
        .Include(p => p.Reviews.OrderByDescending(r => r.ReviewedOn)).ThenInclude(r => r.Goals)
        .AsSplitQuery();

    /// <summary>
    /// Writes a new version of the enrolment's plan; the one before is kept as history. It waits for the manager's
    /// approval.
    /// </summary>
    public async Task<SupportPlan> WriteAsync(int enrollmentId, PlanInput input)
    {
        var enrollment = await EnrollmentAsync(enrollmentId);
        if (enrollment.Status != EnrollmentStatus.Active)
        {
            throw new RecordConflictException("終了した登録の計画は書けません。");
        }
        var today = CityClock.Today(time);
        var goals = input.Goals.Where(g => !string.IsNullOrWhiteSpace(g)).Select(g => g!.Trim()).ToList();
        var services = input.Services.Where(s => !string.IsNullOrWhiteSpace(s.What) || !string.IsNullOrWhiteSpace(s.Frequency) || !string.IsNullOrWhiteSpace(s.Who)).ToList();
        RecordRules.Require(
            ("assessment", "アセスメント", RecordRules.Note(input.Assessment, required: true)),
            ("goals", "目標", goals.Count == 0 ? "一つは書いてください。" : goals.Count > MaxRows ? $"{MaxRows}つまでです。"
                : goals.Select(g => RecordRules.Line(g, RecordRules.TitleMax)).FirstOrDefault(e => e is not null)),
            ("services", "支援内容", services.Count > MaxRows ? $"{MaxRows}つまでです。"
                : services.Select(s => string.IsNullOrWhiteSpace(s.What) ? "頻度や担当だけの行があります。内容も書いてください。"
                    : RecordRules.Line(s.What, RecordRules.TitleMax) ?? RecordRules.Line(s.Frequency, RecordRules.CategoryMax) ?? RecordRules.Line(s.Who, RecordRules.CategoryMax))
                    .FirstOrDefault(e => e is not null)),
            ("reviewOn", "見直し予定日", input.ReviewOn is not { } review ? "入れてください。"
                : review < today ? "今日より前の日付です。"
                : review > today.AddYears(1) ? "1年以内の日にしてください。" : null));
        // A version not yet approved is replaced at once; the approved one stays in force until its successor is approved.
        var previous = await db.SupportPlans.Where(p => p.EnrollmentId == enrollmentId).OrderByDescending(p => p.Version).FirstOrDefaultAsync();
        if (previous is { Status: PlanStatus.Pending or PlanStatus.Returned })
        {
            previous.Status = PlanStatus.Superseded;
        }
        var plan = new SupportPlan
        {
            EnrollmentId = enrollmentId,
            Version = (previous?.Version ?? 0) + 1,
            Assessment = input.Assessment!.Trim(),
            ReviewOn = input.ReviewOn!.Value,
            Status = PlanStatus.Pending,
            WrittenByUserId = scope.UserId,
            WrittenBy = await scope.StaffNameAsync(),
            WrittenAt = time.GetUtcNow(),
            Goals = [.. goals.Select((g, i) => new PlanGoal { Position = i + 1, Text = g })],
            Services = [.. services.Select((s, i) => new PlannedService { Position = i + 1, What = s.What!.Trim(), Frequency = Trimmed(s.Frequency), Who = Trimmed(s.Who) })],
        };
        db.SupportPlans.Add(plan);
        scope.Audit(AuditActions.PlanWrite, enrollment.Program.Code, $"person:{enrollment.PersonId}", $"第{plan.Version}版 目標{goals.Count} 支援{services.Count}");
        await db.SaveChangesAsync();
        return plan;
    }

    static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    async Task<(SupportPlan Plan, Enrollment Enrollment)> PendingForManagerAsync(int planId)
    {
        var plan = await db.SupportPlans.SingleOrDefaultAsync(p => p.Id == planId) ?? throw new RecordNotFoundException("その計画はありません。");
        var enrollment = await EnrollmentAsync(plan.EnrollmentId);
        if (!scope.IsInRole(Roles.Manager))
        {
            throw new RecordAccessException("計画を承認するのは事業の管理者です。");
        }
        if (plan.Status != PlanStatus.Pending)
        {
            throw new RecordConflictException($"この計画は「{plan.Status.Japanese()}」です。");
        }
        if (plan.WrittenByUserId == scope.UserId)
        {
            throw new RecordConflictException("自分で書いた計画は承認できません。ほかの管理者に依頼してください。");
        }
        return (plan, enrollment);
    }

    public async Task ApproveAsync(int planId)
    {
        var (plan, enrollment) = await PendingForManagerAsync(planId);
        (plan.Status, plan.DecidedBy, plan.DecidedAt) = (PlanStatus.Approved, await scope.StaffNameAsync(), time.GetUtcNow());
        foreach (var earlier in await db.SupportPlans.Where(p => p.EnrollmentId == plan.EnrollmentId && p.Id != plan.Id && p.Status == PlanStatus.Approved).ToListAsync())
        {
            earlier.Status = PlanStatus.Superseded;
        }
        scope.Audit(AuditActions.PlanApprove, enrollment.Program.Code, $"person:{enrollment.PersonId}", $"第{plan.Version}版 承認");
        await db.SaveChangesAsync();
    }

    /// <summary>差し戻し: the version goes back to its author with the reason; a new version answers it.</summary>
    public async Task ReturnAsync(int planId, string? reason)
    {
        var (plan, enrollment) = await PendingForManagerAsync(planId);
        RecordRules.Require(("reason", "差し戻しの理由", RecordRules.Note(reason, RecordRules.ReasonMax, required: true)));
        (plan.Status, plan.DecidedBy, plan.DecidedAt, plan.DecisionNote) = (PlanStatus.Returned, await scope.StaffNameAsync(), time.GetUtcNow(), reason!.Trim());
        // The reason speaks of the plan's content: it stays with the plan (sealed), out of what auditors read.
        scope.Audit(AuditActions.PlanReturn, enrollment.Program.Code, $"person:{enrollment.PersonId}", $"第{plan.Version}版 差し戻し");
        await db.SaveChangesAsync();
    }

    /// <summary>
    /// A review (モニタリング) of the approved plan: progress on every goal and the next review's day, which becomes the
    /// plan's review date.
    /// </summary>
    public async Task<PlanReview> ReviewAsync(int planId, ReviewInput input)
    {
        var plan = await db.SupportPlans.Include(p => p.Goals).SingleOrDefaultAsync(p => p.Id == planId) ?? throw new RecordNotFoundException("その計画はありません。");
        var enrollment = await EnrollmentAsync(plan.EnrollmentId);
        if (plan.Status != PlanStatus.Approved)
        {
            throw new RecordConflictException($"見直すのは承認済みの計画です（この版は「{plan.Status.Japanese()}」）。");
        }
        var today = CityClock.Today(time);
        var missing = plan.Goals.Where(g => input.Progress.GetValueOrDefault(g.Id) is not { } p || !Enum.IsDefined(p)).Select(g => g.Position).ToList();
        RecordRules.Require(
            ("reviewedOn", "見直した日", RecordRules.RecordDate(input.ReviewedOn, today, enrolledFrom: plan.WrittenAt.DayInJapan(), earliest: "計画を書いた日")),
            ("progress", "目標ごとの状況", missing.Count > 0 ? $"目標{string.Join("・", missing)}の状況を選んでください。"
                : input.Progress.Keys.Any(id => plan.Goals.All(g => g.Id != id)) ? "この計画にない目標です。" : null),
            ("summary", "所見", RecordRules.Note(input.Summary)),
            ("nextReviewOn", "次の見直し予定日", input.NextReviewOn is not { } next ? "入れてください。"
                : next <= input.ReviewedOn ? "見直した日より後の日にしてください。"
                : next > today.AddYears(1) ? "1年以内の日にしてください。" : null));
        var review = new PlanReview
        {
            PlanId = planId,
            ReviewedOn = input.ReviewedOn,
            ReviewedBy = await scope.StaffNameAsync(),
            Summary = Trimmed(input.Summary),
            NextReviewOn = input.NextReviewOn!.Value,
            Goals = [.. plan.Goals.Select(g => new GoalReview { GoalId = g.Id, Progress = input.Progress[g.Id]!.Value })],
        };
        db.PlanReviews.Add(review);
        plan.ReviewOn = review.NextReviewOn;
        scope.Audit(AuditActions.PlanReview, enrollment.Program.Code, $"person:{enrollment.PersonId}",
            $"第{plan.Version}版 " + string.Join(" ", plan.Goals.OrderBy(g => g.Position).Select(g => $"目標{g.Position}:{input.Progress[g.Id]!.Value.Japanese()}")));
        await db.SaveChangesAsync();
        return review;
    }
}
