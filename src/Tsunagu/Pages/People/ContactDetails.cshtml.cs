using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.People;

namespace Tsunagu.Pages.People;

/// <summary>
/// 連絡先: the person's telephone and e-mail, the household's postal code and address, the guardians' contact (for a
/// child), and the household's consents to be reached by each channel. Read and written under the person's scope.
/// </summary>
public class ContactDetailsModel(RecordScope scope, ContactDetailsService details) : TsunaguPageModel
{
    [BindProperty(SupportsGet = true)]
    public int Id { get; set; }

    [BindProperty]
    public DetailsForm Form { get; set; } = new();

    public sealed class DetailsForm
    {
        public string? Phone { get; set; }
        public string? Email { get; set; }
        public string? PostalCode { get; set; }
        public string? Address { get; set; }
        public int PersonVersion { get; set; }
        public int HouseholdVersion { get; set; }
    }

    public Person Person { get; private set; } = null!;

    /// <summary>The household's guardians the user sees: a child's 保護者の連絡先.</summary>
    public List<Person> Guardians { get; private set; } = [];
    public List<ReachConsent> Consents { get; private set; } = [];

    /// <summary>Channels a notice could not reach since their consent was recorded: for the worker to check with the family.</summary>
    public List<(ReachChannel Channel, DateTimeOffset QueuedAt, string? Error)> Undeliverable { get; private set; } = [];

    /// <summary>False when another member of the household is restricted and hidden from the user: then its address and consents are not shown.</summary>
    public bool HouseholdReadable { get; private set; }

    /// <summary>After a save refused because another worker saved first: what is stored now, where it differs from the form.</summary>
    public List<(string Label, string Now, string Yours)> Differences { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await LoadAsync("GET /people/{id}/contact-details"))
        {
            return NotFound();
        }
        Form = Stored();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await LoadAsync("POST /people/{id}/contact-details"))
        {
            return NotFound();
        }
        return await WriteRecordsAsync(async () =>
        {
            await details.UpdateAsync(Id, new ContactDetailsInput(Form.Phone, Form.Email, Form.PostalCode, Form.Address, Form.PersonVersion, Form.HouseholdVersion));
            return $"/people/{Id}/contact-details";
        }, "連絡先を保存しました。", ShowConflict);
    }

    public Task<IActionResult> OnPostConsentAsync(ReachChannel? channel, DateOnly? givenOn, string? lineUserId) =>
        WriteAsync("consent", () => details.ConsentAsync(Id, channel, givenOn, lineUserId), "同意を記録しました。");

    public Task<IActionResult> OnPostWithdrawAsync(int consentId, DateOnly? withdrawnOn) =>
        WriteAsync("withdraw", () => details.WithdrawConsentAsync(Id, consentId, withdrawnOn), "同意の撤回を記録しました。");

    async Task<IActionResult> WriteAsync(string what, Func<Task> write, string message)
    {
        if (!await LoadAsync($"POST /people/{{id}}/contact-details ({what})"))
        {
            return NotFound();
        }
        return await WriteRecordsAsync(async () =>
        {
            await write();
            return $"/people/{Id}/contact-details#consents";
        }, message, () =>
        {
            // A consent refused: the details form shows what is stored, as on opening.
            Form = Stored();
            return Task.CompletedTask;
        });
    }

    DetailsForm Stored() => new()
    {
        Phone = Person.Phone,
        Email = Person.Email,
        PostalCode = HouseholdReadable ? Person.Household?.PostalCode : null,
        Address = HouseholdReadable ? Person.Household?.Address : null,
        PersonVersion = Person.Version,
        HouseholdVersion = Person.Household?.Version ?? 0,
    };

    /// <summary>Someone saved the details after this form was opened: what differs, and the form moved to the stored versions.</summary>
    Task ShowConflict()
    {
        var household = Person.Household;
        if (Form.PersonVersion == Person.Version && Form.HouseholdVersion == (household?.Version ?? 0))
        {
            return Task.CompletedTask;
        }
        (string, string, string)[] fields =
        [
            ("電話番号", Person.Phone ?? "", Form.Phone ?? ""),
            ("メールアドレス", Person.Email ?? "", Form.Email ?? ""),
            .. (HouseholdReadable
                ? new[] { ("郵便番号", household?.PostalCode ?? "", Form.PostalCode ?? ""), ("住所", household?.Address ?? "", Form.Address ?? "") }
                : Array.Empty<(string, string, string)>()),
        ];
        Differences = fields.Where(f => f.Item2 != f.Item3.Trim()).ToList();
        (Form.PersonVersion, Form.HouseholdVersion) = (Person.Version, household?.Version ?? 0);
        return Task.CompletedTask;
    }

    async Task<bool> LoadAsync(string source)
    {
        var person = await scope.ReadPersonAsync(Id, source);
        if (person is null)
        {
            return false;
        }
        Person = person;
        if (person.Role == PersonRole.Child && person.HouseholdId is { } householdId)
        {
            Guardians = await (await scope.PersonsAsync()).AsNoTracking()
                .Where(p => p.HouseholdId == householdId && p.Role == PersonRole.Guardian).OrderBy(p => p.Id).ToListAsync();
            await scope.LogAsync(Guardians.Select(p => p.Id), source + " (guardians)");
        }
        HouseholdReadable = await details.HouseholdReadableAsync(Id);
        Consents = await details.ConsentsAsync(Id);
        Undeliverable = await details.UndeliverableAsync(Id);
        return true;
    }
}
