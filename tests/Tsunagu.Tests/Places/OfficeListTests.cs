using System.Text;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Places;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Places;

public class OfficeListTests
{
    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task OfficesFile_LoadsByName_UpdatesOnTheNextLoad_AndABadRowWritesNothing(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        using var files = new TempFolder();
        const string header = "名称,種類,区コード\n";

        var bad = await CliRun.RunAsync(database, "places", "offices", files.Write("bad.csv",
            header + "青葉区役所,区役所,041017\n泉区役所,区役所,041051\n若林区役所,出張所,041033\n青葉区役所,区役所,041017\n", new UTF8Encoding(false)));
        int afterBad;
        await using (var db = database.NewDb())
        {
            afterBad = await db.Offices.CountAsync();
        }
        var good = await CliRun.RunAsync(database, "places", "offices", files.Write("good.csv",
            header + "青葉区役所,区役所,041017\n教育支援センター,センター,\n", new UTF8Encoding(false)));
        var again = await CliRun.RunAsync(database, "places", "offices", files.Write("again.csv",
            header + "青葉区役所,区役所,041017\n教育支援センター,センター,041017\n泉区役所,区役所,041050\n", new UTF8Encoding(false)));

        Assert.Equal(1, bad.ExitCode);
        Assert.Equal(
            [
                "bad.csv 3行目 3列: 区コード: 「041051」は正しい団体コードではありません（6桁、検査数字つき）。",
                "bad.csv 4行目 2列: 種類: 「出張所」は 区役所・総合支所・センター・その他 のどれでもありません。",
                "bad.csv 5行目 1列: 名称: 同じ名称の行がほかにもあります。",
                "取り込みを中止しました。データベースは変更していません。",
            ],
            bad.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')));
        Assert.Equal(0, afterBad);
        Assert.Equal((0, "事業所: 追加 2 か所、更新 0 か所"), (good.ExitCode, good.Out.Trim()));
        Assert.Equal((0, "事業所: 追加 1 か所、更新 1 か所"), (again.ExitCode, again.Out.Trim()));
        await using var after = database.NewDb();
        Assert.Equal(
            [("教育支援センター", OfficeKind.Centre, "041017"), ("泉区役所", OfficeKind.WardOffice, "041050"), ("青葉区役所", OfficeKind.WardOffice, "041017")],
            (await after.Offices.OrderBy(o => o.Id).Select(o => new { o.Name, o.Kind, o.WardCode }).ToListAsync())
                .Select(o => (o.Name, o.Kind, o.WardCode)).OrderBy(o => o.Name, StringComparer.Ordinal));
        Assert.Equal(2, await after.AuditEntries.CountAsync(a => a.Action == "offices.load"));
    }

    /// <summary>The places page adds one office under the same rules as a file's row.</summary>
    [Fact]
    public async Task AnOfficeAddedOnThePage_KeepsTheFilesRules()
    {
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite);
        var admin = await world.SignInAsync("admin");

        var badWard = await Web.WebClient.ParseAsync(await admin.SubmitAsync("/places", "form[action*=office]", new() { ["name"] = "新しい窓口", ["kind"] = "Other", ["wardCode"] = "041051" }));
        var added = await admin.SubmitAsync("/places", "form[action*=office]", new() { ["name"] = " 新しい窓口 ", ["kind"] = "Other", ["wardCode"] = "０４１０５０" });
        var tooLong = await Web.WebClient.ParseAsync(await admin.SubmitAsync("/places", "form[action*=office]", new() { ["name"] = new string('窓', 101), ["kind"] = "Other" }));
        var twice = await Web.WebClient.ParseAsync(await admin.SubmitAsync("/places", "form[action*=office]", new() { ["name"] = "新しい窓口", ["kind"] = "Other", ["wardCode"] = "" }));

        Assert.Contains("区コード: 「041051」は正しい団体コードではありません（6桁、検査数字つき）。", badWard.QuerySelector(".errors")!.TextContent);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, added.StatusCode);
        Assert.Contains("「新しい窓口」はすでにあります。", twice.QuerySelector(".errors")!.TextContent);
        Assert.Contains("名称: 100文字までです（101文字）。", tooLong.QuerySelector(".errors")!.TextContent);
        await using var db = world.Database.NewDb();
        Assert.Equal([("新しい窓口", OfficeKind.Other, "041050")],
            (await db.Offices.Where(o => o.Name.Contains("窓口")).Select(o => new { o.Name, o.Kind, o.WardCode }).ToListAsync()).Select(o => (o.Name, o.Kind, o.WardCode)));
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == "office.add"));
    }
}
