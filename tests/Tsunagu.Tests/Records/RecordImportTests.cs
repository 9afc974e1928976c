using System.Text;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Contacts;
using Tsunagu.People;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Records;

public class RecordImportTests
{
    const string Header = "氏名,ふりがな,生年月日,本人区分,区コード,世帯番号,紹介元,記録日,時刻,種別,分類,方法,時間（分）,本人・家族の話,職員の所見,担当職員";

    static string Csv(params string[] rows) => string.Join("\r\n", [Header, .. rows]) + "\r\n";

    static readonly string Good = Csv(
        "髙橋 𠮷子,たかはし よしこ,2009-06-15,児童・生徒,041017,H1,学校,2024-06-01,15:00,学習支援,,来所,90,数学の課題,集中できていた,相談員A",
        "髙橋 𠮷子,たかはし よしこ,2009-06-15,児童・生徒,041017,H1,学校,令和6年6月8日,１５：００,学習支援,,来所,90,英語,,相談員A",
        "髙橋 花子,たかはし はなこ,1982/1/20,保護者,041017,H1,学校,2024-06-08,18:30,相談,,電話,20,受験費用が心配,補助金を案内,相談員A",
        "佐藤 次郎,さとう じろう,2010-04-01,児童・生徒,041050,,区保護課,,,,,,,,,");

    static async Task<(int Persons, int Households, int Enrollments, int Contacts, int Notes, int ContactPersons)> CountsAsync(TestDatabase database)
    {
        await using var db = database.NewDb();
        return (await db.Persons.CountAsync(), await db.Households.CountAsync(), await db.Enrollments.CountAsync(),
            await db.Contacts.CountAsync(), await db.ContactNotes.CountAsync(), await db.ContactPersons.CountAsync());
    }

    /// <summary>A database with the seed's eight programs and no one in them.</summary>
    internal static async Task<TestDatabase> ProgramsOnlyAsync(DatabaseKind kind, TempFolder files)
    {
        var database = await TestDatabase.CreateAsync(kind);
        Assert.Equal(0, (await CliRun.RunAsync(database, "report", "import", Seed.Write(files.Path, "seed.tsv", Seed.Bytes()))).ExitCode);
        return database;
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Import_GoodFile_RegistersPeopleAndContacts_AndReRunAddsNothing(DatabaseKind kind)
    {
        using var files = new TempFolder();
        await using var database = await ProgramsOnlyAsync(kind, files);
        var path = files.Write("learning.csv", Good, new UTF8Encoding(true));

        var first = await CliRun.RunAsync(database, "records", "import", path, "--program", "P001");
        var afterFirst = await CountsAsync(database);
        var second = await CliRun.RunAsync(database, "records", "import", path, "--program", "P001");

        Assert.Equal(0, first.ExitCode);
        Assert.Contains("4 行を読みました: 新しい人 3、登録済みの人と照合 0、事業への登録 3、支援記録 3 件（取り込み済みのため省略 0 件）", first.Out);
        // Three persons, two households (the 髙橋 mother and daughter share H1), three contacts with their notes.
        Assert.Equal((3, 2, 3, 3, 5, 3), afterFirst);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("新しい人 0、登録済みの人と照合 3、事業への登録 0、支援記録 0 件（取り込み済みのため省略 3 件）", second.Out);
        Assert.Equal(afterFirst, await CountsAsync(database));

        await using var db = database.NewDb();
        var yoshiko = await db.Persons.Include(p => p.Household).SingleAsync(p => p.KanaKey == "たかはしよしこ");
        Assert.Equal("髙橋 𠮷子", yoshiko.Name);
        Assert.Equal("041017", yoshiko.Household!.WardCode);
        var contacts = await db.Contacts.Include(c => c.Notes).OrderBy(c => c.Date).ThenBy(c => c.Time).ToListAsync();
        Assert.Equal([new DateOnly(2024, 6, 1), new DateOnly(2024, 6, 8), new DateOnly(2024, 6, 8)], contacts.Select(c => c.Date));
        Assert.Equal(new TimeOnly(18, 30), contacts[2].Time);
        Assert.True(contacts[2].IsSaturday); // 8 June 2024 was a Saturday
        Assert.Equal([(NoteProvenance.PersonSaid, "受験費用が心配"), (NoteProvenance.StaffAssessment, "補助金を案内")],
            contacts[2].Notes.OrderBy(n => n.Position).Select(n => (n.Provenance, n.Text)));
        var jiro = await db.Enrollments.Where(e => e.Person.KanaKey == "さとうじろう").SingleAsync();
        Assert.Equal(ReferralSource.WardWelfare, jiro.Source);
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task TwoImportsOfOneFileAtOnce_RegisterEachPersonOnce_TheSecondRefusedWhileTheFirstRuns(DatabaseKind kind)
    {
        using var files = new TempFolder();
        await using var database = await ProgramsOnlyAsync(kind, files);
        var rows = Enumerable.Range(0, 3000).Select(i =>
            $"生徒 {i:D4},せいと {i:D4},{new DateOnly(2008, 4, 2).AddDays(i % 700):yyyy-MM-dd},児童・生徒,041017,,学校,2024-06-01,15:00,学習支援,,来所,60,,,相談員A");
        var path = files.Write("learners.csv", Csv([.. rows]), new UTF8Encoding(true));

        // Held as a running import holds it (PostgreSQL's in a transaction; SQLite's beside the file, so no write lock
        // here): the import waits for nobody and says why it stopped.
        CliResult refused;
        await using (var db = database.NewDb())
        await using (kind == DatabaseKind.Postgres ? await db.Database.BeginTransactionAsync() : null)
        await using (await Tsunagu.Records.Import.ImportGate.TryEnterAsync(db, database.Settings, default))
        {
            refused = await CliRun.RunAsync(database, "records", "import", path, "--program", "P001").WaitAsync(TimeSpan.FromSeconds(60));
        }
        var together = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => CliRun.RunAsync(database, "records", "import", path, "--program", "P001")));
        var again = await CliRun.RunAsync(database, "records", "import", path, "--program", "P001");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("記録の取り込みが、ほかで実行中です。", refused.Error);
        Assert.Contains(0, together.Select(r => r.ExitCode));
        Assert.All(together.Where(r => r.ExitCode != 0), r => Assert.Contains("ほかで実行中です", r.Error));
        Assert.Equal(0, again.ExitCode);
        await using (var db = database.NewDb())
        {
            Assert.Equal(3000, await db.Persons.CountAsync());
            Assert.Equal(3000, await db.Contacts.CountAsync());
        }
    }

    [Fact]
    public async Task ALongImport_OnATerminal_SaysHowFarItHasGot_AndSaysNothingOfItWhenRedirected()
    {
        using var files = new TempFolder();
        await using var database = await ProgramsOnlyAsync(DatabaseKind.Sqlite, files);
        var rows = Enumerable.Range(0, 3000).Select(i =>
            $"生徒 {i:D4},せいと {i:D4},{new DateOnly(2008, 4, 2).AddDays(i % 700):yyyy-MM-dd},児童・生徒,041017,,学校,2024-06-01,15:00,学習支援,,来所,60,,,相談員A");
        var path = files.Write("learners.csv", Csv([.. rows]), new UTF8Encoding(true));

        var onTerminal = await CliRun.RunOnTerminalAsync(database, "records", "import", path, "--program", "P001", "--dry-run");
        var redirected = await CliRun.RunAsync(database, "records", "import", path, "--program", "P001", "--dry-run");

        Assert.Equal((0, 0), (onTerminal.ExitCode, redirected.ExitCode));
        // One line rewritten in place, and cleared before the verb's own output.
        Assert.Contains("\rlearners.csv: 1,000 行を読みました\u001b[K", onTerminal.Error);
        Assert.EndsWith("\r\u001b[K", onTerminal.Error);
        Assert.Equal("", redirected.Error);
        Assert.Equal(redirected.Out, onTerminal.Out);
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Import_RowTwiceInFile_IsOneContact_AndTheEnrolmentStartsAtTheEarliestRow(DatabaseKind kind)
    {
        using var files = new TempFolder();
        await using var database = await ProgramsOnlyAsync(kind, files);
        var path = files.Write("twice.csv", Csv(
            "山田 一郎,やまだ いちろう,2009-05-05,児童・生徒,041017,,学校,2024-07-10,16:00,学習支援,,来所,60,,,相談員A",
            "山田 一郎,やまだ いちろう,2009-05-05,児童・生徒,041017,,学校,2024-05-02,16:00,学習支援,,来所,60,,,相談員A",
            "山田 一郎,やまだ いちろう,2009-05-05,児童・生徒,041017,,学校,2024-07-10,16:00,学習支援,,来所,60,,,相談員A"), new UTF8Encoding(true));

        var result = await CliRun.RunAsync(database, "records", "import", path, "--program", "P001");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("3 行を読みました: 新しい人 1、登録済みの人と照合 0、事業への登録 1、支援記録 2 件（取り込み済みのため省略 1 件）", result.Out);
        Assert.Equal((1, 1, 1, 2, 0, 2), await CountsAsync(database));
        await using var db = database.NewDb();
        Assert.Equal(new DateOnly(2024, 5, 2), (await db.Enrollments.SingleAsync()).From);
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Import_OfficeByName_IsTheContactsOffice_AnUnknownNameIsAnError(DatabaseKind kind)
    {
        using var files = new TempFolder();
        await using var database = await ProgramsOnlyAsync(kind, files);
        int office;
        await using (var setup = database.NewDb())
        {
            var aoba = new Tsunagu.Places.Office { Name = "青葉区役所", Kind = Tsunagu.Places.OfficeKind.WardOffice, WardCode = "041017" };
            setup.Offices.Add(aoba);
            await setup.SaveChangesAsync();
            office = aoba.Id;
        }
        string File(string name, string officeName) => files.Write(name,
            "氏名,ふりがな,生年月日,記録日,種別,事業所\r\n" + $"山田 一郎,やまだ いちろう,2009-05-05,2024-06-03,相談,{officeName}\r\n", new UTF8Encoding(true));

        var unknown = await CliRun.RunAsync(database, "records", "import", File("unknown.csv", "青葉区役所分室"), "--program", "P001");
        var known = await CliRun.RunAsync(database, "records", "import", File("known.csv", "青葉区役所"), "--program", "P001");

        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("unknown.csv 2行目 6列: 事業所: 「青葉区役所分室」は事業所の一覧にありません", unknown.Error);
        Assert.Equal(0, known.ExitCode);
        await using var db = database.NewDb();
        Assert.Equal(office, (await db.Contacts.SingleAsync()).OfficeId);
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Import_BadRowAfterManyGoodOnes_WritesNothing(DatabaseKind kind)
    {
        using var files = new TempFolder();
        await using var database = await ProgramsOnlyAsync(kind, files);
        var good = Enumerable.Range(1, 500).Select(i => $"児童{i},じどう{i},2010-04-02,児童・生徒,041017,,学校,2024-06-01,15:00,学習支援,,来所,60,,,相談員A");
        var path = files.Write("late.csv", Csv([.. good, "児童501,じどう501,2010-02-30,児童・生徒,041017,,学校,2024-06-01,15:00,学習支援,,来所,60,,,相談員A"]),
            new UTF8Encoding(true));

        var result = await CliRun.RunAsync(database, "records", "import", path, "--program", "P001");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("late.csv 502行目 3列: 生年月日: 日付として読めません", result.Error);
        Assert.Equal((0, 0, 0, 0, 0, 0), await CountsAsync(database));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Import_SameReadingAndBirthDateUnderAnotherSpelling_IsReportedNotMerged(DatabaseKind kind)
    {
        using var files = new TempFolder();
        await using var database = await ProgramsOnlyAsync(kind, files);
        await CliRun.RunOkAsync(database, "records", "import", files.Write("a.csv", Good, new UTF8Encoding(true)), "--program", "P001");
        int existing;
        await using (var db = database.NewDb())
        {
            existing = await db.Persons.Where(p => p.KanaKey == "たかはしよしこ").Select(p => p.Id).SingleAsync();
        }
        var other = Csv("高橋 吉子,たかはし よしこ,2009-06-15,児童・生徒,,,学校,2024-07-01,10:00,相談,,来所,30,,,");

        // The same program: matching sees only its own persons (ScopePathsTests shows another program's are not seen).
        var result = await CliRun.RunAsync(database, "records", "import", files.Write("b.csv", other, new UTF8Encoding(true)), "--program", "P001");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("新しい人 1", result.Out);
        Assert.Contains($"2行目: 登録済みの人（番号 {existing}）とふりがな・生年月日が同じで氏名の表記が違います", result.Out);
        Assert.DoesNotContain("高橋", result.Out + result.Error); // no names in what the command prints
        await using var after = database.NewDb();
        Assert.Equal(2, await after.Persons.CountAsync(p => p.KanaKey == "たかはしよしこ"));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Import_BadRows_AreListedWithRowAndColumn_AndNothingIsWritten(DatabaseKind kind)
    {
        using var files = new TempFolder();
        await using var database = await ProgramsOnlyAsync(kind, files);
        var before = await CountsAsync(database);
        var bad = Csv(
            "髙橋 𠮷子,たかはし よしこ,2009-06-15,児童・生徒,041017,H1,学校,2024-06-01,15:00,学習支援,,来所,90,,,",
            "髙橋 花子,たかはし はなこ,2009-02-30,保護者,041017,H1,学校,,,,,,,,,",
            "佐藤 次郎,さとう じろう,2010-04-01,児童・生徒,041018,,区保護課,2024-06-01,25:00,相談,,来所,,,,",
            ",さとう,2010-04-01,児童・生徒,,,学校,,,,,,,,,");

        var result = await CliRun.RunAsync(database, "records", "import", files.Write("bad.csv", bad, new UTF8Encoding(true)), "--program", "P001");

        Assert.Equal(1, result.ExitCode);
        var lines = result.Error.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal("bad.csv 3行目 3列: 生年月日: 日付として読めません（例: 2024-06-15、2024/6/15、令和6年6月15日）。", lines[0]);
        Assert.StartsWith("bad.csv 4行目 5列: 区コード: 「041018」は正しい団体コードではありません", lines[1]);
        Assert.StartsWith("bad.csv 4行目 9列: 時刻: 時刻として読めません", lines[2]);
        Assert.StartsWith("bad.csv 5行目 1列: 氏名: 空です。", lines[3]);
        Assert.Contains("データベースは変更していません", lines[^1]);
        Assert.Equal(before, await CountsAsync(database));
    }

    [Fact]
    public async Task Import_DryRun_CountsButWritesNothing()
    {
        using var files = new TempFolder();
        await using var database = await ProgramsOnlyAsync(DatabaseKind.Sqlite, files);
        var before = await CountsAsync(database);

        var result = await CliRun.RunAsync(database, "records", "import", files.Write("a.csv", Good, new UTF8Encoding(true)), "--program", "P001", "--dry-run");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("（確認のみ・書き込みなし）4 行を読みました: 新しい人 3", result.Out);
        Assert.Equal(before, await CountsAsync(database));
    }

    [Fact]
    public async Task Import_Xlsx_WithExcelDateCells_ReadsTheSameRows()
    {
        using var files = new TempFolder();
        await using var database = await ProgramsOnlyAsync(DatabaseKind.Sqlite, files);
        var path = files.File("records.xlsx");
        MiniExcelLibs.MiniExcel.SaveAs(path, new[]
        {
            new Dictionary<string, object> { ["氏名"] = "山田 太郎", ["ふりがな"] = "やまだ たろう", ["生年月日"] = new DateTime(2011, 5, 5), ["記録日"] = new DateTime(2024, 6, 3), ["種別"] = "相談" },
        });

        var result = await CliRun.RunAsync(database, "records", "import", path, "--program", "P001");

        Assert.Equal(0, result.ExitCode);
        await using var db = database.NewDb();
        var person = await db.Persons.SingleAsync();
        Assert.Equal(new DateOnly(2011, 5, 5), person.BirthDate);
        Assert.Equal(new DateOnly(2024, 6, 3), (await db.Contacts.SingleAsync()).Date);
    }
}
