using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Calendar;
using Tsunagu.Data;
using Tsunagu.People;

namespace Tsunagu.Pages.People;

/// <summary>
/// Ending support (支援の終結) as a step of its own: what ends, how much was recorded in the period, the day and a reason
/// from the program's list, and a button that says what it does. The person page only links here.
/// </summary>
public class EndModel(TsunaguDb db, RecordScope scope, PersonService people, TimeProvider time) : TsunaguPageModel
{
    [BindProperty(SupportsGet = true)]
    public int Id { get; set; }

    [BindProperty(SupportsGet = true)]
    public int EnrollmentId { get; set; }

    [BindProperty]
    public DateOnly To { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    public Person Person { get; private set; } = null!;
    public Enrollment Enrollment { get; private set; } = null!;
    public int ContactsInPeriod { get; private set; }
    public DateOnly? LastContact { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await LoadAsync("GET /people/{id}/enrollments/{enrollmentId}/end"))
        {
            return NotFound();
        }
        To = CityClock.Today(time);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await LoadAsync("POST /people/{id}/enrollments/{enrollmentId}/end"))
        {
            return NotFound();
        }
        return await WriteRecordsAsync(async () =>
        {
            await people.EndEnrollmentAsync(EnrollmentId, To, Reason);
            return $"/people/{Id}#enrollments";
        }, $"{Enrollment.Program.Name}の支援を{FiscalYears.FormatDate(To)}で終了しました（{Reason}）。");
    }

    public bool IsManager => scope.IsInRole(Roles.Manager);

    /// <summary>終結の承認 by the program's manager, once the case has ended.</summary>
    public async Task<IActionResult> OnPostApproveAsync()
    {
        if (!await LoadAsync("POST /people/{id}/enrollments/{enrollmentId}/end (approve)"))
        {
            return NotFound();
        }
        return await WriteRecordsAsync(async () =>
        {
            await people.ApproveClosureAsync(EnrollmentId);
            return $"/people/{Id}#enrollments";
        }, $"{Enrollment.Program.Name}の終結を承認しました。");
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
        var contacts = db.Contacts.Where(c => c.ProgramId == enrollment!.ProgramId && c.Date >= enrollment.From
            && c.Persons.Any(p => p.PersonId == Id && p.Role == Tsunagu.Contacts.ContactPersonRole.Subject));
        ContactsInPeriod = await contacts.CountAsync();
        LastContact = await contacts.MaxAsync(c => (DateOnly?)c.Date);
        return true;
    }
}
