using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Calendar;
using Tsunagu.People;
using Tsunagu.Plans;

namespace Tsunagu.Pages.Plans;

/// <summary>
/// アセスメント・支援計画 of one enrolment: the plan in force, a version waiting for the manager, the reviews, the form
/// for a new version, and every earlier version.
/// </summary>
public class IndexModel(RecordScope scope, SupportPlanService plans, TimeProvider time) : TsunaguPageModel
{
    [BindProperty(SupportsGet = true)]
    public int Id { get; set; }

    [BindProperty(SupportsGet = true)]
    public int EnrollmentId { get; set; }

    public Person Person { get; private set; } = null!;
    public Enrollment Enrollment { get; private set; } = null!;
    public List<SupportPlan> Versions { get; private set; } = [];
    public SupportPlan? InForce => Versions.FirstOrDefault(p => p.Status == PlanStatus.Approved);
    public SupportPlan? Waiting => Versions.FirstOrDefault(p => p.Status is PlanStatus.Pending or PlanStatus.Returned);
    public bool IsManager => scope.IsInRole(Roles.Manager);
    public string UserId => scope.UserId;

    [BindProperty]
    public PlanForm Plan { get; set; } = new();

    public sealed class PlanForm
    {
        public string? Assessment { get; set; }
        public List<string?> Goals { get; set; } = [];
        public List<string?> What { get; set; } = [];
        public List<string?> Frequency { get; set; } = [];
        public List<string?> Who { get; set; } = [];
        public DateOnly? ReviewOn { get; set; }
    }

    /// <summary>Rows the form offers: those written, and two more, up to the limit.</summary>
    public int Rows(int written) => Math.Min(SupportPlanService.MaxRows, Math.Max(3, written + 2));

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await LoadAsync("GET /people/{id}/enrollments/{enrollmentId}/plan"))
        {
            return NotFound();
        }
        // A new version starts from the latest one.
        if (Versions.FirstOrDefault() is { } latest)
        {
            Plan.Assessment = latest.Assessment;
            Plan.Goals = [.. latest.Goals.Select(g => g.Text)];
            Plan.What = [.. latest.Services.Select(s => s.What)];
            Plan.Frequency = [.. latest.Services.Select(s => s.Frequency)];
            Plan.Who = [.. latest.Services.Select(s => s.Who)];
        }
        Plan.ReviewOn = CityClock.Today(time).AddMonths(3);
        return Page();
    }

    public Task<IActionResult> OnPostWriteAsync() => WriteAsync("write", async () =>
    {
        var services = Enumerable.Range(0, Math.Max(Plan.What.Count, Math.Max(Plan.Frequency.Count, Plan.Who.Count)))
            .Select(i => new PlannedServiceInput(Plan.What.ElementAtOrDefault(i), Plan.Frequency.ElementAtOrDefault(i), Plan.Who.ElementAtOrDefault(i))).ToList();
        var plan = await plans.WriteAsync(EnrollmentId, new PlanInput(Plan.Assessment, Plan.Goals, services, Plan.ReviewOn));
        return $"第{plan.Version}版を書きました。事業の管理者の承認を待ちます。";
    });

    public Task<IActionResult> OnPostApproveAsync(int planId) => WriteAsync("approve", async () =>
    {
        await plans.ApproveAsync(planId);
        return "計画を承認しました。";
    });

    public Task<IActionResult> OnPostReturnAsync(int planId, string? reason) => WriteAsync("return", async () =>
    {
        await plans.ReturnAsync(planId, reason);
        return "計画を差し戻しました。";
    });

    public Task<IActionResult> OnPostReviewAsync(int planId, DateOnly reviewedOn, Dictionary<int, GoalProgress?> progress, string? summary, DateOnly? nextReviewOn) =>
        WriteAsync("review", async () =>
        {
            await plans.ReviewAsync(planId, new ReviewInput(reviewedOn, progress, summary, nextReviewOn));
            return $"見直しを記録しました。次の見直しは{(nextReviewOn is { } next ? FiscalYears.FormatDate(next) : "")}です。";
        });

    async Task<IActionResult> WriteAsync(string what, Func<Task<string>> write)
    {
        if (!await LoadAsync($"POST /people/{{id}}/enrollments/{{enrollmentId}}/plan ({what})"))
        {
            return NotFound();
        }
        return await WriteRecordsAsync(async () =>
        {
            TempData["Message"] = await write();
            return $"/people/{Id}/enrollments/{EnrollmentId}/plan";
        }, null, async () => Versions = await plans.VersionsAsync(EnrollmentId));
    }

    async Task<bool> LoadAsync(string source)
    {
        var enrollment = await (await scope.EnrollmentsAsync()).AsNoTracking().Include(e => e.Program)
            .SingleOrDefaultAsync(e => e.Id == EnrollmentId && e.PersonId == Id);
        var person = enrollment is null ? null : await scope.ReadPersonAsync(Id, source);
        if (person is null)
        {
            return false;
        }
        (Person, Enrollment) = (person, enrollment!);
        Versions = await plans.VersionsAsync(EnrollmentId);
        return true;
    }
}
