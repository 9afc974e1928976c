using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Places;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Records;

public class MastersAndActivitiesTests
{
    static async Task<HttpResponseMessage> UploadSchoolsAsync(Web.WebClient client, string csv, string name = "schools.csv")
    {
        var page = await client.GetDocumentAsync("/places");
        using var upload = new MultipartFormDataContent
        {
            { new ByteArrayContent(new UTF8Encoding(true).GetBytes(csv)), "file", name },
            { new StringContent(page.QuerySelector("form[enctype] input[name=__RequestVerificationToken]")!.GetAttribute("value")!), "__RequestVerificationToken" },
        };
        return await client.Http.PostAsync("/places?handler=schools", upload);
    }

    const string Schools = """
        学校コード,学校名,課程
        C104210000015,仙台市立青葉中学校,
        D104220000017,宮城県立杜の高等学校,全日制
        A104210000019,仙台市立みどり幼稚園,
        """;

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task SchoolList_LoadsByCode_BadRowsWriteNothing_AndOnlyTheAdministratorLoads(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var admin = await world.SignInAsync("admin");
        var caseworker = await world.SignInAsync("caseworkerA");

        var bad = await Web.WebClient.ParseAsync(await UploadSchoolsAsync(admin, Schools + "\nC10421000002,短いコードの学校,\nB104210000011,,\n"));
        int afterBad;
        await using (var db = world.Database.NewDb())
        {
            afterBad = await db.Schools.CountAsync();
        }
        var good = await Web.WebClient.ParseAsync(await UploadSchoolsAsync(admin, Schools));
        var renamed = await Web.WebClient.ParseAsync(await UploadSchoolsAsync(admin, Schools.Replace("青葉中学校", "青葉台中学校")));
        var refused = await caseworker.Http.PostAsync("/places?handler=schools", new FormUrlEncodedContent([]));
        var listed = await caseworker.GetDocumentAsync("/places?type=JuniorHigh");

        Assert.Equal(["取り込めませんでした。データベースは変更していません。",
            "schools.csv 5行目 1列: 学校コード: 13桁の学校コード（学校種2文字と数字11桁）ではありません。",
            "schools.csv 6行目 2列: 学校名: 空です。"], bad.QuerySelectorAll(".errors li").Select(li => li.TextContent));
        Assert.Equal(0, afterBad);
        Assert.Contains("学校を 2 校追加し、0 校更新しました。対象外の学校種（幼稚園・大学など）の 1 行は取り込んでいません。", good.QuerySelector(".notice")!.TextContent);
        Assert.Contains("学校を 0 校追加し、1 校更新しました。", renamed.QuerySelector(".notice")!.TextContent);
        Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
        Assert.Equal(["仙台市立青葉台中学校"], listed.QuerySelectorAll("#schools ~ .table-wrap tbody th").Select(th => th.TextContent));
        Assert.Null(listed.QuerySelector("form[action*=schools]"));
        await using var after = world.Database.NewDb();
        var high = await after.Schools.SingleAsync(s => s.Code == "D104220000017");
        Assert.Equal((SchoolType.HighSchool, "公立", "全日制"), (high.Type, high.Founder, high.Course));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Placements_AreTheManagers_DistributionsAnyCaseworkers_OnlyWithinTheirPrograms(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var admin = await world.SignInAsync("admin");
        await UploadSchoolsAsync(admin, Schools);
        await admin.SubmitAsync("/places", "form[action*=office]", new() { ["name"] = "青葉区役所", ["kind"] = "WardOffice", ["wardCode"] = "０４１０１７" }); // full-width, as typed
        var manager = await world.SignInAsync("managerA");
        var caseworker = await world.SignInAsync("caseworkerA");
        var other = await world.SignInAsync("caseworkerB");
        int school, office;
        await using (var db = world.Database.NewDb())
        {
            school = await db.Schools.Where(s => s.Code == "C104210000015").Select(s => s.Id).SingleAsync();
            office = await db.Offices.Select(o => o.Id).SingleAsync();
        }

        await manager.SubmitAsync("/activities?year=2024", "form[action*=place]", new() { ["staffName"] = "相談員 一", ["place"] = $"school:{school}" });
        await manager.SubmitAsync("/activities?year=2024", "form[action*=place]", new() { ["staffName"] = "相談員 二", ["place"] = $"office:{office}" });
        var caseworkerPage = await caseworker.GetDocumentAsync("/activities?year=2024");
        // The caseworker's page has no placement form; posting one anyway is refused.
        var token = caseworkerPage.QuerySelector("form[action*=distribute] input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var caseworkerPlaces = await Web.WebClient.ParseAsync(await caseworker.Http.PostAsync("/activities?year=2024&handler=place", new FormUrlEncodedContent([
            new("programId", (await world.ProgramIdAsync("P001")).ToString(CultureInfo.InvariantCulture)), new("staffName", "x"), new("place", $"school:{school}"),
            new("__RequestVerificationToken", token)])));
        await caseworker.SubmitAsync("/activities?year=2024", "form[action*=distribute]",
            new() { ["date"] = "2024-06-18", ["item"] = "ひとり親家庭のしおり", ["facility"] = "青葉区役所", ["copies"] = "300" });
        await caseworker.SubmitAsync($"/people/{world.Alice}", "form[action*=contact]",
            new() { ["Contact.Date"] = "2024-06-19", ["Contact.OfficeId"] = office.ToString(CultureInfo.InvariantCulture), ["Contact.PersonSaid"] = "区役所で面談" });
        var person = await caseworker.GetDocumentAsync($"/people/{world.Alice}");
        var seen = await caseworker.GetDocumentAsync("/activities?year=2024");
        var otherSees = await other.GetDocumentAsync("/activities?year=2024");

        Assert.Null(caseworkerPage.QuerySelector("form[action*=place]"));
        Assert.Equal(["相談員 一", "相談員 二"], seen.QuerySelectorAll("#placements ~ .table-wrap tbody th").Take(2).Select(th => th.TextContent));
        Assert.Contains("配置（2 名）", seen.QuerySelector("#placements")!.TextContent);
        Assert.Contains("配置を登録できるのは事業の管理者です", caseworkerPlaces.QuerySelector(".errors")!.TextContent);
        Assert.Contains("配布（1 回）", seen.QuerySelector("#distributions")!.TextContent);
        Assert.Contains("配置（0 名）", otherSees.QuerySelector("#placements")!.TextContent);
        Assert.Contains("配布（0 回）", otherSees.QuerySelector("#distributions")!.TextContent);
        await using var after = world.Database.NewDb();
        Assert.Equal(2, await after.Placements.CountAsync(p => p.FiscalYear == 2024));
        Assert.Equal(300, (await after.Distributions.SingleAsync()).Copies);
        Assert.Equal("041017", (await after.Offices.SingleAsync()).WardCode);
        Assert.Equal(office, (await after.Contacts.SingleAsync(c => c.Date == new DateOnly(2024, 6, 19))).OfficeId);
        Assert.Contains("・青葉区役所", person.QuerySelector("ol.timeline > li")!.TextContent);
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task SessionsThroughTheApi_KeepOnlyAttendeesOfTheProgram_AndStayWithinIt(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var caseworker = await world.SignInAsync("caseworkerA");
        var other = await world.SignInAsync("caseworkerB");
        var input = new { ProgramCode = "P001", Kind = "StudySession", Date = "2024-06-22", Start = "13:00", Title = "土曜学習会", HeadCount = 2 };

        var created = await caseworker.Http.PostAsJsonAsync("/api/v1/sessions", input);
        var session = await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var id = session.GetProperty("id").GetInt32();
        // Bob is enrolled in another program: left out, not an error.
        var attendance = await caseworker.Http.PutAsJsonAsync($"/api/v1/sessions/{id}/attendance", new { PersonIds = new[] { world.Alice, world.Bob }, HeadCount = 3 });
        var saved = await attendance.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var otherCreates = await other.Http.PostAsJsonAsync("/api/v1/sessions", input);
        var otherAttends = await other.Http.PutAsJsonAsync($"/api/v1/sessions/{id}/attendance", new { PersonIds = new[] { world.Bob }, HeadCount = 0 });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, attendance.StatusCode);
        Assert.Equal([world.Alice], saved.GetProperty("personIds").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(3, saved.GetProperty("headCount").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, otherCreates.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherAttends.StatusCode);
        await using var db = world.Database.NewDb();
        var stored = await db.Sessions.Include(s => s.Attendances).SingleAsync();
        Assert.Equal(("土曜学習会", new DateOnly(2024, 6, 22), 3), (stored.Title, stored.Date, stored.UnregisteredHeadCount));
        Assert.Equal([world.Alice], stored.Attendances.Select(a => a.PersonId));
    }
}
