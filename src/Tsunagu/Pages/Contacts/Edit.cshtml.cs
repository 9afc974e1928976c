using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Calendar;
using Tsunagu.Contacts;
using Tsunagu.Data;

namespace Tsunagu.Pages.Contacts;

/// <summary>
/// 訂正・取消 of one contact: the record as it is, a form to correct it (with a reason) and, apart, a form to withdraw it.
/// The earlier texts of its notes are listed for the program's staff (訂正履歴).
/// </summary>
public class EditModel(TsunaguDb db, RecordScope scope, ContactService contacts) : TsunaguPageModel
{
    [BindProperty(SupportsGet = true)]
    public long Id { get; set; }

    [BindProperty]
    public CorrectionForm Form { get; set; } = new();

    public sealed class CorrectionForm
    {
        public DateOnly Date { get; set; }
        public TimeOnly? Time { get; set; }
        public ContactKind Kind { get; set; }
        public string? Category { get; set; }
        public ContactChannel Channel { get; set; }
        public int? Duration { get; set; }
        public int? OfficeId { get; set; }
        public Dictionary<NoteProvenance, string> Notes { get; set; } = [];
        public string? Reason { get; set; }

        /// <summary>The version of the record the form was filled from: a correction saved since is not overwritten.</summary>
        public int Version { get; set; }
    }

    /// <summary>
    /// After a correction refused because someone corrected the record since the form was opened: each field where
    /// what is stored now differs from what this user typed, and the correction that came in between.
    /// </summary>
    public List<(string Label, string Now, string Yours)> Differences { get; private set; } = [];
    public Tsunagu.Audit.AuditEntry? Intervening { get; private set; }

    public Contact Contact { get; private set; } = null!;
    public int SubjectId { get; private set; }
    public List<Tsunagu.Places.Office> Offices { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await LoadAsync("GET /contacts/{id}/edit"))
        {
            return NotFound();
        }
        Form = new CorrectionForm
        {
            Date = Contact.Date,
            Time = Contact.Time,
            Kind = Contact.Kind,
            Category = Contact.Category,
            Channel = Contact.Channel,
            Duration = Contact.DurationMinutes,
            OfficeId = Contact.OfficeId,
            Notes = Contact.Notes.ToDictionary(n => n.Provenance, n => n.Text),
            Version = Contact.Version,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostCorrectAsync()
    {
        if (!await LoadAsync("POST /contacts/{id}/edit (correct)"))
        {
            return NotFound();
        }
        // Every segment is on the form: one left empty is emptied, as the worker sees it.
        var notes = Enum.GetValues<NoteProvenance>().ToDictionary(p => p, p => Form.Notes.GetValueOrDefault(p) ?? "");
        return await WriteRecordsAsync(async () =>
        {
            await contacts.CorrectContactAsync(Id, new ContactCorrection(Form.Date, Form.Time, Form.Kind, Form.Category, Form.Channel, Form.OfficeId,
                Form.Reason ?? "", notes, Form.Duration, Form.Version));
            return $"/people/{SubjectId}#contact-{Id}";
        }, $"{FiscalYears.FormatDate(Form.Date)}の記録を訂正しました。", ShowConflictAsync);
    }

    /// <summary>When the record moved on since the form was opened: what differs, and the form now on the stored version.</summary>
    async Task ShowConflictAsync()
    {
        if (Form.Version == Contact.Version)
        {
            return;
        }
        string Office(int? id) => id is null ? "（なし）" : Offices.FirstOrDefault(o => o.Id == id)?.Name ?? "";
        var stored = Contact.Notes.ToDictionary(n => n.Provenance, n => n.Text);
        (string, string, string)[] fields =
        [
            ("日付", FiscalYears.FormatDate(Contact.Date), FiscalYears.FormatDate(Form.Date)),
            ("時刻", Contact.Time?.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture) ?? "",
                Form.Time?.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture) ?? ""),
            ("種別", Contact.Kind.Japanese(), Form.Kind.Japanese()),
            ("方法", Contact.Channel.Japanese(), Form.Channel.Japanese()),
            ("区分", Contact.Category ?? "", Form.Category ?? ""),
            ("事業所", Office(Contact.OfficeId), Office(Form.OfficeId)),
            ("時間（分）", Contact.DurationMinutes?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
                Form.Duration?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ""),
            .. Enum.GetValues<NoteProvenance>().Select(p => (p.Japanese(), stored.GetValueOrDefault(p) ?? "", Form.Notes.GetValueOrDefault(p) ?? "")),
        ];
        Differences = fields.Where(f => f.Item2 != f.Item3).ToList();
        var subject = $"contact:{Id}";
        Intervening = await db.AuditEntries.AsNoTracking().Where(a => a.Subject == subject && a.Action == Tsunagu.Audit.AuditActions.ContactCorrect)
            .OrderByDescending(a => a.Sequence).FirstOrDefaultAsync();
        // Saved again as it now stands, the user's correction applies on top of the other one, knowingly.
        Form.Version = Contact.Version;
    }

    public async Task<IActionResult> OnPostWithdrawAsync(string? withdrawReason)
    {
        if (!await LoadAsync("POST /contacts/{id}/edit (withdraw)"))
        {
            return NotFound();
        }
        var result = await WriteRecordsAsync(async () =>
        {
            await contacts.WithdrawContactAsync(Id, withdrawReason);
            return $"/people/{SubjectId}#contact-{Id}";
        }, $"{FiscalYears.FormatDate(Contact.Date)}の記録を取り消しました。集計には数えられません。");
        // The service names the API's field; on this page the withdrawal's reason is its own box.
        if (FieldErrors.Remove("reason", out var message))
        {
            FieldErrors["withdrawReason"] = message;
        }
        return result;
    }

    async Task<bool> LoadAsync(string source)
    {
        // Withdrawn ones too: the page says so instead of not finding it.
        var contact = await (await scope.ContactsAsync()).IgnoreQueryFilters().AsNoTracking().Include(c => c.Program)
            .Include(c => c.Persons).Include(c => c.Notes).ThenInclude(n => n.Revisions).AsSplitQuery().SingleOrDefaultAsync(c => c.Id == Id); // as the person page's timeline
        if (contact is null)
        {
            return false;
        }
        Contact = contact;
        SubjectId = contact.Persons.OrderBy(p => p.Role).First().PersonId;
        await scope.LogAsync(contact.Persons.Select(p => p.PersonId), source);
        Offices = await db.Offices.AsNoTracking().OrderBy(o => o.Kind).ThenBy(o => o.Name).ToListAsync();
        return true;
    }
}
