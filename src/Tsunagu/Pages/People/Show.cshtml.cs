using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Calendar;
using Tsunagu.Contacts;
using Tsunagu.Data;
using Tsunagu.People;
using Tsunagu.Programs;
using Tsunagu.Referrals;
using Tsunagu.Sessions;
using Tsunagu.Subsidies;

namespace Tsunagu.Pages.People;

public class ShowModel(TsunaguDb db, RecordScope scope, PersonService people, ContactService contacts, ReferralService referrals, SubsidyService subsidies,
    Tsunagu.Tasks.CaseTaskService tasks, Tsunagu.Attachments.AttachmentService attachments, TimeProvider time) : TsunaguPageModel
{
    [BindProperty(SupportsGet = true)]
    public int Id { get; set; }

    public Person Person { get; private set; } = null!;
    public List<Person> Household { get; private set; } = [];
    public List<Enrollment> Enrollments { get; private set; } = [];
    public List<SupportProgram> RecordablePrograms { get; private set; } = [];

    /// <summary>The user's programs in which the person is not enrolled now: support there ended, or never began.</summary>
    public List<SupportProgram> EnrollablePrograms { get; private set; } = [];

    /// <summary>The user's programs in which the person's support ended and has not been resumed.</summary>
    public List<SupportProgram> EndedPrograms => EnrollablePrograms.Where(p => Enrollments.Any(e => e.ProgramId == p.Id)).ToList();
    public List<SupportProgram> AllPrograms { get; private set; } = [];
    public List<Contact> Timeline { get; private set; } = [];

    /// <summary>Sessions of the user's programs the person attended: on the timeline beside the contacts.</summary>
    public List<SupportSession> Attended { get; private set; } = [];

    /// <summary>The timeline: contacts and attended sessions, newest first.</summary>
    public IEnumerable<(DateOnly Date, TimeOnly? Time, Contact? Contact, SupportSession? Session)> Entries =>
        Timeline.Select(c => (c.Date, c.Time, (Contact?)c, (SupportSession?)null))
            .Concat(Attended.Select(s => (s.Date, s.Start, (Contact?)null, (SupportSession?)s)))
            .OrderByDescending(e => e.Item1).ThenByDescending(e => e.Item2);
    public List<Referral> Referrals { get; private set; } = [];
    public List<SubsidyApplication> SubsidyApplications { get; private set; } = [];
    public List<Outcome> Outcomes { get; private set; } = [];
    public List<Tsunagu.Places.Office> Offices { get; private set; } = [];

    /// <summary>Each active enrolment's program staff: who its 担当者 is and who it can be handed to.</summary>
    public Dictionary<int, List<StaffMember>> Staff { get; private set; } = [];

    /// <summary>Each enrolment's plan: the version in force, else the latest one waiting.</summary>
    public Dictionary<int, Tsunagu.Plans.SupportPlan> Plans { get; private set; } = [];

    public bool IsManager => scope.IsInRole(Roles.Manager);

    /// <summary>The household's address is the user's to read (no restricted member hidden from them).</summary>
    public bool HouseholdReadable { get; private set; }

    /// <summary>The person's attachments the user sees; those of a contact are listed with it on the timeline.</summary>
    public List<Tsunagu.Attachments.Attachment> Attachments { get; private set; } = [];

    /// <summary>What is due about this person, in the user's programs.</summary>
    public List<Tsunagu.Tasks.CaseTask> Tasks { get; private set; } = [];

    public bool MayTransfer(Enrollment enrollment) => enrollment.OwnerUserId == scope.UserId || scope.IsInRole(Roles.Manager);

    public string OwnerName(Enrollment enrollment) => enrollment.OwnerUserId is not { } owner ? "未割当"
        : Staff.GetValueOrDefault(enrollment.ProgramId)?.FirstOrDefault(s => s.Id == owner)?.Name ?? "（この事業の職員ではありません）";

    /// <summary>The person's school by name, where the school list has its code.</summary>
    public string? SchoolName { get; private set; }

    /// <summary>Who is reading: printed on the case record as 出力者.</summary>
    public string StaffName { get; private set; } = "";

    /// <summary>The learning-support program, where the person is enrolled in it and the user works in it.</summary>
    public SupportProgram? SubsidyProgram => RecordablePrograms.FirstOrDefault(p => p.NameKey == SubsidyService.ProgramKey);

    // Named, so that the other forms' fields (kind, to…) never bind to it through the empty-prefix fallback.
    [BindProperty(Name = "Contact")]
    public ContactForm Contact { get; set; } = new();

    public sealed class ContactForm
    {
        public int ProgramId { get; set; }
        public DateOnly Date { get; set; }
        public TimeOnly? Time { get; set; }
        public ContactKind Kind { get; set; }
        public string? Category { get; set; }
        public ContactChannel Channel { get; set; }
        public int? Duration { get; set; }
        public int? OfficeId { get; set; }
        public DateOnly? NextOn { get; set; }
        public List<int> With { get; set; } = [];
        public string? PersonSaid { get; set; }
        public string? ThirdPartySaid { get; set; }
        public string? AgencySaid { get; set; }
        public string? Assessment { get; set; }
    }

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await LoadAsync("GET /people/{id}"))
        {
            return NotFound();
        }
        var now = CityClock.Now(time);
        Contact.Time = new TimeOnly(now.Hour, now.Minute / 5 * 5);
        Contact.ProgramId = RecordablePrograms.FirstOrDefault()?.Id ?? 0;
        // Where the user works, if their assignment says so: most contacts are recorded at the worker's own office.
        Contact.OfficeId = (await scope.OfficeIdsAsync()).Cast<int?>().FirstOrDefault();
        return Page();
    }

    /// <summary>The contact just saved: the page opens on it, focused, with the message in it (where the eye is).</summary>
    public long? SavedContact => TempData["SavedContact"] is string id && long.TryParse(id, CultureInfo.InvariantCulture, out var saved) ? saved : null;

    public async Task<IActionResult> OnPostContactAsync()
    {
        var notes = new Dictionary<NoteProvenance, string>
        {
            [NoteProvenance.PersonSaid] = Contact.PersonSaid ?? "",
            [NoteProvenance.ThirdPartySaid] = Contact.ThirdPartySaid ?? "",
            [NoteProvenance.AgencySaid] = Contact.AgencySaid ?? "",
            [NoteProvenance.StaffAssessment] = Contact.Assessment ?? "",
        };
        if (!await LoadAsync("POST /people/{id} (contact)"))
        {
            return NotFound();
        }
        return await WriteRecordsAsync(async () =>
        {
            var saved = await contacts.RecordContactAsync(Id, new NewContact(Contact.ProgramId, Contact.Date, Contact.Time, Contact.Kind, Contact.Category,
                Contact.Channel, Contact.Duration, Contact.With, notes, Contact.OfficeId, Contact.NextOn));
            TempData["SavedContact"] = saved.Id.ToString(CultureInfo.InvariantCulture);
            TempData["Saved"] = $"{FiscalYears.FormatDate(Contact.Date)}の{Contact.Kind.Japanese()}を記録しました。";
            return $"/people/{Id}#contact-{saved.Id}";
        }, null);
    }

    public Task<IActionResult> OnPostReferAsync(int fromProgramId, int? toProgramId, string? toAgency, string reason) =>
        WriteAsync("referral", "#referrals", () => referrals.ReferAsync(Id, fromProgramId, toProgramId, toAgency, reason), "つなぐ依頼を送りました。");

    // The program is the learning-support one, known only once the page is loaded.
    public Task<IActionResult> OnPostSubsidyAsync(SubsidyKind kind, DateOnly appliedOn, decimal amount) =>
        WriteAsync("subsidy", "#subsidies", () => subsidies.ApplyAsync(Id, SubsidyProgram?.Id ?? -1, kind, appliedOn, amount), "補助金の申請を登録しました。");

    public Task<IActionResult> OnPostTransferAsync(int enrollmentId, string? toUserId, string? reason) =>
        WriteAsync("transfer", "#enrollments", () => people.TransferAsync(enrollmentId, toUserId, reason), "担当を替えました。");

    public Task<IActionResult> OnPostEnrollAsync(int programId, DateOnly from, ReferralSource source) =>
        WriteAsync("enrolment", "#enrollments", () => people.EnrollAsync(Id, programId, from, source), $"{FiscalYears.FormatDate(from)}から登録しました。");

    /// <summary>A write from a form on this page: the page again with the reason when refused, else back to the section.</summary>
    async Task<IActionResult> WriteAsync(string what, string section, Func<Task> write, string message)
    {
        if (!await LoadAsync($"POST /people/{{id}} ({what})"))
        {
            return NotFound();
        }
        return await WriteRecordsAsync(async () =>
        {
            await write();
            return $"/people/{Id}{section}";
        }, message);
    }

    async Task<bool> LoadAsync(string source)
    {
        var person = await scope.ReadPersonAsync(Id, source);
        if (person is null)
        {
            return false;
        }
        Person = person;
        if (Contact.Date == default)
        {
            Contact.Date = CityClock.Today(time);
        }
        if (person.HouseholdId is { } householdId)
        {
            Household = await (await scope.PersonsAsync()).AsNoTracking().Where(p => p.HouseholdId == householdId && p.Id != Id)
                .OrderBy(p => p.BirthDate).ToListAsync();
            await scope.LogAsync(Household.Select(p => p.Id), source + " (household)");
        }
        Enrollments = await (await scope.EnrollmentsAsync()).AsNoTracking().Include(e => e.Program).Where(e => e.PersonId == Id)
            .OrderBy(e => e.From).ToListAsync();
        RecordablePrograms = Enrollments.Where(e => e.Status == EnrollmentStatus.Active).Select(e => e.Program).DistinctBy(p => p.Id).ToList();
        var userPrograms = await scope.ProgramIdsAsync();
        EnrollablePrograms = await db.Programs.AsNoTracking().Where(p => userPrograms.Contains(p.Id)).OrderBy(p => p.Code).ToListAsync();
        EnrollablePrograms.RemoveAll(p => RecordablePrograms.Any(r => r.Id == p.Id));
        AllPrograms = await db.Programs.AsNoTracking().OrderBy(p => p.Code).ToListAsync();
        StaffName = await scope.StaffNameAsync();
        foreach (var programId in Enrollments.Select(e => e.ProgramId).Distinct())
        {
            Staff[programId] = await people.ProgramStaffAsync(programId);
        }
        SchoolName = person.SchoolCode is { } code ? await db.Schools.Where(s => s.Code == code).Select(s => s.Name).FirstOrDefaultAsync() : null;
        Offices = await db.Offices.AsNoTracking().OrderBy(o => o.Kind).ThenBy(o => o.Name).ToListAsync();
        // Withdrawn contacts too, struck through: the timeline shows what was recorded and what was taken back.
        // The notes and their revisions in a query of their own: as one, SQLite first joined every note in the database
        // to its revisions (a LEFT JOIN of a join is not flattened), 4 s at a million contacts (bench load).
        Timeline = await (await scope.ContactsOfAsync(Id)).IgnoreQueryFilters().AsNoTracking().Include(c => c.Program).Include(c => c.Notes).ThenInclude(n => n.Revisions)
            .AsSplitQuery().OrderByDescending(c => c.Date).ThenByDescending(c => c.Time).ThenByDescending(c => c.Id).Take(200).ToListAsync();
        Attended = await (await scope.SessionsAsync()).AsNoTracking().Include(s => s.Program).Where(s => s.Attendances.Any(a => a.PersonId == Id))
            .OrderByDescending(s => s.Date).Take(200).ToListAsync();
        Outcomes = await (await scope.OutcomesAsync()).AsNoTracking().Where(o => o.PersonId == Id).OrderByDescending(o => o.FiscalYear).ToListAsync();
        SubsidyApplications = await (await scope.SubsidiesAsync()).AsNoTracking().Where(s => s.PersonId == Id).OrderBy(s => s.AppliedOn).ToListAsync();
        Referrals = await (await scope.ReferralsAsync()).AsNoTracking().Include(r => r.FromProgram).Include(r => r.ToProgram)
            .Where(r => r.PersonId == Id).OrderByDescending(r => r.SentAt).ToListAsync();
        Tasks = await tasks.ListAsync(personId: Id);
        HouseholdReadable = person.HouseholdId is { } ownHousehold && await scope.MayReadHouseholdAsync(ownHousehold);
        Attachments = await (await attachments.OfAsync(Id)).AsNoTracking().OrderBy(a => a.UploadedAt).ToListAsync();
        var enrollmentIds = Enrollments.Select(e => e.Id).ToList();
        Plans = (await Tsunagu.Plans.SupportPlanService.WithContents(db.SupportPlans.AsNoTracking()
                .Where(p => enrollmentIds.Contains(p.EnrollmentId) && p.Status != Tsunagu.Plans.PlanStatus.Superseded)).ToListAsync())
            .GroupBy(p => p.EnrollmentId)
            .ToDictionary(g => g.Key, g => g.OrderBy(p => p.Status == Tsunagu.Plans.PlanStatus.Approved ? 0 : 1).ThenByDescending(p => p.Version).First());
        return true;
    }
}
