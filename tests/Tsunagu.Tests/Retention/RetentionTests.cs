using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Tsunagu.Access;
using Tsunagu.Attachments;
using Tsunagu.Audit;
using Tsunagu.Contacts;
using Tsunagu.Data;
using Tsunagu.Japanese;
using Tsunagu.People;
using Tsunagu.Plans;
using Tsunagu.Referrals;
using Tsunagu.Retention;
using Tsunagu.Tests.Infrastructure;
using Tsunagu.Tests.Records;

namespace Tsunagu.Tests.Retention;

/// <summary>保存年限: records deleted once their years have passed, counted from 1 April after the fiscal year they ended in.</summary>
public sealed class RetentionTests : IDisposable
{
    readonly TempFolder files = new();

    public void Dispose() => files.Dispose();

    const string Ended31March = "山本 三月";
    const string Ended1April = "山本 四月";
    const string StillSupported = "山本 継続";
    const string Mother = "山本 母";

    static DateTimeOffset Japan(int year, int month, int day) => new DateTimeOffset(year, month, day, 9, 0, 0, TimeSpan.FromHours(9)).ToUniversalTime();

    IConfiguration Settings(params (string Key, string Value)[] settings) => new ConfigurationBuilder().AddInMemoryCollection(
        settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))
            .Append(new KeyValuePair<string, string?>("Attachments:Folder", files.File("attachments")))).Build();

    RecordRetention Retention(TsunaguDb db, DateTimeOffset today) => new(db, RetentionRules.From(Settings(("Retention:Programs:P003", "5"))),
        new AttachmentStore(Settings(), db.Keys!), new FixedTime(today), NullLogger<RecordRetention>.Instance);

    static Person Person(string name, DateOnly birth, PersonRole role, Household household) =>
        new() { Name = name, Kana = "やまもと", KanaKey = JapaneseText.KanaKey("やまもと"), BirthDate = birth, Role = role, Household = household };

    /// <summary>
    /// School counselling (P003, five years): one child whose support ended on 31 March 2020 (FY2019), one on 1 April 2020
    /// (FY2020), one still supported; the first child's mother is in 学習・生活サポート事業 (P001) and on one of the child's
    /// contacts. The first child has a contact of her own, a note, a scanned form, a plan, an outcome, a referral to P001
    /// and an access-log row.
    /// </summary>
    async Task<(int Gone, int Later, int Kept, int Mother, long Shared)> SeedAsync(TestDatabase database)
    {
        await using var db = database.NewDb();
        var programs = await db.Programs.ToDictionaryAsync(p => p.Code, p => p.Id);
        var household = new Household { WardCode = "041017", Address = "仙台市青葉区一番町1-2-3" };
        var gone = Person(Ended31March, new DateOnly(2005, 5, 5), PersonRole.Child, household);
        var mother = Person(Mother, new DateOnly(1980, 1, 1), PersonRole.Guardian, household);
        var later = Person(Ended1April, new DateOnly(2005, 6, 6), PersonRole.Child, new Household());
        var kept = Person(StillSupported, new DateOnly(2006, 7, 7), PersonRole.Child, new Household());
        db.Persons.AddRange(gone, mother, later, kept);
        db.Enrollments.AddRange(
            new Enrollment { Person = gone, ProgramId = programs["P003"], From = new DateOnly(2018, 4, 10), To = new DateOnly(2020, 3, 31), Status = EnrollmentStatus.Ended, EndReason = "卒業" },
            new Enrollment { Person = later, ProgramId = programs["P003"], From = new DateOnly(2018, 4, 10), To = new DateOnly(2020, 4, 1), Status = EnrollmentStatus.Ended, EndReason = "卒業" },
            new Enrollment { Person = kept, ProgramId = programs["P003"], From = new DateOnly(2019, 4, 10) },
            new Enrollment { Person = mother, ProgramId = programs["P001"], From = new DateOnly(2019, 4, 10) });
        Contact Contact(DateOnly date, string said, params (Person Person, ContactPersonRole Role)[] persons) => new()
        {
            ProgramId = programs["P003"],
            Date = date,
            Kind = ContactKind.Counselling,
            Channel = ContactChannel.School,
            StaffName = "カウンセラー",
            Persons = [.. persons.Select(p => new ContactPerson { Person = p.Person, Role = p.Role })],
            Notes = [new ContactNote { Provenance = NoteProvenance.PersonSaid, Text = said }],
        };
        var own = Contact(new DateOnly(2019, 6, 1), "本人の話", (gone, ContactPersonRole.Subject));
        var shared = Contact(new DateOnly(2019, 7, 1), "母と一緒に面談", (gone, ContactPersonRole.Subject), (mother, ContactPersonRole.Guardian));
        db.Contacts.AddRange(own, shared, Contact(new DateOnly(2019, 6, 2), "別の子", (later, ContactPersonRole.Subject)),
            Contact(new DateOnly(2024, 6, 3), "継続中の子", (kept, ContactPersonRole.Subject)));
        await db.SaveChangesAsync();
        var enrollment = await db.Enrollments.Where(e => e.PersonId == gone.Id).Select(e => e.Id).SingleAsync();
        db.SupportPlans.Add(new SupportPlan
        {
            EnrollmentId = enrollment,
            Version = 1,
            Assessment = "アセスメント",
            ReviewOn = new DateOnly(2019, 9, 1),
            WrittenByUserId = "u",
            WrittenBy = "カウンセラー",
            Goals = [new PlanGoal { Text = "登校" }],
            Services = [new PlannedService { What = "面談" }],
        });
        db.Outcomes.Add(new Outcome { PersonId = gone.Id, ProgramId = programs["P003"], FiscalYear = 2019, Kind = default, RecordedOn = new DateOnly(2020, 3, 20) });
        db.Referrals.Add(new Referral { PersonId = gone.Id, FromProgramId = programs["P003"], ToProgramId = programs["P001"], Reason = "学習支援へ", SentBy = "カウンセラー", SentAt = Japan(2019, 8, 1) });
        db.AccessLog.Add(new AccessLogEntry { At = Japan(2019, 8, 2), UserId = "u", UserName = "worker@city.example.jp", PersonId = gone.Id, Source = "GET /people/{id}" });
        await db.SaveChangesAsync();
        var stored = await new AttachmentStore(Settings(), db.Keys!).SaveAsync("%PDF-1.4 同意書"u8.ToArray(), Stream.Null, CancellationToken.None);
        db.Attachments.Add(new Attachment
        {
            PersonId = gone.Id,
            ProgramId = programs["P003"],
            ContactId = own.Id,
            Title = "同意書",
            FileName = "同意書.pdf",
            Type = AttachmentType.Pdf,
            Size = stored.Size,
            Sha256 = stored.Sha256,
            StoredName = stored.Name,
            UploadedBy = "カウンセラー",
            UploadedAt = Japan(2019, 6, 1),
        });
        await db.SaveChangesAsync();
        return (gone.Id, later.Id, kept.Id, mother.Id, shared.Id);
    }

    static async Task<string> RowsAsync(TsunaguDb db) => string.Join(",",
        await db.Persons.IgnoreQueryFilters().CountAsync(), await db.Households.CountAsync(), await db.Enrollments.CountAsync(),
        await db.Contacts.IgnoreQueryFilters().CountAsync(), await db.ContactNotes.CountAsync(), await db.ContactPersons.CountAsync(),
        await db.Attachments.CountAsync(), await db.SupportPlans.CountAsync(), await db.Outcomes.IgnoreQueryFilters().CountAsync(),
        await db.Referrals.IgnoreQueryFilters().CountAsync(), await db.AccessLog.CountAsync());

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task APeriodThatEnded31March_IsDueOn1AprilOfTheSixthYear_OneThatEnded1April_AYearLater_AndOnlyTheDueGo(DatabaseKind kind)
    {
        await using var database = await RecordImportTests.ProgramsOnlyAsync(kind, files);
        var (gone, later, kept, mother, shared) = await SeedAsync(database);
        await using var db = database.NewDb();
        var before = await RowsAsync(db);
        var published = await Seed.ExportAsync(db);

        var dayBefore = await Retention(db, Japan(2025, 3, 31)).RunAsync(dryRun: true, "cli:operator", CancellationToken.None);
        var firstDay = await Retention(db, Japan(2025, 4, 1)).RunAsync(dryRun: true, "cli:operator", CancellationToken.None);
        var yearAfter = await Retention(db, Japan(2026, 4, 1)).RunAsync(dryRun: true, "cli:operator", CancellationToken.None);
        var afterDryRuns = await RowsAsync(db);
        var done = await Retention(db, Japan(2025, 4, 1)).RunAsync(dryRun: false, "cli:operator", CancellationToken.None);

        // Only P003 has a rule; the other seven keep their records.
        Assert.Equal(["P003"], done.Select(r => r.ProgramCode));
        Assert.Empty(dayBefore.Single().Persons);
        Assert.Equal([gone], firstDay.Single().Persons);
        Assert.Equal([gone, later], yearAfter.Single().Persons);
        Assert.Equal(before, afterDryRuns);
        var result = done.Single();
        Assert.Equal([gone], result.Persons);
        Assert.Equal("人 1（うち人の記録ごと削除 1）、登録期間 1、支援記録 1、添付書類 1、支援計画 1、紹介 1、出席 0、進路・結果 1、補助金申請 0", result.Counts);

        await using var check = database.NewDb();
        Assert.False(await check.Persons.IgnoreQueryFilters().AnyAsync(p => p.Id == gone));
        Assert.Equal([later, kept, mother], await check.Persons.OrderBy(p => p.Name == Ended1April ? 0 : p.Name == StillSupported ? 1 : 2).Select(p => p.Id).ToListAsync());
        // The contact with her mother stays, as the mother's; the note of the child's own contact is gone.
        Assert.Equal([mother], await check.ContactPersons.Where(p => p.ContactId == shared).Select(p => p.PersonId).ToListAsync());
        Assert.Equal(["別の子", "母と一緒に面談", "継続中の子"], (await check.ContactNotes.Select(n => n.Text).ToListAsync()).Order(StringComparer.Ordinal));
        Assert.Empty(Directory.GetFiles(files.File("attachments")));
        Assert.Empty(await check.SupportPlans.ToListAsync());
        Assert.Empty(await check.Set<PlanGoal>().ToListAsync());
        // The household stays with the mother; the access log keeps its row, which names the child by id only.
        Assert.Equal(3, await check.Households.CountAsync());
        Assert.True(await check.AccessLog.AnyAsync(e => e.PersonId == gone));
        var audit = await check.AuditEntries.SingleAsync(a => a.Action == AuditActions.RetentionDelete);
        Assert.Equal(("P003", result.Counts), (audit.ProgramCode, audit.After));
        Assert.Equal("保存年限 5 年（終了した年度の翌年度の4月1日から起算）: 令和2年3月31日 までに終了", audit.Reason);
        Assert.DoesNotContain(Ended31March, string.Join("|", audit.Content()));
        // Published tables are their own snapshots.
        Assert.Equal(published, await Seed.ExportAsync(check));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task TheVerb_ListsByIdInADryRun_DeletesInARun_AndRefusesASettingThatIsNotAYearCount(DatabaseKind kind)
    {
        await using var database = await RecordImportTests.ProgramsOnlyAsync(kind, files);
        var (gone, _, _, _, _) = await SeedAsync(database);
        var settings = new Dictionary<string, string?> { ["Retention:Programs:P003"] = "5", ["Attachments:Folder"] = files.File("attachments") };

        var dry = await CliRun.RunAsync(database, settings, "retention", "run", "--dry-run");
        var run = await CliRun.RunAsync(database, settings, "retention", "run");
        var again = await CliRun.RunAsync(database, settings, "retention", "run");
        var words = await CliRun.RunAsync(database, new Dictionary<string, string?> { ["Retention:Programs:P003"] = "五年" }, "retention", "run", "--dry-run");
        var unknown = await CliRun.RunAsync(database, new Dictionary<string, string?> { ["Retention:Programs:P999"] = "5" }, "retention", "run", "--dry-run");
        var typo = await CliRun.RunAsync(database, settings, "retention", "run", "--dryrun");

        // Today (this machine's clock) is long past the two 2020 ends: both children are due; the names are never printed.
        Assert.True(dry.ExitCode == 0, dry.Error);
        Assert.Contains("保存年限の設定がない事業（記録をすべて残します）: P001, P002, P004, P005, P006, P007, P008", dry.Out);
        Assert.Contains("削除の対象（--dry-run のため削除していません）: 人 2（うち人の記録ごと削除 2）", dry.Out);
        Assert.Contains($"対象の人（ID）: {gone}, ", dry.Out);
        Assert.DoesNotContain("山本", dry.Out + run.Out);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("削除しました: 人 2（うち人の記録ごと削除 2）", run.Out);
        Assert.Contains("対象はありません。", again.Out);
        Assert.Equal(1, words.ExitCode);
        Assert.Equal("Retention:Programs:P003 は 1〜100 の年数で指定してください（指定値: 五年）。", words.Error.Trim());
        Assert.Equal(1, unknown.ExitCode);
        Assert.Equal("Retention:Programs に、ない事業のコードがあります: P999", unknown.Error.Trim());
        Assert.Equal(1, typo.ExitCode);
        await using var db = database.NewDb();
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == AuditActions.RetentionDelete));
        // The second child's household held nobody else and went with her; the first child's stays with her mother.
        Assert.Equal(2, await db.Households.CountAsync());
    }
}
