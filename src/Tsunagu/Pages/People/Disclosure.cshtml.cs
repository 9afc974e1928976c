using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Audit;
using Tsunagu.Contacts;
using Tsunagu.Data;
using Tsunagu.People;
using Tsunagu.Referrals;
using Tsunagu.Sessions;
using Tsunagu.Subsidies;

namespace Tsunagu.Pages.People;

/// <summary>
/// A copy of a person's records for a disclosure request (保有個人情報の開示請求): the contacts of the user's programs,
/// with only the chosen segments of text. What is left out is marked as withheld, by kind, never silently dropped.
/// Only the person's own words are in unless more is chosen: what third parties and agencies said and the staff's
/// assessment are the parts a disclosure decision may withhold, so including them is a deliberate tick.
/// </summary>
public class DisclosureModel(TsunaguDb db, RecordScope scope, TimeProvider time) : TsunaguPageModel
{
    [BindProperty(SupportsGet = true)]
    public int Id { get; set; }

    /// <summary>The provenances to include; before any choice, the person's own words only.</summary>
    [BindProperty(SupportsGet = true)]
    public List<NoteProvenance> Include { get; set; } = [];

    /// <summary>Set by the form, so that every box unticked means nothing included rather than the default.</summary>
    [BindProperty(SupportsGet = true)]
    public bool Chosen { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Copy { get; set; }

    public string Included => Include.Count == 0 ? "なし" : string.Join("・", Include.Distinct().Order().Select(p => p.Japanese()));

    public Person Person { get; private set; } = null!;
    public List<Contact> Contacts { get; private set; } = [];
    public Dictionary<int, string> OfficeNames { get; private set; } = [];

    /// <summary>The copy's document number: the id of the audit entry that records it, so each copy handed over is traceable.</summary>
    public long DocumentNumber { get; private set; }

    /// <summary>Who issues it: the user's office where the assignment names one, else their programs.</summary>
    public string IssuedBy { get; private set; } = "";

    public string StaffName { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync()
    {
        var source = Copy ? "GET /people/{id}/disclosure (copy)" : "GET /people/{id}/disclosure";
        if (await scope.ReadPersonAsync(Id, source) is not { } person)
        {
            return NotFound();
        }
        Person = person;
        if (!Chosen)
        {
            Include = [NoteProvenance.PersonSaid];
        }
        if (!Copy)
        {
            return Page();
        }
        Contacts = await (await scope.ContactsOfAsync(Id)).AsNoTracking().Include(c => c.Program).Include(c => c.Notes)
            .OrderBy(c => c.Date).ThenBy(c => c.Time).ToListAsync();
        OfficeNames = await db.Offices.AsNoTracking().ToDictionaryAsync(o => o.Id, o => o.Name);
        var programIds = await scope.ProgramIdsAsync();
        var offices = await scope.OfficeIdsAsync();
        IssuedBy = offices.Count > 0
            ? string.Join("・", offices.Select(id => OfficeNames.GetValueOrDefault(id, "")))
            : string.Join("・", await db.Programs.Where(p => programIds.Contains(p.Id)).OrderBy(p => p.Code).Select(p => p.Name).ToListAsync());
        StaffName = await scope.StaffNameAsync();
        // Who made a copy of whose records, with what left out: the audit trail, not the access log alone.
        var entry = db.Audit(time, scope.UserName, Tsunagu.Audit.AuditActions.DisclosureCopy, subject: $"person:{Id}", after: $"{Contacts.Count} 件、含める: {Included}");
        await db.SaveChangesAsync();
        DocumentNumber = entry.Id;
        return Page();
    }
}
