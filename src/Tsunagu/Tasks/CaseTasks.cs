using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Calendar;
using Tsunagu.Contacts;
using Tsunagu.Data;
using Tsunagu.People;
using Tsunagu.Plans;
using Tsunagu.Referrals;
using Tsunagu.Subsidies;

namespace Tsunagu.Tasks;

public enum CaseTaskKind
{
    FollowUp = 0,        // 次回予定
    PlanReview = 1,      // 計画の見直し
    PlanApproval = 2,    // 計画の承認
    ReferralResponse = 3, // 依頼への返事
    SubsidyDecision = 4, // 補助金の決定
    ClosureApproval = 5, // 終結の承認
}

/// <summary>Something a worker or manager has to do about a person, by a day.</summary>
public sealed record CaseTask(CaseTaskKind Kind, int PersonId, string PersonName, string Program, DateOnly Due, string Link)
{
    public bool IsOverdue(DateOnly today) => Due < today;

    public string Label => Kind switch
    {
        CaseTaskKind.FollowUp => "次回予定",
        CaseTaskKind.PlanReview => "支援計画の見直し",
        CaseTaskKind.PlanApproval => "支援計画の承認",
        CaseTaskKind.ReferralResponse => "つなぐ依頼への返事",
        CaseTaskKind.SubsidyDecision => "補助金申請の決定",
        _ => "終結の承認",
    };
}

/// <summary>
/// The tasks and reminders (やること), computed from the records each time, never stored: a follow-up is done when a
/// later contact is written, a review when the plan's review date moves on, and so on. A worker's own cases by
/// default; a manager also gets the approvals of their programs. Deadlines in working days follow <see cref="WorkingDays"/>.
/// </summary>
public sealed class CaseTaskService(TsunaguDb db, RecordScope scope, IConfiguration configuration, TimeProvider time)
{
    /// <summary>A plan review shows this many days before it is due.</summary>
    public const int ReviewNoticeDays = 14;

    /// <summary>Working days a program has to answer a referral: <c>Tasks:ReferralResponseWorkingDays</c>, per program under <c>…ByProgram:CODE</c>.</summary>
    public int ReferralResponseDays(string programCode) =>
        configuration.GetValue<int?>($"Tasks:ReferralResponseWorkingDaysByProgram:{programCode}") ?? configuration.GetValue("Tasks:ReferralResponseWorkingDays", 5);

    int SubsidyDecisionDays => configuration.GetValue("Tasks:SubsidyDecisionWorkingDays", 10);

    /// <param name="everyone">Everyone's cases in the user's programs (a manager's view), not only the user's own.</param>
    /// <param name="personId">One person's tasks (the person page), whoever's case.</param>
    public async Task<List<CaseTask>> ListAsync(bool everyone = false, int? personId = null)
    {
        var today = CityClock.Today(time);
        var me = scope.UserId;
        var enrollments = await scope.EnrollmentsAsync();
        var cases = enrollments.Where(e => e.Status == EnrollmentStatus.Active);
        cases = personId is { } id ? cases.Where(e => e.PersonId == id) : everyone ? cases : cases.Where(e => e.OwnerUserId == me);
        var tasks = new List<CaseTask>();

        // 次回予定: the latest contact's next day, while no later contact has been written.
        var followUps = await cases.Select(e => new
        {
            e.PersonId,
            e.Person.Name,
            Program = e.Program.Name,
            // From the person's own contacts (indexed by person, a short list): from the program's contacts by date,
            // SQLite walked a million of them looking for the person's (4 s a person page; bench load).
            Next = db.ContactPersons.Where(p => p.PersonId == e.PersonId && p.Role == ContactPersonRole.Subject)
                .Join(db.Contacts, p => p.ContactId, c => c.Id, (_, c) => c).Where(c => c.ProgramId == e.ProgramId)
                .OrderByDescending(c => c.Date).ThenByDescending(c => c.Id).Select(c => c.NextOn).FirstOrDefault(),
        }).Where(x => x.Next != null).ToListAsync();
        tasks.AddRange(followUps.Select(f => new CaseTask(CaseTaskKind.FollowUp, f.PersonId, f.Name, f.Program, f.Next!.Value, $"/people/{f.PersonId}")));

        var reviewBy = today.AddDays(ReviewNoticeDays);
        var reviews = await db.SupportPlans.Where(p => p.Status == PlanStatus.Approved && p.ReviewOn <= reviewBy && cases.Any(e => e.Id == p.EnrollmentId))
            .Select(p => new { p.Enrollment.PersonId, p.Enrollment.Person.Name, Program = p.Enrollment.Program.Name, p.ReviewOn, p.EnrollmentId }).ToListAsync();
        tasks.AddRange(reviews.Select(r => new CaseTask(CaseTaskKind.PlanReview, r.PersonId, r.Name, r.Program, r.ReviewOn, $"/people/{r.PersonId}/enrollments/{r.EnrollmentId}/plan")));

        if (scope.IsInRole(Roles.Manager))
        {
            // Approvals are the manager's whichever worker's case: the program's, or the person's.
            var program = personId is { } one ? enrollments.Where(e => e.PersonId == one) : enrollments;
            var plans = await db.SupportPlans.Where(p => p.Status == PlanStatus.Pending && p.WrittenByUserId != me && program.Any(e => e.Id == p.EnrollmentId))
                .Select(p => new { p.Enrollment.PersonId, p.Enrollment.Person.Name, Program = p.Enrollment.Program.Name, p.WrittenAt, p.EnrollmentId }).ToListAsync();
            tasks.AddRange(plans.Select(p => new CaseTask(CaseTaskKind.PlanApproval, p.PersonId, p.Name, p.Program,
                WorkingDays.Add(p.WrittenAt.DayInJapan(), 5), $"/people/{p.PersonId}/enrollments/{p.EnrollmentId}/plan")));
            var closures = await program.Where(e => e.Status == EnrollmentStatus.Ended && e.ClosureApprovedAt == null)
                .Select(e => new { e.Id, e.PersonId, e.Person.Name, Program = e.Program.Name, e.To }).ToListAsync();
            tasks.AddRange(closures.Select(c => new CaseTask(CaseTaskKind.ClosureApproval, c.PersonId, c.Name, c.Program,
                WorkingDays.Add(c.To!.Value, 5), $"/people/{c.PersonId}/enrollments/{c.Id}/end")));
        }

        // Referrals waiting for the user's programs: a response is due within the program's working days.
        var programIds = await scope.ProgramIdsAsync();
        var referrals = (await scope.ReferralsAsync()).Where(r => r.Status == ReferralStatus.Sent && r.ToProgramId != null && programIds.Contains(r.ToProgramId.Value));
        if (personId is { } referred)
        {
            referrals = referrals.Where(r => r.PersonId == referred);
        }
        foreach (var r in await referrals.Select(r => new { r.PersonId, r.Person.Name, Program = r.ToProgram!.Name, Code = r.ToProgram.Code, r.SentAt }).ToListAsync())
        {
            tasks.Add(new CaseTask(CaseTaskKind.ReferralResponse, r.PersonId, r.Name, r.Program,
                WorkingDays.Add(r.SentAt.DayInJapan(), ReferralResponseDays(r.Code)), "/referrals"));
        }

        var subsidies = (await scope.SubsidiesAsync()).Where(s => s.Decision == SubsidyDecision.Pending && cases.Any(e => e.PersonId == s.PersonId))
            .Select(s => new { s.PersonId, s.Person.Name, s.AppliedOn, Program = db.Programs.Where(p => p.Id == s.ProgramId).Select(p => p.Name).First() });
        tasks.AddRange((await subsidies.ToListAsync()).Select(s =>
            new CaseTask(CaseTaskKind.SubsidyDecision, s.PersonId, s.Name, s.Program, WorkingDays.Add(s.AppliedOn, SubsidyDecisionDays), "/subsidies")));
        return [.. tasks.OrderBy(t => t.Due).ThenBy(t => t.Kind).ThenBy(t => t.PersonId)];
    }

    /// <summary>How a due day reads: 和暦, and how far off or overdue.</summary>
    public static string DueText(CaseTask task, DateOnly today)
    {
        var days = task.Due.DayNumber - today.DayNumber;
        var when = days switch
        {
            < 0 => $"{(-days).ToString(CultureInfo.InvariantCulture)}日超過",
            0 => "今日",
            _ => $"あと{days.ToString(CultureInfo.InvariantCulture)}日",
        };
        return $"{FiscalYears.FormatDate(task.Due)}（{when}）";
    }
}
