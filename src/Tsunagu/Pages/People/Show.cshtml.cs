using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Data;
using Tsunagu.People;
using Tsunagu.Programs;
using Tsunagu.Records;

namespace Tsunagu.Pages.People;

public class ShowModel(TsunaguDb db, RecordScope scope, RecordsService records, Records.Subsidies subsidies, TimeProvider time) : TsunaguPageModel
{
    [BindProperty(SupportsGet = true)]
    public int Id { get; set; }

    public Person Person { get; private set; } = null!;
    public List<Person> Household { get; private set; } = [];
    public List<Enrollment> Enrollments { get; private set; } = [];
    public List<SupportProgram> RecordablePrograms { get; private set; } = [];
    public List<SupportProgram> AllPrograms { get; private set; } = [];
    public List<Contact> Timeline { get; private set; } = [];
    public List<Referral> Referrals { get; private set; } = [];
    public List<SubsidyApplication> SubsidyApplications { get; private set; } = [];

    /// <summary>The learning-support program, where the person is enrolled in it and the user works in it.</summary>
    public SupportProgram? SubsidyProgram => RecordablePrograms.FirstOrDefault(p => p.NameKey == Records.Subsidies.ProgramKey);
    public List<string> Errors { get; } = [];

    [BindProperty]
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
        var now = FiscalYears.FiscalYear.Now(time);
        Contact.Time = new TimeOnly(now.Hour, now.Minute / 5 * 5);
        Contact.ProgramId = RecordablePrograms.FirstOrDefault()?.Id ?? 0;
        return Page();
    }

    public async Task<IActionResult> OnPostContactAsync()
    {
        if (!await LoadAsync("POST /people/{id} (contact)"))
        {
            return NotFound();
        }
        try
        {
            var notes = new Dictionary<NoteProvenance, string>
            {
                [NoteProvenance.PersonSaid] = Contact.PersonSaid ?? "",
                [NoteProvenance.ThirdPartySaid] = Contact.ThirdPartySaid ?? "",
                [NoteProvenance.AgencySaid] = Contact.AgencySaid ?? "",
                [NoteProvenance.StaffAssessment] = Contact.Assessment ?? "",
            };
            await records.RecordContactAsync(Id, new NewContact(Contact.ProgramId, Contact.Date, Contact.Time, Contact.Kind, Contact.Category,
                Contact.Channel, Contact.Duration, Contact.With, notes));
        }
        catch (RecordAccessException e)
        {
            Errors.Add(e.Message);
            return Page();
        }
        TempData["Message"] = $"{FiscalYears.FiscalYear.FormatDate(Contact.Date)}の{Contact.Kind.Japanese()}を記録しました。";
        return Redirect($"/people/{Id}#timeline");
    }

    public async Task<IActionResult> OnPostReferAsync(int fromProgramId, int? toProgramId, string? toAgency, string reason)
    {
        if (!await LoadAsync("POST /people/{id} (referral)"))
        {
            return NotFound();
        }
        try
        {
            await records.ReferAsync(Id, fromProgramId, toProgramId, toAgency, reason);
        }
        catch (RecordAccessException e)
        {
            Errors.Add(e.Message);
            return Page();
        }
        TempData["Message"] = "つなぐ依頼を送りました。";
        return Redirect($"/people/{Id}#referrals");
    }

    public async Task<IActionResult> OnPostSubsidyAsync(SubsidyKind kind, DateOnly appliedOn, decimal amount)
    {
        if (!await LoadAsync("POST /people/{id} (subsidy)"))
        {
            return NotFound();
        }
        try
        {
            await subsidies.ApplyAsync(Id, SubsidyProgram?.Id ?? -1, kind, appliedOn, amount);
        }
        catch (RecordAccessException e)
        {
            Errors.Add(e.Message);
            return Page();
        }
        TempData["Message"] = "補助金の申請を登録しました。";
        return Redirect($"/people/{Id}#subsidies");
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
            Contact.Date = FiscalYears.FiscalYear.Today(time);
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
        AllPrograms = await db.Programs.AsNoTracking().OrderBy(p => p.Code).ToListAsync();
        Timeline = await (await scope.ContactsOfAsync(Id)).AsNoTracking().Include(c => c.Program).Include(c => c.Notes)
            .OrderByDescending(c => c.Date).ThenByDescending(c => c.Time).Take(200).ToListAsync();
        SubsidyApplications = await (await scope.SubsidiesAsync()).AsNoTracking().Where(s => s.PersonId == Id).OrderBy(s => s.AppliedOn).ToListAsync();
        Referrals = await (await scope.ReferralsAsync()).AsNoTracking().Include(r => r.FromProgram).Include(r => r.ToProgram)
            .Where(r => r.PersonId == Id).OrderByDescending(r => r.SentAt).ToListAsync();
        return true;
    }
}
