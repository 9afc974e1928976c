using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Records;

public class SessionsAndUploadTests
{
    [Fact]
    public async Task Session_AttendanceTakesOnlyTheProgramsPeople_AndOtherProgramsSessionsAreNotFound()
    {
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite);
        var caseworker = await world.SignInAsync("caseworkerA");
        var other = await world.SignInAsync("caseworkerB");

        var created = await caseworker.SubmitAsync("/sessions", "form.record", new() { ["title"] = "夏の学習会", ["date"] = "2024-07-27", ["kind"] = "StudySession" });
        var sessionUrl = created.Headers.Location!.OriginalString;
        var saved = await caseworker.SubmitAsync(sessionUrl, "main form", new()
        {
            ["present"] = world.Alice.ToString(CultureInfo.InvariantCulture),
            ["headCount"] = "3",
        });
        await using (var first = world.Database.NewDb())
        {
            Assert.Equal([world.Alice], await first.Attendances.Select(a => a.PersonId).ToListAsync());
        }
        // A forged tick for someone of another program is ignored.
        var forged = await caseworker.Http.PostAsync(sessionUrl, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["present"] = world.Bob.ToString(CultureInfo.InvariantCulture),
            ["headCount"] = "3",
            ["__RequestVerificationToken"] = (await caseworker.GetDocumentAsync(sessionUrl)).QuerySelector("main form input[name=__RequestVerificationToken]")!.GetAttribute("value")!,
        }));
        var foreign = await other.Http.GetAsync(sessionUrl);

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, forged.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        await using var db = world.Database.NewDb();
        var session = await db.Sessions.Include(s => s.Attendances).SingleAsync();
        Assert.Equal(("夏の学習会", new DateOnly(2024, 7, 27), 3), (session.Title, session.Date, session.UnregisteredHeadCount));
        Assert.Empty(session.Attendances); // the forged post replaced Alice with nobody: Bob is not the program's
    }

    [Fact]
    public async Task RecordsUpload_ManagerPreviewsThenApplies_CaseworkerMayNot()
    {
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite);
        var manager = await world.SignInAsync("managerA");
        var caseworker = await world.SignInAsync("caseworkerA");
        var csv = "氏名,ふりがな,生年月日,記録日,種別\r\n鈴木 一郎,すずき いちろう,2011-01-01,2024-06-01,相談\r\n";
        var page = await manager.GetDocumentAsync("/people/import");
        MultipartFormDataContent Upload() => new()
        {
            { new ByteArrayContent(new UTF8Encoding(true).GetBytes(csv)), "file", "old.csv" },
            { new StringContent(page.QuerySelector("select#program option")!.GetAttribute("value")!), "ProgramId" },
            { new StringContent(page.QuerySelector("form[enctype] input[name=__RequestVerificationToken]")!.GetAttribute("value")!), "__RequestVerificationToken" },
        };

        var preview = await Web.WebClient.ParseAsync(await manager.Http.PostAsync("/people/import?handler=preview", Upload()));
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
