using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Audit;
using Tsunagu.Data;
using Tsunagu.Records;

namespace Tsunagu.Attachments;

/// <summary>A file written to the attachments folder: its name there, its length and its SHA-256.</summary>
public sealed record StoredFile(string Name, long Size, string Sha256);

/// <summary>
/// The attachments folder (<c>Attachments:Folder</c>, default data/attachments): private to Tsunagu's account (0700,
/// files 0600), files under random names only. Nothing in it is named after a person or a document.
/// </summary>
public sealed class AttachmentStore(IConfiguration configuration, Keys.KeyRing keys)
{
    readonly string root = Path.GetFullPath(configuration["Attachments:Folder"] ?? Path.Combine("data", "attachments"));

    /// <summary>The largest file taken (<c>Attachments:MaxBytes</c>).</summary>
    public long MaxBytes { get; } = configuration.GetValue<long?>("Attachments:MaxBytes") ?? AttachmentRules.DefaultMaxBytes;

    /// <summary>
    /// Reads <paramref name="head"/> and the rest of <paramref name="content"/>, counting as it goes (past
    /// <see cref="MaxBytes"/> the upload is refused, whatever the request claimed), and writes it sealed with the key
    /// ring into a new private file (Keys.SealedText.WriteFileAsync). A file is sealed
    /// whole, so it is held in memory once, bounded by <see cref="MaxBytes"/>.
    /// </summary>
    public async Task<StoredFile> SaveAsync(ReadOnlyMemory<byte> head, Stream content, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        void Take(ReadOnlySpan<byte> bytes)
        {
            if (buffer.Length + bytes.Length > MaxBytes)
            {
                throw new RecordInputException("file", $"ファイル: 大きすぎます（上限 {AttachmentRules.SizeText(MaxBytes)}）。ページを分けるか、解像度を下げてください。");
            }
            buffer.Write(bytes);
        }
        Take(head.Span);
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, ct)) > 0)
        {
            Take(chunk.AsSpan(0, read));
        }
        var bytes = buffer.ToArray();
        PrivateFiles.CreateFolder(root, root);
        var name = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await Keys.SealedText.WriteFileAsync(keys, Path.Combine(root, name), bytes, ct);
        return new StoredFile(name, bytes.Length, AttachmentRules.Hash(bytes));
    }

    /// <summary>The file's content as it was uploaded (one stored before sealing began is read as it lies).</summary>
    public async Task<Stream> OpenAsync(string name, CancellationToken ct) =>
        new MemoryStream(await Keys.SealedText.ReadFileAsync(keys, PathOf(name), ct), writable: false);

    /// <summary>
    /// Seals the file again under the ring's current key (or, with <paramref name="clearOnly"/>, only if it lies in clear):
    /// written beside it and renamed over it, so a crash leaves the old file or the new one. False when it was left.
    /// </summary>
    public async Task<bool> ResealAsync(string name, bool clearOnly, CancellationToken ct)
    {
        var path = PathOf(name);
        if (!File.Exists(path))
        {
            return false;
        }
        var stored = await File.ReadAllBytesAsync(path, ct);
        if (clearOnly && Keys.SealedText.IsSealed(stored))
        {
            return false;
        }
        var next = path + ".reseal";
        File.Delete(next);
        await Keys.SealedText.WriteFileAsync(keys, next, Keys.SealedText.Open(keys, stored), ct);
        File.Move(next, path, overwrite: true);
        return true;
    }

    public void Delete(string name) => File.Delete(PathOf(name));

    /// <summary>Only a stored name (32 hex digits) is ever turned into a path.</summary>
    string PathOf(string name) => name is { Length: 32 } && name.All(char.IsAsciiHexDigitLower)
        ? Path.Combine(root, name)
        : throw new ArgumentException("Not a stored attachment's name.", nameof(name));
}

/// <summary>An attachment opened for reading: what it is and its content.</summary>
public sealed record OpenedAttachment(Attachment Attachment, Stream Content);

/// <summary>
/// Attaching scanned documents to a person's record or to one of their contacts, listing and opening them, and taking
/// them back (取消). Each goes through the scope: an attachment is seen by those who see its person — and, when it
/// belongs to a contact, that contact. Every opening is written to the access log.
/// </summary>
public sealed class AttachmentService(TsunaguDb db, RecordScope scope, AttachmentStore store, TimeProvider time, ILogger<AttachmentService> logger)
{
    /// <summary>
    /// The person's attachments the user may see: of the user's programs (none when the person is out of scope), and
    /// of a contact only when the contact is seen.
    /// </summary>
    public async Task<IQueryable<Attachment>> OfAsync(int personId)
    {
        var enrollments = await scope.EnrollmentsAsync();
        var contacts = await scope.ContactsOfAsync(personId);
        return db.Attachments.Where(a => a.PersonId == personId && a.WithdrawnAt == null
            && enrollments.Any(e => e.PersonId == personId && e.ProgramId == a.ProgramId)
            && (a.ContactId == null || contacts.Any(c => c.Id == a.ContactId)));
    }

    /// <summary>The user's programs the person is registered in: where a document of theirs can be kept.</summary>
    public async Task<List<Programs.SupportProgram>> ProgramsOfAsync(int personId) =>
        await (await scope.EnrollmentsAsync()).Where(e => e.PersonId == personId).Select(e => e.Program).Distinct().OrderBy(p => p.Code).ToListAsync();

    /// <param name="programId">The program whose record it is; a contact's attachment belongs to the contact's program.</param>
    public async Task<Attachment> AddAsync(int personId, int? programId, long? contactId, string? title, string? fileName, Stream content, CancellationToken ct = default)
    {
        var programs = await ProgramsOfAsync(personId);
        if (programs.Count == 0)
        {
            throw new RecordNotFoundException("その人は見られません。");
        }
        var contact = contactId is { } id ? await (await scope.ContactsOfAsync(personId)).AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct) : null;
        programId = contact?.ProgramId ?? programId ?? (programs.Count == 1 ? programs[0].Id : null);
        var name = Path.GetFileName((fileName ?? "").Replace('\\', '/'));
        var expected = AttachmentRules.OfName(name);
        RecordRules.Require(
            ("title", "書類の名前", RecordRules.Line(title, AttachmentRules.TitleMax, required: true)),
            ("contactId", "記録", contactId is not null && contact is null ? "一覧から選んでください。" : null),
            ("programId", "事業", programId is null ? "選んでください。" : programs.Any(p => p.Id == programId) ? null : "一覧から選んでください。"),
            ("file", "ファイル", name.Length == 0 ? "選んでください。"
                : expected is null ? "PDF・JPEG・PNG のファイルだけ添付できます（拡張子 .pdf .jpg .png）。"
                : RecordRules.Line(name, RecordRules.TitleMax)));
        // The content decides, not the name or the browser's word: the first bytes must be what the name promises.
        var head = new byte[8];
        var length = await content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        var sniffed = AttachmentRules.Sniff(head.AsSpan(0, length));
        RecordRules.Require(("file", "ファイル", sniffed is null ? $"中身が {expected!.Value.Japanese()} ではありません（壊れているか、別の形式のファイルです）。"
            : sniffed != expected ? $"拡張子は {expected!.Value.Japanese()} ですが、中身は {sniffed.Value.Japanese()} です。" : null));
        var stored = await store.SaveAsync(head.AsMemory(0, length), content, ct);
        var attachment = new Attachment
        {
            PersonId = personId,
            ProgramId = programId!.Value,
            ContactId = contactId,
            Title = title!.Trim(),
            FileName = name,
            Type = sniffed!.Value,
            Size = stored.Size,
            Sha256 = stored.Sha256,
            StoredName = stored.Name,
            UploadedBy = await scope.StaffNameAsync(),
            UploadedAt = time.GetUtcNow(),
        };
        db.Attachments.Add(attachment);
        // The title and the file's name may name someone: the audit keeps the kind and the size.
        scope.Audit(AuditActions.AttachmentAdd, programs.Single(p => p.Id == programId).Code, $"person:{personId}", $"{attachment.Type.Japanese()} {AttachmentRules.SizeText(attachment.Size)}");
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch
        {
            store.Delete(stored.Name);
            throw;
        }
        return attachment;
    }

    /// <summary>An attachment to read, its opening logged against its person; null when it is not the user's to see.</summary>
    public async Task<OpenedAttachment?> OpenAsync(long id, string source)
    {
        var personId = await db.Attachments.Where(a => a.Id == id).Select(a => (int?)a.PersonId).SingleOrDefaultAsync();
        if (personId is null || await (await OfAsync(personId.Value)).AsNoTracking().SingleOrDefaultAsync(a => a.Id == id) is not { } attachment)
        {
            return null;
        }
        Stream content;
        try
        {
            content = await store.OpenAsync(attachment.StoredName, CancellationToken.None);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // A database restored without its attachments folder: the row says what was there, the file is not.
            logger.LogWarning("Attachment {AttachmentId} has no file in the attachments folder", attachment.Id);
            return null;
        }
        await scope.LogAsync([attachment.PersonId], source);
        return new OpenedAttachment(attachment, content);
    }

    /// <summary>取消: attached in error (another person's form, a wrong page). No longer listed or opened; the reason audited.</summary>
    public async Task WithdrawAsync(int personId, long id, string? reason)
    {
        var attachment = await (await OfAsync(personId)).SingleOrDefaultAsync(a => a.Id == id)
            ?? throw new RecordNotFoundException("その添付書類は見られません（取消済みのものは取り消せません）。");
        RecordRules.Require(("reason", "取消の理由", RecordRules.Note(reason, RecordRules.ReasonMax, required: true)));
        attachment.WithdrawnAt = time.GetUtcNow();
        scope.Audit(AuditActions.AttachmentWithdraw, await db.Programs.Where(p => p.Id == attachment.ProgramId).Select(p => p.Code).SingleAsync(), $"person:{personId}", "取消", $"{attachment.Type.Japanese()} {AttachmentRules.SizeText(attachment.Size)}", reason: reason);
        await db.SaveChangesAsync();
    }
}

/// <summary>The file of an attachment, for the pages: shown in the browser (PDF viewer, image), never cached.</summary>
public static class AttachmentEndpoints
{
    public static void MapAttachments(this WebApplication app) =>
        app.MapGet("/attachments/{id:long}", async (long id, AttachmentService attachments, HttpContext http) =>
        {
            if (await attachments.OpenAsync(id, "GET /attachments/{id}") is not { } opened)
            {
                return Results.NotFound();
            }
            // Nothing in the file may run as the application's page: no script, no frames, no requests elsewhere.
            // (No CSP sandbox: Chromium's PDF viewer refuses to open a sandboxed document.)
            http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; img-src 'self'; object-src 'self'; frame-ancestors 'none'";
            var disposition = new Microsoft.Net.Http.Headers.ContentDispositionHeaderValue("inline");
            disposition.SetHttpFileName(opened.Attachment.FileName);
            http.Response.Headers.ContentDisposition = disposition.ToString();
            return Results.Stream(opened.Content, opened.Attachment.Type.ContentType());
        }).RequireAuthorization(Policies.Records).RequireRateLimiting(RateLimits.PersonReads).ExcludeFromDescription();
}
