using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Tsunagu.Contacts;
using Tsunagu.Data;
using Tsunagu.Keys;
using Tsunagu.Plans;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Keys;

/// <summary>
/// The free text of the records and the attachments sealed with the key ring: absent from the database file, its WAL
/// and a dump, readable through Tsunagu, readable after a key rotation, unreadable with another ring.
/// </summary>
public sealed class SealedTextTests : IDisposable
{
    readonly TempFolder files = new();

    public void Dispose() => files.Dispose();

    /// <summary>A unique phrase that can only be found where it was written.</summary>
    static string Canary(string what) => $"カナリア{what}{Guid.NewGuid():N}";

    static bool Holds(byte[] haystack, string needle) => haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0;

    /// <summary>A one-page PDF whose text holds <paramref name="words"/>.</summary>
    static byte[] Pdf(string words) => Encoding.UTF8.GetBytes(
        $"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n% {words}\ntrailer <</Root 1 0 R>>\n%%EOF\n");

    /// <summary>A dump as an operator would take one with pg_dump, in plain SQL (the custom format is compressed).</summary>
    static async Task<byte[]> PlainDumpAsync(TestDatabase database)
    {
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(database.Settings.ConnectionString);
        var start = new ProcessStartInfo("pg_dump", ["--format=plain", "--host", connection.Host!, "--port", connection.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--username", connection.Username!, connection.Database!])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PGPASSWORD"] = connection.Password;
        using var process = Process.Start(start)!;
        using var output = new MemoryStream();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.BaseStream.CopyToAsync(output);
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await error);
        return output.ToArray();
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task WhatAPersonDisclosed_IsInNeitherTheDatabaseFile_ItsWal_NorADump_NorTheAttachmentsFolder_YetReadsBackOnTheirPage(DatabaseKind kind)
    {
        var attachments = files.File("attachments");
        await using var world = await RecordsWorld.CreateAsync(kind, new Dictionary<string, string> { ["Attachments:Folder"] = attachments });
        // Held open, so that SQLite keeps its WAL beside the file instead of folding it in when the last connection closes.
        await using var holder = kind == DatabaseKind.Sqlite ? new SqliteConnection(world.Database.Settings.ConnectionString) : null;
        if (holder is not null)
        {
            // Opening is lazy: a first statement attaches the connection to the WAL.
            await holder.OpenAsync();
            await using var read = holder.CreateCommand();
            read.CommandText = "SELECT count(*) FROM sqlite_master";
            await read.ExecuteScalarAsync();
        }
        var (note, assessment, reason, decision, plan, scanned, title, imported) =
            (Canary("本人の話"), Canary("所見"), Canary("依頼理由"), Canary("判断"), Canary("計画"), Canary("書類の中身"), Canary("書類名"), Canary("取り込み"));
        var worker = await world.SignInAsync("caseworkerA");

        var contact = await worker.Http.PostAsJsonAsync($"/api/v1/people/{world.Alice}/contacts", new
        {
            ProgramCode = "P001",
            Date = "2024-06-18",
            Kind = "Consultation",
            Channel = "Visit",
            Notes = new Dictionary<string, string> { ["PersonSaid"] = note, ["StaffAssessment"] = assessment },
        });
        var referral = await worker.Http.PostAsJsonAsync($"/api/v1/people/{world.Alice}/referrals", new { FromProgramCode = "P001", ToProgramCode = "P008", Reason = reason });
        var referralId = (await referral.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetInt32();
        var decided = await (await world.SignInAsync("caseworkerB")).Http.PostAsJsonAsync($"/api/v1/referrals/{referralId}/decision", new { Accept = false, Note = decision });
        var upload = await worker.UploadAsync($"/people/{world.Alice}/attachments", "form[action*=add]", $"{title}.pdf", Pdf(scanned), new() { ["title"] = title });
        await using (var db = world.Database.NewDb())
        {
            db.SupportPlans.Add(new SupportPlan
            {
                EnrollmentId = world.AliceEnrollment,
                Version = 1,
                Assessment = plan,
                ReviewOn = new DateOnly(2024, 9, 1),
                WrittenByUserId = world.Users["caseworkerA"],
                WrittenBy = "相談員A",
                Goals = [new PlanGoal { Text = plan + "目標" }],
                Services = [new PlannedService { What = plan + "支援", Who = "相談員A" }],
            });
            await db.SaveChangesAsync();
        }
        var csv = files.Write("records.csv",
            "氏名,ふりがな,生年月日,本人区分,区コード,世帯番号,紹介元,記録日,時刻,種別,分類,方法,時間（分）,本人・家族の話,職員の所見,担当職員\r\n" +
            $"山田 一郎,やまだ いちろう,2010-05-05,児童・生徒,041017,,学校,2024-06-03,15:00,学習支援,,来所,60,{imported},,相談員A\r\n", new UTF8Encoding(true));
        var import = await CliRun.RunAsync(world.Database, "records", "import", csv, "--program", "P001");

        Assert.Equal(HttpStatusCode.Created, contact.StatusCode);
        Assert.Equal(HttpStatusCode.OK, referral.StatusCode);
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, upload.StatusCode);
        Assert.True(import.ExitCode == 0, import.Error);
        var canaries = new[] { note, assessment, reason, decision, plan, scanned, title, imported };
        var stored = kind == DatabaseKind.Sqlite
            ? [File.ReadAllBytes(world.Database.Settings.SqliteFile!), File.ReadAllBytes(world.Database.Settings.SqliteFile + "-wal")]
            : new[] { await PlainDumpAsync(world.Database) };
        var all = stored.SelectMany(bytes => bytes).ToArray();
        // What names a person stays clear, so the search finds them: the grep sees clear text where there is some.
        Assert.True(Holds(all, RecordsWorld.AliceName) && Holds(all, "山田 一郎"));
        Assert.Equal([], canaries.Where(canary => Holds(all, canary)));
        var kept = Directory.GetFiles(attachments).Select(File.ReadAllBytes).Single();
        Assert.False(Holds(kept, scanned));
        Assert.False(Holds(kept, "%PDF"));

        // Through Tsunagu, each reads as it was written.
        var page = await worker.GetDocumentAsync($"/people/{world.Alice}");
        Assert.Contains(note, page.Body!.TextContent);
        Assert.Contains(assessment, page.Body.TextContent);
        Assert.Contains(title, (await worker.GetDocumentAsync($"/people/{world.Alice}/attachments")).Body!.TextContent);
        await using var check = world.Database.NewDb();
        var attachment = await check.Attachments.SingleAsync();
        Assert.Equal($"{title}.pdf", attachment.FileName);
        Assert.Equal(Pdf(scanned), await (await worker.Http.GetAsync($"/attachments/{attachment.Id}")).Content.ReadAsByteArrayAsync());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Pdf(scanned))), attachment.Sha256);
        var referralRead = await check.Referrals.SingleAsync(r => r.Id == referralId);
        Assert.Equal((reason, decision), (referralRead.Reason, referralRead.DecisionNote));
        var planRead = await check.SupportPlans.Include(p => p.Goals).Include(p => p.Services).SingleAsync();
        Assert.Equal((plan, plan + "目標", plan + "支援"), (planRead.Assessment, planRead.Goals.Single().Text, planRead.Services.Single().What));
        Assert.Contains(imported, await check.ContactNotes.Select(n => n.Text).ToListAsync());
    }

    /// <summary>The key id a sealed value was sealed with: the 16 bytes after Data Protection's magic header.</summary>
    static Guid KeyOf(string stored) => new(Base64UrlDecode(stored).AsSpan(4, 16));

    static byte[] Base64UrlDecode(string text) => System.Buffers.Text.Base64Url.DecodeFromChars(text);

    static async Task<List<string>> StoredNotesAsync(TsunaguDb db) =>
        await db.Database.SqlQueryRaw<string>("""SELECT "Text" AS "Value" FROM contact_notes ORDER BY "Id" """).ToListAsync();

    /// <summary>A verb in a process of its own, as an operator runs it: its ring is read from the keys' store afresh.</summary>
    static Task<(int ExitCode, string Out, string Error)> RunAsync(TestDatabase database, IReadOnlyDictionary<string, string?> ring, params string[] args) =>
        TsunaguProcess.RunAsync(database.With(ring), TimeSpan.FromMinutes(1), args);

    static DatabaseSettings WithRing(TestDatabase database, IReadOnlyDictionary<string, string?> ring) =>
        database.Settings with { Keys = KeyRing.Open(new ConfigurationBuilder().AddInMemoryCollection(ring).Build(), database.Settings) };

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task AfterARotation_OldNotesStillRead_ResealMovesThemToTheNewKey_AndAnotherRingOpensNothing(DatabaseKind kind)
    {
        var ring = new Dictionary<string, string?> { ["KeyRing:Folder"] = files.File("keys") };
        await using var plain = await TestDatabase.CreateAsync(kind);
        var database = WithRing(plain, ring);
        await AddNoteAsync(database, await AddProgramAsync(database), "前の鍵で封じた話");

        var rotated = await RunAsync(plain, ring, "keys", "rotate");
        Assert.True(rotated.ExitCode == 0, rotated.Error);
        var newKey = Guid.Parse(System.Text.RegularExpressions.Regex.Match(rotated.Out, "新しい鍵 ([0-9a-f-]{36})").Groups[1].Value);
        await using (var db = database.NewContext())
        {
            Assert.NotEqual(newKey, KeyOf(Assert.Single(await StoredNotesAsync(db))));
            Assert.Equal("前の鍵で封じた話", await db.ContactNotes.Select(n => n.Text).SingleAsync());
        }
        var resealed = await RunAsync(plain, ring, "keys", "reseal");
        var listed = await RunAsync(plain, ring, "keys", "list");

        Assert.True(resealed.ExitCode == 0, resealed.Error);
        Assert.Contains("contact_notes.Text 1、", resealed.Out);
        await using (var db = database.NewContext())
        {
            // Sealed under a key this process has not seen yet: the ring is read again, as a running server does.
            Assert.Equal(newKey, KeyOf(Assert.Single(await StoredNotesAsync(db))));
            Assert.Equal("前の鍵で封じた話", await db.ContactNotes.Select(n => n.Text).SingleAsync());
            Assert.Equal(["keys.rotate", "keys.reseal"], await db.AuditEntries.OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
        }
        Assert.Equal(0, listed.ExitCode);
        Assert.Equal(2, listed.Out.Split('\n').Count(l => l.Contains("作成", StringComparison.Ordinal)));
        Assert.Contains(listed.Out.Split('\n'), l => l.StartsWith(newKey.ToString(), StringComparison.Ordinal) && l.Contains("使用中", StringComparison.Ordinal));
        Assert.Contains("鍵の保護: なし", listed.Out);

        // The database alone, with another ring (a restore without the key ring): the text does not open, and says why.
        await using var stranger = WithRing(plain, new Dictionary<string, string?> { ["KeyRing:Folder"] = files.File("other-keys") }).NewContext();
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => stranger.ContactNotes.Select(n => n.Text).ToListAsync());
        Assert.Equal("記録の本文を開く鍵が鍵リングにありません（システムの管理者に連絡してください）。", DatabaseFault.Describe(refused));
        Assert.StartsWith($"記録の本文を開く鍵が鍵リング（{files.File("other-keys")}）にありません。", DatabaseFault.Describe(refused, forOperator: true));
    }

    static async Task<int> AddProgramAsync(DatabaseSettings database)
    {
        await using var db = database.NewContext();
        var program = new Tsunagu.Programs.SupportProgram { Code = "P001", Name = "学習・生活サポート事業", NameKey = "学習・生活サポート事業" };
        db.Programs.Add(program);
        await db.SaveChangesAsync();
        return program.Id;
    }

    static async Task AddNoteAsync(DatabaseSettings database, int program, string text)
    {
        await using var db = database.NewContext();
        db.Contacts.Add(new Contact
        {
            ProgramId = program,
            Date = new DateOnly(2024, 6, 1),
            Kind = ContactKind.Consultation,
            Channel = ContactChannel.Visit,
            StaffName = "職員",
            Notes = [new ContactNote { Provenance = NoteProvenance.PersonSaid, Text = text }],
        });
        await db.SaveChangesAsync();
    }

    /// <summary>A certificate as the city's IT department would issue for the key ring: RSA with its private key, in a PFX.</summary>
    static string Certificate(string path, string password)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=Tsunagu key ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return path;
    }

    /// <summary>
    /// SQLite with the ring in a folder; PostgreSQL with the ring in the database, as several servers share it. Either way
    /// the keys are encrypted with the certificate, and a new process opens the notes with the certificate and not without.
    /// </summary>
    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task KeysProtectedByACertificate_AreNotInClear_AndANewProcessOpensTheNotesOnlyWithIt(DatabaseKind kind)
    {
        await using var plain = await TestDatabase.CreateAsync(kind);
        var certificate = Certificate(files.File("keyring.pfx"), "証明書のパスワード");
        var ring = kind == DatabaseKind.Sqlite
            ? new Dictionary<string, string?> { ["KeyRing:Folder"] = files.File("keys") }
            : new Dictionary<string, string?> { ["KeyRing:Store"] = "Database" };
        var withCertificate = new Dictionary<string, string?>(ring) { ["KeyRing:Certificate:Path"] = certificate, ["KeyRing:Certificate:Password"] = "証明書のパスワード" };
        var database = WithRing(plain, withCertificate);
        await AddNoteAsync(database, await AddProgramAsync(database), "証明書で守られた鍵で封じた話");

        var opened = await RunAsync(plain, withCertificate, "keys", "reseal");
        var withoutCertificate = await RunAsync(plain, ring, "keys", "reseal");

        List<string> keys;
        string stored;
        await using (var db = plain.NewDb())
        {
            stored = Assert.Single(await StoredNotesAsync(db));
            keys = kind == DatabaseKind.Sqlite
                ? [.. Directory.GetFiles(files.File("keys"), "key-*.xml").Select(File.ReadAllText)]
                : await db.DataProtectionKeys.Select(k => k.Xml!).ToListAsync();
        }
        Assert.NotEmpty(keys);
        // The key's secret is an encryptedSecret (XML encryption to the certificate), never a <value> in clear.
        Assert.All(keys, xml => Assert.Contains("encryptedSecret", xml));
        Assert.All(keys, xml => Assert.DoesNotContain("<value>", xml));
        Assert.True(opened.ExitCode == 0, opened.Error);
        Assert.Contains("contact_notes.Text 1、", opened.Out);
        Assert.Equal(1, withoutCertificate.ExitCode);
        Assert.Equal(kind == DatabaseKind.Sqlite
                ? $"鍵リング（{files.File("keys")}）の鍵 {KeyOf(stored)} を開けません。鍵を保護している証明書（KeyRing:Certificate:Path と Password、更新前の証明書は KeyRing:PreviousCertificates）を確かめてください。"
                : "鍵リングをデータベースに置くときは、証明書（KeyRing:Certificate:Path）で鍵を保護してください。保護しないと、データベースの写しだけで記録の暗号が解けてしまいます。",
            withoutCertificate.Error.Trim());
        await using var reader = database.NewContext();
        Assert.Equal("証明書で守られた鍵で封じた話", await reader.ContactNotes.Select(n => n.Text).SingleAsync());
    }

    /// <summary>0.14 begins sealing: what was written before is sealed by the upgrade's `db migrate`, and reads the same.</summary>
    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task NotesWrittenBeforeSealingBegan_AreSealedByTheUpgrade_AndReadTheSame(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind, migrate: false);
        await using (var db = database.NewDb())
        {
            var before = db.Database.GetMigrations().Single(m => m.EndsWith("_IdempotencyKeys", StringComparison.Ordinal));
            await db.GetService<IMigrator>().MigrateAsync(before);
        }
        var program = await AddProgramAsync(database.Settings);
        await AddNoteAsync(database.Settings, program, "封じる前に書いた話");
        await using (var db = database.NewDb())
        {
            // As 0.13 wrote it: in clear.
            await db.Database.ExecuteSqlRawAsync("""UPDATE contact_notes SET "Text" = '封じる前に書いた話'""");
        }

        var migrated = await CliRun.RunAsync(database, "db", "migrate");

        Assert.True(migrated.ExitCode == 0, migrated.Error);
        await using var check = database.NewDb();
        Assert.StartsWith(SealedText.Marker, Assert.Single(await StoredNotesAsync(check)));
        Assert.Equal("封じる前に書いた話", await check.ContactNotes.Select(n => n.Text).SingleAsync());
    }
}
