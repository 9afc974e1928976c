using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Attachments;
using Tsunagu.Contacts;
using Tsunagu.People;

namespace Tsunagu.Pages.Attachments;

/// <summary>添付書類 of a person: the scanned forms kept with the record or one of its contacts, a file to add, 取消.</summary>
[UploadLimit]
public class IndexModel(RecordScope scope, AttachmentService attachments, AttachmentStore store) : TsunaguPageModel
{
    [BindProperty(SupportsGet = true)]
    public int Id { get; set; }

    public Person Person { get; private set; } = null!;
    public List<Attachment> Attachments { get; private set; } = [];

    /// <summary>The person's contacts the user sees, newest first: what a document can be attached to.</summary>
    public List<Contact> Contacts { get; private set; } = [];

    /// <summary>The contacts the listed attachments belong to, however old.</summary>
    public Dictionary<long, Contact> AttachedTo { get; private set; } = [];

    /// <summary>The user's programs the person is registered in: whose record a document is.</summary>
    public List<Tsunagu.Programs.SupportProgram> Programs { get; private set; } = [];

    public string MaxSize => AttachmentRules.SizeText(store.MaxBytes);

    public async Task<IActionResult> OnGetAsync() =>
        await LoadAsync("GET /people/{id}/attachments") ? Page() : NotFound();

    public async Task<IActionResult> OnPostAddAsync(string? title, int? programId, long? contactId, IFormFile? file, CancellationToken ct)
    {
        if (!await LoadAsync("POST /people/{id}/attachments (add)"))
        {
            return NotFound();
        }
        return await WriteRecordsAsync(async () =>
        {
            await using var content = file?.OpenReadStream() ?? Stream.Null;
            await attachments.AddAsync(Id, programId, contactId, title, file?.FileName, content, ct);
            return $"/people/{Id}/attachments";
        }, $"「{title?.Trim()}」を添付しました。");
    }

    public async Task<IActionResult> OnPostWithdrawAsync(long attachmentId, string? reason)
    {
        if (!await LoadAsync("POST /people/{id}/attachments (withdraw)"))
        {
            return NotFound();
        }
        return await WriteRecordsAsync(async () =>
        {
            await attachments.WithdrawAsync(Id, attachmentId, reason);
            return $"/people/{Id}/attachments";
        }, "添付書類を取り消しました。");
    }

    async Task<bool> LoadAsync(string source)
    {
        var person = await scope.ReadPersonAsync(Id, source);
        if (person is null)
        {
            return false;
        }
        Person = person;
        Attachments = await (await attachments.OfAsync(Id)).AsNoTracking().OrderByDescending(a => a.UploadedAt).ToListAsync();
        var contacts = (await scope.ContactsOfAsync(Id)).AsNoTracking().Include(c => c.Program);
        Contacts = await contacts.OrderByDescending(c => c.Date).ThenByDescending(c => c.Time).Take(50).ToListAsync();
        var attachedIds = Attachments.Where(a => a.ContactId != null).Select(a => a.ContactId!.Value).ToList();
        AttachedTo = await contacts.Where(c => attachedIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id);
        Programs = await attachments.ProgramsOfAsync(Id);
        return true;
    }
}
