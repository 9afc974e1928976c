using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Calendar;
using Tsunagu.Contacts;
using Tsunagu.Data;
using Tsunagu.People;
using Tsunagu.Programs;
using Tsunagu.Referrals;

namespace Tsunagu.Pages.Caseload;

/// <summary>
/// 担当ケース一覧, the case worker's landing page: their active cases with the last contact, the referrals waiting
/// for their programs, and the search. A program's manager also sees the whole program's cases and each worker's load.
/// </summary>
public class IndexModel(TsunaguDb db, RecordScope scope, PersonService people, Tsunagu.Tasks.CaseTaskService tasks, TimeProvider time) : TsunaguPageModel
{
    const int Shown = 500;

    /// <summary>The longest "days without a contact" the filter takes (ten years): an address can say anything.</summary>
    const int QuietMax = 3650;

    /// <summary>Whose cases: the user's own (default), everyone's in the user's programs, or none assigned (managers).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Owner { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? ProgramId { get; set; }

    /// <summary>Only cases without a contact for this many days (or none at all).</summary>
    [BindProperty(SupportsGet = true)]
    public int? Quiet { get; set; }

    public sealed record CaseRow(
        int PersonId, string Name, string Kana, DateOnly BirthDate, PersonRole Role, string Program, DateOnly From, string? OwnerUserId, DateOnly? LastContact);

    public List<CaseRow> Cases { get; private set; } = [];
    public bool Truncated { get; private set; }
    public List<Referral> Waiting { get; private set; } = [];
    public List<SupportProgram> Programs { get; private set; } = [];
    public Dictionary<string, string> StaffNames { get; private set; } = [];

    /// <summary>Active cases per 担当者 in the user's programs (managers): the workload; "" for none assigned.</summary>
    public List<(string Owner, int Cases)> Workload { get; private set; } = [];

    /// <summary>やること: follow-ups, reviews, answers and decisions due, overdue first (they come first by day).</summary>
    public List<Tsunagu.Tasks.CaseTask> Tasks { get; private set; } = [];

    public bool IsManager => scope.IsInRole(Roles.Manager);
    public DateOnly Today { get; private set; }

    public async Task OnGetAsync()
    {
        Today = CityClock.Today(time);
        // A filter the page cannot read or use is said so (400) and left out, never guessed.
        if (Quiet is < 1 or > QuietMax)
        {
            FieldErrors["quiet"] = $"最後の記録から: 1〜{QuietMax}日です（{Quiet}）。";
            Errors.Add(FieldErrors["quiet"]);
            Quiet = null;
        }
        if (UnreadableFields() || Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        var programIds = await scope.ProgramIdsAsync();
        Programs = await db.Programs.AsNoTracking().Where(p => programIds.Contains(p.Id)).OrderBy(p => p.Code).ToListAsync();
        foreach (var program in Programs)
        {
            foreach (var member in await people.ProgramStaffAsync(program.Id))
            {
                StaffNames.TryAdd(member.Id, member.Name);
            }
        }

        var active = (await scope.EnrollmentsAsync()).Where(e => e.Status == EnrollmentStatus.Active);
        if (ProgramId is { } programId)
        {
            active = active.Where(e => e.ProgramId == programId);
        }
        var me = scope.UserId;
        // Everyone's cases are a manager's view; a case worker sees their own.
        active = Owner switch
        {
            "all" when IsManager => active,
            "none" when IsManager => active.Where(e => e.OwnerUserId == null),
            _ => active.Where(e => e.OwnerUserId == me),
        };
        Owner = IsManager && Owner is "all" or "none" ? Owner : "me";
        // Anonymous in the query (a record's constructor cannot be filtered or sorted by the database), a row after it.
        var rows = active.Select(e => new
        {
            e.PersonId,
            e.Person.Name,
            e.Person.Kana,
            e.Person.KanaKey,
            e.Person.BirthDate,
            e.Person.Role,
            Program = e.Program.Name,
            e.From,
            e.OwnerUserId,
            LastContact = db.Contacts.Where(c => c.ProgramId == e.ProgramId && c.Persons.Any(p => p.PersonId == e.PersonId && p.Role == ContactPersonRole.Subject))
                .Max(c => (DateOnly?)c.Date),
        });
        if (Quiet is { } days)
        {
            var since = Today.AddDays(-days);
            rows = rows.Where(r => r.LastContact == null || r.LastContact < since);
        }
        // Longest without a contact first: the cases that need a call.
        Cases = (await rows.OrderBy(r => r.LastContact).ThenBy(r => r.KanaKey).Take(Shown + 1).ToListAsync())
            .Select(r => new CaseRow(r.PersonId, r.Name, r.Kana, r.BirthDate, r.Role, r.Program, r.From, r.OwnerUserId, r.LastContact)).ToList();
        Truncated = Cases.Count > Shown;
        Cases = Cases.Take(Shown).ToList();

        Waiting = await (await scope.ReferralsAsync()).AsNoTracking().Include(r => r.Person).Include(r => r.FromProgram).Include(r => r.ToProgram)
            .Where(r => r.Status == ReferralStatus.Sent && r.ToProgramId != null && programIds.Contains(r.ToProgramId.Value))
            .OrderBy(r => r.SentAt).Take(100).ToListAsync();
        if (IsManager)
        {
            Workload = (await (await scope.EnrollmentsAsync()).Where(e => e.Status == EnrollmentStatus.Active)
                    .GroupBy(e => e.OwnerUserId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync())
                .Select(g => (g.Key ?? "", g.Count)).OrderByDescending(g => g.Count).ToList();
        }
        Tasks = (await tasks.ListAsync(everyone: Owner == "all")).Take(Shown).ToList();
        await scope.LogAsync(Cases.Select(c => c.PersonId).Concat(Waiting.Select(r => r.PersonId)).Concat(Tasks.Select(t => t.PersonId)), "GET /caseload");
    }

    public string StaffName(string? id) => id is null ? "（未割当）" : StaffNames.GetValueOrDefault(id, "（この事業の職員ではありません）");
}
