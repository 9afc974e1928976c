using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Places;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Places;

public class SchoolListTests
{
    internal static Task<HttpResponseMessage> UploadSchoolsAsync(Web.WebClient client, string csv, string name = "schools.csv") =>
        client.UploadAsync("/places", "form[action*=schools]", name, new UTF8Encoding(true).GetBytes(csv));

    internal const string Schools = """
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
}
