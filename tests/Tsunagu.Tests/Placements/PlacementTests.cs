using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Tests.Infrastructure;
using Tsunagu.Tests.Places;

namespace Tsunagu.Tests.Placements;

public class PlacementTests
{
    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Placements_AreTheManagers_DistributionsAnyCaseworkers_OnlyWithinTheirPrograms(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var admin = await world.SignInAsync("admin");
        await SchoolListTests.UploadSchoolsAsync(admin, SchoolListTests.Schools);
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
    public async Task PlacementsApi_PlacesOnlyAsTheManager_DistributesAsAnyCaseworker_WithinTheirPrograms_WithTheAudit(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var admin = await world.SignInAsync("admin");
        await SchoolListTests.UploadSchoolsAsync(admin, SchoolListTests.Schools);
        var manager = await world.SignInAsync("managerA");
        var caseworker = await world.SignInAsync("caseworkerA");
        var other = await world.SignInAsync("caseworkerB");
        object Placement(string? schoolCode) => new { programCode = "P001", fiscalYear = 2024, staffName = "相談員 一", schoolCode };
        var booklet = new { programCode = "P001", date = "2024-06-18", item = "ひとり親家庭のしおり", facility = "青葉区役所", copies = 300 };

        var byCaseworker = await caseworker.Http.PostAsJsonAsync("/api/v1/placements", Placement("C104210000015"));
        var unknownSchool = await manager.Http.PostAsJsonAsync("/api/v1/placements", Placement("C104210009999"));
        var nowhere = await manager.Http.PostAsJsonAsync("/api/v1/placements", Placement(null));
        var placed = await manager.Http.PostAsJsonAsync("/api/v1/placements", Placement("C104210000015"));
        var placement = await placed.Content.ReadFromJsonAsync<JsonElement>();
        var othersDistribution = await other.Http.PostAsJsonAsync("/api/v1/distributions", booklet);
        var noCopies = await caseworker.Http.PostAsJsonAsync("/api/v1/distributions", booklet with { copies = 0 });
        var distributed = await caseworker.Http.PostAsJsonAsync("/api/v1/distributions", booklet);
        var placements = await caseworker.Http.GetFromJsonAsync<JsonElement>("/api/v1/placements?year=2024");
        var othersPlacements = await other.Http.GetFromJsonAsync<JsonElement>("/api/v1/placements?year=2024");
        var distributions = await caseworker.Http.GetFromJsonAsync<JsonElement>("/api/v1/distributions?year=2024");
        var lastYear = await caseworker.Http.GetFromJsonAsync<JsonElement>("/api/v1/distributions?year=2023");
        var noSuchYear = await caseworker.Http.GetAsync("/api/v1/distributions?year=9999");
        var othersRemoval = await other.Http.DeleteAsync($"/api/v1/placements/{placement.GetProperty("id").GetInt32()}");
        var caseworkersRemoval = await caseworker.Http.DeleteAsync($"/api/v1/placements/{placement.GetProperty("id").GetInt32()}");
        var removed = await manager.Http.DeleteAsync($"/api/v1/placements/{placement.GetProperty("id").GetInt32()}");

        Assert.Equal(HttpStatusCode.Forbidden, byCaseworker.StatusCode);
        Assert.Contains("学校の一覧にありません", await Web.WebClient.FieldErrorAsync(unknownSchool, "schoolCode"));
        Assert.Equal(HttpStatusCode.BadRequest, nowhere.StatusCode);
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        Assert.Equal(("P001", 2024, "相談員 一", "C104210000015"), (placement.GetProperty("programCode").GetString(), placement.GetProperty("fiscalYear").GetInt32(),
            placement.GetProperty("staffName").GetString(), placement.GetProperty("schoolCode").GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, othersDistribution.StatusCode);
        Assert.Contains("部数", (await noCopies.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.BadRequest, noCopies.StatusCode);
        Assert.Equal(HttpStatusCode.Created, distributed.StatusCode);
        Assert.Equal([placement.GetProperty("id").GetInt32()], placements.EnumerateArray().Select(p => p.GetProperty("id").GetInt32()));
        Assert.Empty(othersPlacements.EnumerateArray());
        Assert.Equal([300], distributions.EnumerateArray().Select(d => d.GetProperty("copies").GetInt32()));
        Assert.Empty(lastYear.EnumerateArray());
        Assert.Contains("9999年度は記録できません", await Web.WebClient.FieldErrorAsync(noSuchYear, "year"));
        Assert.Equal(HttpStatusCode.NotFound, othersRemoval.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, caseworkersRemoval.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        await using var db = world.Database.NewDb();
        Assert.Empty(await db.Placements.ToListAsync());
        var distribution = await db.Distributions.SingleAsync();
        Assert.Equal(("ひとり親家庭のしおり", "青葉区役所", 300), (distribution.Item, distribution.Facility, distribution.Copies));
        Assert.Equal(["placement.add", "distribution.add", "placement.remove"],
            await db.AuditEntries.Where(a => a.Action.StartsWith("placement.") || a.Action.StartsWith("distribution.")).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
    }
}
