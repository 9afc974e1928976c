using System.Text;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Records;

public class RecordsUploadTests
{
    [Fact]
    public async Task RecordsUpload_ManagerPreviewsThenApplies_CaseworkerMayNot()
    {
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite);
        var manager = await world.SignInAsync("managerA");
        var caseworker = await world.SignInAsync("caseworkerA");
        var csv = "氏名,ふりがな,生年月日,記録日,種別\r\n鈴木 一郎,すずき いちろう,2011-01-01,2024-06-01,相談\r\n";

        // The page's own form, its program chosen as rendered (the manager's one program).
        var preview = await Web.WebClient.ParseAsync(await manager.UploadAsync("/people/import", "form[action*=preview]", "old.csv", new UTF8Encoding(true).GetBytes(csv)));
        int before;
        await using (var db = world.Database.NewDb())
        {
            before = await db.Persons.CountAsync();
        }
        var apply = preview.QuerySelectorAll("form").OfType<AngleSharp.Html.Dom.IHtmlFormElement>().Single(f => f.Action.Contains("apply"));
        var applied = await Web.WebClient.ParseAsync(await manager.SubmitAsync(apply, "/people/import", []));
        var refused = await caseworker.Http.GetAsync("/people/import");

        Assert.Contains("（確認のみ・書き込みなし）1 行を読みました: 新しい人 1", preview.QuerySelector(".notice")!.TextContent);
        Assert.Contains("1 行を読みました: 新しい人 1", applied.QuerySelector(".notice")!.TextContent);
        Assert.DoesNotContain("確認のみ", applied.QuerySelector(".notice")!.TextContent);
        Assert.Equal("/account/denied", refused.Headers.Location?.AbsolutePath);
        await using var after = world.Database.NewDb();
        Assert.Equal(before + 1, await after.Persons.CountAsync());
        Assert.Equal("records.import", (await after.AuditEntries.OrderBy(a => a.Id).LastAsync()).Action);
    }
}
