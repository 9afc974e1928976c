using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Records;

/// <summary>
/// Every record field is checked on the server, by the same rules in the forms, the API and the import: a refused
/// value is a 400 naming the field (or the form with the message beside it), never a 403 or a 500, and nothing is written.
/// </summary>
public class RecordRulesTests
{
    static object Contact(string date, int? minutes = 30, string note = "面談") =>
        new { ProgramCode = "P001", Date = date, Kind = "StudySession", Channel = "Visit", DurationMinutes = minutes, Notes = new { PersonSaid = note } };

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Api_RefusesImpossibleContacts_With400NamingTheField_AndWritesNothing(DatabaseKind kind)
    {
        // Today is 20 June 2024; Alice was born in 2009 and enrolled in P001 on 10 April 2024.
        await using var world = await RecordsWorld.CreateAsync(kind);
        var client = await world.SignInAsync("caseworkerA");
        await using var db = world.Database.NewDb();
        var before = await db.Contacts.CountAsync();

        var cases = new (object Body, string Field, string Message)[]
        {
            (Contact("2024-06-21"), "date", "記録日: 今日（2024-06-20）より後の日付です。"),
            (Contact("2024-04-09"), "date", "記録日: 事業への登録日（2024-04-10）より前の日付です。"),
            (Contact("2024-06-19", minutes: 5000), "durationMinutes", "時間（分）: 時間は1〜1440分です（5000）。"),
            (Contact("2024-06-19", minutes: 0), "durationMinutes", "時間（分）: 時間は1〜1440分です（0）。"),
            (Contact("2024-06-19", note: "面談\0"), "notes", "本人・家族の話: 3文字目に使えない文字（U+0000）があります。"),
            (Contact("2024-06-19", note: new string('あ', 20_001)), "notes", "本人・家族の話: 20,000文字までです（20,001文字）。"),
            // JSON takes a kind's number too; 99 is no kind.
            (new { ProgramCode = "P001", Date = "2024-06-19", Kind = 99, Channel = "Visit", DurationMinutes = 30 }, "kind", "種別: 「99」は選べる値ではありません。"),
        };
        var answers = new List<(HttpStatusCode, string, string)>();
        foreach (var (body, field, _) in cases)
        {
            var response = await client.Http.PostAsJsonAsync($"/api/v1/people/{world.Alice}/contacts", body);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            answers.Add((response.StatusCode, response.Content.Headers.ContentType!.MediaType!, problem.RootElement.GetProperty("errors").GetProperty(field)[0].GetString()!));
        }
        var good = await client.Http.PostAsJsonAsync($"/api/v1/people/{world.Alice}/contacts", Contact("2024-06-20", minutes: 1440));

        Assert.Equal(cases.Select(c => (HttpStatusCode.BadRequest, "application/problem+json", c.Message)), answers);
        Assert.Equal(HttpStatusCode.Created, good.StatusCode);
        Assert.Equal(before + 1, await db.Contacts.CountAsync());
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Registration_RefusesImpossibleBirthDatesAndBrokenNames_BesideTheField(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var client = await world.SignInAsync("caseworkerA");
        await using var db = world.Database.NewDb();
        var before = await db.Persons.CountAsync();
        async Task<(HttpStatusCode Status, string? Beside)> RegisterAsync(string name, string birth)
        {
            var response = await client.SubmitAsync("/people/new", "main form", new() { ["Name"] = name, ["Kana"] = "てすと", ["BirthDate"] = birth, ["EnrolledOn"] = "2024-06-01" });
            var page = await Web.WebClient.ParseAsync(response);
            return (response.StatusCode, page.QuerySelector(".field-error")?.TextContent);
        }

        var refused = new[]
        {
            await RegisterAsync("試験 太郎", "0001-01-01"),
            await RegisterAsync("試験 太郎", "1899-12-31"),
            await RegisterAsync("試験 太郎", "2024-06-21"),
            await RegisterAsync("試験 太郎", ""),
            await RegisterAsync("試験\uFEFF太郎", "2010-05-05"),
            await RegisterAsync(new string('試', 101), "2010-05-05"),
        };
        var registered = await RegisterAsync("試験 太郎", "１９００－０１－０１");

        Assert.Equal(
        [
            (HttpStatusCode.BadRequest, "生年月日: 1900年1月1日から今日（2024-06-20）までの日付です。"),
            (HttpStatusCode.BadRequest, "生年月日: 1900年1月1日から今日（2024-06-20）までの日付です。"),
            (HttpStatusCode.BadRequest, "生年月日: 1900年1月1日から今日（2024-06-20）までの日付です。"),
            (HttpStatusCode.BadRequest, "生年月日: 入力してください。"),
            (HttpStatusCode.BadRequest, "氏名: 3文字目に使えない文字（U+FEFF）があります。"),
            (HttpStatusCode.BadRequest, "氏名: 100文字までです（101文字）。"),
        ], refused);
        // Typed with the input method on: full-width digits and dash are the same date.
        Assert.Equal(HttpStatusCode.Redirect, registered.Status);
        Assert.Equal(new DateOnly(1900, 1, 1), (await db.Persons.SingleAsync(p => p.Name == "試験 太郎")).BirthDate);
        Assert.Equal(before + 1, await db.Persons.CountAsync());
    }

    [Fact]
    public async Task ContactForm_AnEmptyDateIsTheFormAgainWithTheMessage_AndFullWidthMinutesAreRead()
    {
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite);
        var client = await world.SignInAsync("caseworkerA");

        var empty = await client.SubmitAsync($"/people/{world.Alice}", "form[action*=contact]", new() { ["Contact.Date"] = "", ["Contact.PersonSaid"] = "面談" });
        var fullWidth = await client.SubmitAsync($"/people/{world.Alice}", "form[action*=contact]",
            new() { ["Contact.Date"] = "2024-06-19", ["Contact.Duration"] = "１２０", ["Contact.PersonSaid"] = "全角で入力" });
        var tooLong = await client.SubmitAsync($"/people/{world.Alice}", "form[action*=contact]",
            new() { ["Contact.Date"] = "2024-06-19", ["Contact.Duration"] = "1441", ["Contact.PersonSaid"] = "長すぎる" });

        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        var emptyPage = await Web.WebClient.ParseAsync(empty);
        Assert.Equal("日付: 入力してください。", emptyPage.QuerySelector("#date ~ .field-error")!.TextContent);
        Assert.Equal("true", emptyPage.QuerySelector("#date")!.GetAttribute("aria-invalid"));
        Assert.Equal(HttpStatusCode.Redirect, fullWidth.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal("時間（分）: 時間は1〜1440分です（1441）。", (await Web.WebClient.ParseAsync(tooLong)).QuerySelector("#duration ~ .field-error")!.TextContent);
        await using var db = world.Database.NewDb();
        // Notes are sealed (Keys.SealedText): they are compared as read, not in SQL.
        var contacts = await db.Contacts.Include(c => c.Notes).ToListAsync();
        Assert.DoesNotContain(contacts, c => c.Notes.Any(n => n.Text is "面談" or "長すぎる"));
        Assert.Equal(120, contacts.Single(c => c.Notes.Any(n => n.Text == "全角で入力")).DurationMinutes);
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task APersonStoredWithAnImpossibleBirthDate_StillListsInSearches_SoItCanBeFound(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        await using (var db = world.Database.NewDb())
        {
            // As an old import left it, before the rules.
            await db.Persons.Where(p => p.Id == world.Alice).ExecuteUpdateAsync(s => s.SetProperty(p => p.BirthDate, DateOnly.MinValue));
        }
        var client = await world.SignInAsync("caseworkerA");

        var search = await client.SubmitAsync("/people", "form[role=search]", new() { ["q"] = "たかはし" });
        var page = await client.Http.GetAsync($"/people/{world.Alice}");

        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        Assert.Contains("1年1月1日", (await Web.WebClient.ParseAsync(search)).QuerySelector("main")!.TextContent);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Import_RefusesWhatTheFormsRefuse_OnItsLineAndColumn_AndWritesNothing(DatabaseKind kind)
    {
        using var files = new TempFolder();
        await using var database = await RecordImportTests.ProgramsOnlyAsync(kind, files);
        var csv = string.Join("\r\n",
            "氏名,ふりがな,生年月日,登録日,記録日,種別,方法,時間（分）,本人・家族の話",
            "山田 一郎,やまだ いちろう,2010-04-01,2024-04-01,2024-06-01,相談,来所,30,よい行",
            "山田 二郎,やまだ じろう,1800-01-01,2024-04-01,2024-06-01,相談,来所,30,古すぎる生年月日",
            "山田 三郎,やまだ さぶろう,2010-04-01,2024-04-01,2099-01-01,相談,来所,30,未来の記録日",
            "山田 四郎,やまだ しろう,2010-04-01,2024-04-01,2024-03-01,相談,来所,30,登録より前",
            "山田 五郎,やまだ ごろう,2010-04-01,2024-04-01,2024-06-01,相談,来所,0,ゼロ分",
            "山田\uFEFF六郎,やまだ ろくろう,2010-04-01,2024-04-01,2024-06-01,相談,来所,30,BOM",
            "山田 七郎,やまだ しちろう,2010-04-01,2024-04-01,2024-06-01,相談,来所,30,\u0007ベル") + "\r\n";
        var path = files.Write("records.csv", csv, new UTF8Encoding(false));

        var result = await CliRun.RunAsync(database, "records", "import", path, "--program", "P001");

        Assert.Equal(1, result.ExitCode);
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(
        [
            "records.csv 3行目 3列: 生年月日: 1900年1月1日から今日（" + DateTime.UtcNow.AddHours(9).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "）までの日付です。",
            "records.csv 4行目 5列: 記録日: 今日（" + DateTime.UtcNow.AddHours(9).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "）より後の日付です。",
            "records.csv 5行目 5列: 記録日: 事業への登録日（2024-04-01）より前の日付です。",
            "records.csv 6行目 8列: 時間（分）: 時間は1〜1440分です（0）。",
            "records.csv 7行目 1列: 氏名: 3文字目に使えない文字（U+FEFF）があります。",
            "records.csv 8行目 9列: 本人・家族の話: 1文字目に使えない文字（U+0007）があります。",
            "取り込みを中止しました。データベースは変更していません。",
        ], lines);
        await using var db = database.NewDb();
        Assert.Equal(0, await db.Persons.CountAsync());
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Import_TheSamePersonTwiceWithDifferentAttributes_IsRefused_NotSilentlyTheFirstRow(DatabaseKind kind)
    {
        using var files = new TempFolder();
        await using var database = await RecordImportTests.ProgramsOnlyAsync(kind, files);
        var csv = string.Join("\r\n",
            "氏名,ふりがな,生年月日,本人区分,世帯番号,記録日,種別",
            "山田 一郎,やまだ いちろう,2010-04-01,児童・生徒,H1,2024-06-01,相談",
            "山田 一郎,やまだ いちろう,2010-04-01,児童・生徒,H1,2024-06-08,相談",
            "山田 一郎,やまだ かずお,2010-04-01,保護者,H2,2024-06-15,相談") + "\r\n";

        var result = await CliRun.RunAsync(database, "records", "import", files.Write("records.csv", csv, new UTF8Encoding(false)), "--program", "P001");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
        [
            "records.csv 4行目 2列: ふりがな: 2行目の同じ人（氏名と生年月日が同じ）と違います。",
            "records.csv 4行目 4列: 本人区分: 2行目の同じ人（氏名と生年月日が同じ）と違います。",
            "records.csv 4行目 5列: 世帯番号: 2行目の同じ人（氏名と生年月日が同じ）と違います。",
        ], result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[..3]);
        await using var db = database.NewDb();
        Assert.Equal(0, await db.Persons.CountAsync());
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Api_AnUnknownProgramIsABadRequest_AndDecidingAReferralTwiceIsAConflict(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var sender = await world.SignInAsync("caseworkerA");
        var receiver = await world.SignInAsync("caseworkerB");
        var sent = await sender.Http.PostAsJsonAsync($"/api/v1/people/{world.Alice}/referrals", new { FromProgramCode = "P001", ToProgramCode = "P008", Reason = "家計の相談" });
        var id = (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();

        var unknownProgram = await sender.Http.PostAsJsonAsync($"/api/v1/people/{world.Alice}/referrals", new { FromProgramCode = "P001", ToProgramCode = "P999", ToAgency = "児童相談所", Reason = "相談" });
        var first = await receiver.Http.PostAsJsonAsync($"/api/v1/referrals/{id}/decision", new { Accept = true });
        var second = await receiver.Http.PostAsJsonAsync($"/api/v1/referrals/{id}/decision", new { Accept = false, Note = "重複" });

        Assert.Equal(HttpStatusCode.BadRequest, unknownProgram.StatusCode);
        Assert.Contains("つなぎ先: その事業はありません。", await unknownProgram.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains("この依頼はすでに「受理」です。", await second.Content.ReadAsStringAsync());
    }
}
