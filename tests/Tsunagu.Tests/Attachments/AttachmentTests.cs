using System.Net;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Attachments;
using Tsunagu.Audit;
using Tsunagu.Tests.Infrastructure;
using WebClient = Tsunagu.Tests.Web.WebClient;

namespace Tsunagu.Tests.Attachments;

/// <summary>添付書類: PDF, JPEG and PNG by their content, within the size limit, in a private folder, every opening logged.</summary>
public sealed class AttachmentTests : IDisposable
{
    /// <summary>A one-page PDF as a scanner or a word processor writes one.</summary>
    static readonly byte[] Pdf = System.Text.Encoding.ASCII.GetBytes(
        "%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n" +
        "3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n");

    /// <summary>A 1×1 PNG.</summary>
    static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    readonly string folder = Directory.CreateTempSubdirectory("tsunagu-attachments-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    Task<RecordsWorld> WorldAsync(DatabaseKind kind) => RecordsWorld.CreateAsync(kind, new Dictionary<string, string>
    {
        ["Attachments:Folder"] = Path.Combine(folder, "attachments"),
        ["Attachments:MaxBytes"] = "4096",
    });

    [Theory]
    [ClassData(typeof(AllDatabases))]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task AScannedForm_IsKeptPrivately_OpenedByThoseWhoSeeThePerson_AndEveryOpeningIsLogged(DatabaseKind kind)
    {
        await using var world = await WorldAsync(kind);
        var client = await world.SignInAsync("caseworkerA");
        var page = $"/people/{world.Alice}/attachments";

        var pdf = await client.UploadAsync(page, "form[action*=add]", "髙橋𠮷子 申請書.pdf", Pdf, new() { ["title"] = "進学チャレンジ応援補助金 申請書" });
        var png = await client.UploadAsync(page, "form[action*=add]", "consent.png", Png,
            new() { ["title"] = "同意書", ["contactId"] = world.AliceContact.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var list = await client.GetDocumentAsync(page);
        var timeline = await client.GetDocumentAsync($"/people/{world.Alice}");
        long pdfId;
        await using (var db = world.Database.NewDb())
        {
            pdfId = await db.Attachments.Where(a => a.Type == AttachmentType.Pdf).Select(a => a.Id).SingleAsync();
        }
        var opened = await client.Http.GetAsync($"/attachments/{pdfId}");
        var outsider = await (await world.SignInAsync("caseworkerB")).Http.GetAsync($"/attachments/{pdfId}");
        var planner = await (await world.SignInAsync("planner")).Http.GetAsync($"/attachments/{pdfId}");

        Assert.Equal(HttpStatusCode.Redirect, pdf.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, png.StatusCode);
        Assert.Equal(["同意書", "進学チャレンジ応援補助金 申請書"],
            list.QuerySelectorAll("tbody th a").Select(a => a.TextContent).Order(StringComparer.Ordinal));
        // The consent form is on its contact's entry of the timeline.
        Assert.Equal(["添付: 同意書"], timeline.QuerySelectorAll($"#contact-{world.AliceContact} a[href^='/attachments/']").Select(a => a.TextContent));
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Equal("application/pdf", opened.Content.Headers.ContentType!.MediaType);
        Assert.Equal(Pdf, await opened.Content.ReadAsByteArrayAsync());
        Assert.Equal("inline", opened.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("髙橋𠮷子 申請書.pdf", opened.Content.Headers.ContentDisposition.FileNameStar);
        Assert.Equal("no-store", opened.Headers.CacheControl!.ToString());
        Assert.Equal(HttpStatusCode.NotFound, outsider.StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, planner.StatusCode);

        await using var check = world.Database.NewDb();
        var stored = await check.Attachments.OrderBy(a => a.Id).ToListAsync();
        Assert.Equal([(AttachmentType.Pdf, (long?)null), (AttachmentType.Png, world.AliceContact)], stored.Select(a => (a.Type, a.ContactId)));
        var root = Path.Combine(folder, "attachments");
        // Under random names, in a folder only Tsunagu's account can enter: nothing of the person in a file name.
        Assert.Equal(stored.Select(a => a.StoredName).Order(), Directory.GetFiles(root).Select(Path.GetFileName).Order());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(root));
        Assert.All(Directory.GetFiles(root), f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Pdf)), stored[0].Sha256);
        Assert.True(await check.AccessLog.AnyAsync(e => e.PersonId == world.Alice && e.Source == "GET /attachments/{id}" && e.UserName == world.Users["caseworkerA"]));
        Assert.False(await check.AccessLog.AnyAsync(e => e.PersonId == world.Alice && e.UserName != world.Users["caseworkerA"]));
        var audit = await check.AuditEntries.Where(a => a.Action == AuditActions.AttachmentAdd).Select(a => a.After).ToListAsync();
        Assert.Equal(["PDF 1 KB", "PNG画像 1 KB"], audit);
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task AFileThatIsNotWhatItsNameSays_OrTooLarge_IsRefusedByTheField_AndNothingIsKept(DatabaseKind kind)
    {
        await using var world = await WorldAsync(kind);
        var client = await world.SignInAsync("caseworkerA");
        var page = $"/people/{world.Alice}/attachments";
        Dictionary<string, string> titled = new() { ["title"] = "申請書" };

        var cases = new (string Name, byte[] Bytes, string Message)[]
        {
            ("申請書.pdf", "<html><script>alert(1)</script></html>"u8.ToArray(), "中身が PDF ではありません"),
            ("申請書.jpg", Png, "拡張子は JPEG画像 ですが、中身は PNG画像 です"),
            ("申請書.exe", Pdf, "PDF・JPEG・PNG のファイルだけ"),
            ("申請書.pdf", [.. Pdf, .. new byte[5000]], "大きすぎます（上限 4 KB）"),
            ("空.pdf", [], "中身が PDF ではありません"),
        };
        foreach (var (name, bytes, message) in cases)
        {
            var response = await client.UploadAsync(page, "form[action*=add]", name, bytes, titled);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(message, (await WebClient.ParseAsync(response)).QuerySelector("#file-error")!.TextContent);
        }
        var untitled = await client.UploadAsync(page, "form[action*=add]", "申請書.pdf", Pdf, new() { ["title"] = "" });
        Assert.Equal("書類の名前: 入力してください。", (await WebClient.ParseAsync(untitled)).QuerySelector("#title-error")!.TextContent);

        await using var db = world.Database.NewDb();
        Assert.Equal(0, await db.Attachments.CountAsync());
        var root = Path.Combine(folder, "attachments");
        Assert.Empty(Directory.Exists(root) ? Directory.GetFiles(root) : []);
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task AWithdrawnAttachment_TakesAReason_AndIsNeitherListedNorOpened(DatabaseKind kind)
    {
        await using var world = await WorldAsync(kind);
        var client = await world.SignInAsync("caseworkerA");
        var page = $"/people/{world.Alice}/attachments";
        await client.UploadAsync(page, "form[action*=add]", "scan.png", Png, new() { ["title"] = "別の人の書類" });
        long id;
        await using (var db = world.Database.NewDb())
        {
            id = await db.Attachments.Select(a => a.Id).SingleAsync();
        }

        var noReason = await client.SubmitAsync(page, "form[action*=withdraw]", new() { ["reason"] = "" });
        var withdrawn = await client.SubmitAsync(page, "form[action*=withdraw]", new() { ["reason"] = "別の世帯の書類だった" });
        var list = await client.GetDocumentAsync(page);
        var opened = await client.Http.GetAsync($"/attachments/{id}");

        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, withdrawn.StatusCode);
        Assert.Empty(list.QuerySelectorAll("tbody tr"));
        Assert.Equal(HttpStatusCode.NotFound, opened.StatusCode);
        await using var check = world.Database.NewDb();
        var entry = await check.AuditEntries.SingleAsync(a => a.Action == AuditActions.AttachmentWithdraw);
        Assert.Equal(("別の世帯の書類だった", "PNG画像 1 KB"), (entry.Reason, entry.Before));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task AnAttachment_BelongsToItsProgram_AndAnotherProgramWhereThePersonIsAlsoEnrolledDoesNotSeeIt(DatabaseKind kind)
    {
        await using var world = await WorldAsync(kind);
        var worker = await world.SignInAsync("caseworkerA");
        var counsellor = await world.SignInAsync("caseworkerEdu");
        await worker.UploadAsync($"/people/{world.Alice}/attachments", "form[action*=add]", "plan.pdf", Pdf, new() { ["title"] = "学習支援の記録" });
        // Alice is enrolled by the school counsellors too (教育局): she is theirs, the welfare side's scan is not.
        await using (var db = world.Database.NewDb())
        {
            db.Enrollments.Add(new Tsunagu.People.Enrollment { PersonId = world.Alice, ProgramId = await world.ProgramIdAsync("P003"), From = new DateOnly(2024, 6, 1) });
            await db.SaveChangesAsync();
        }
        long id;
        await using (var db = world.Database.NewDb())
        {
            id = await db.Attachments.Select(a => a.Id).SingleAsync();
        }

        var list = await counsellor.GetDocumentAsync($"/people/{world.Alice}/attachments");
        var opened = await counsellor.Http.GetAsync($"/attachments/{id}");
        // A forged 取消 with the counsellor's own token: the attachment is not theirs to find.
        var forged = (AngleSharp.Html.Dom.IHtmlFormElement)list.QuerySelector("form[action*=add]")!;
        forged.SetAttribute("action", $"/people/{world.Alice}/attachments?handler=withdraw");
        var withdraw = await counsellor.SubmitAsync(forged, $"/people/{world.Alice}/attachments",
            new() { ["attachmentId"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture), ["reason"] = "不要" });
        // A database restored without its folder: the row is there, the file is not.
        File.Delete(Directory.GetFiles(Path.Combine(folder, "attachments")).Single());
        var missing = await worker.Http.GetAsync($"/attachments/{id}");

        Assert.Empty(list.QuerySelectorAll("tbody tr"));
        Assert.Equal(HttpStatusCode.NotFound, opened.StatusCode);
        Assert.NotEqual(HttpStatusCode.Redirect, withdraw.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        await using var check = world.Database.NewDb();
        var stored = await check.Attachments.SingleAsync();
        Assert.Equal((await world.ProgramIdAsync("P001"), (DateTimeOffset?)null), (stored.ProgramId, stored.WithdrawnAt));
        Assert.False(await check.AccessLog.AnyAsync(e => e.Source == "GET /attachments/{id}"));
    }
}
