using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Indicators;
using Tsunagu.Japanese;
using Tsunagu.Tests.Infrastructure;
using WebClient = Tsunagu.Tests.Web.WebClient;

namespace Tsunagu.Tests.People;

/// <summary>A person registered twice is asked about at registration, and merged (and unmerged) by the manager.</summary>
public class DuplicatesTests
{
    [Theory]
    [InlineData("髙橋　𠮷子", "高橋吉子")]
    [InlineData("﨑山 齋", "崎山 斉")]
    [InlineData("渡邉 惠", "渡辺恵")]
    [InlineData("ｻｲﾄｳ", "サイトウ")]
    public void NameKeys_FoldVariantsSpacesAndWidths(string registered, string typed) =>
        Assert.Equal(NameVariants.Key(registered), NameVariants.Key(typed));

    [Fact]
    public void NameKeys_KeepDifferentNamesApart() => Assert.NotEqual(NameVariants.Key("高橋 吉子"), NameVariants.Key("高橋 良子"));

    static Dictionary<string, string> Registration(string name, string kana, string birth = "2009-06-15") => new()
    {
        ["Name"] = name,
        ["Kana"] = kana,
        ["BirthDate"] = birth,
        ["Role"] = "Child",
        ["Source"] = "School",
        ["EnrolledOn"] = "2024-06-01",
    };

    [Fact]
    public async Task Registration_AsksWhetherItIsTheSamePerson_WithinTheWorkersScope_AndRegistersOnlyWhenTold()
    {
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite);
        var caseworker = await world.SignInAsync("caseworkerA");
        var other = await world.SignInAsync("caseworkerB");

        var sameReading = await caseworker.SubmitAsync("/people/new", "main form", Registration("高橋 吉子", "タカハシ ヨシコ"));
        var sameNameOtherReading = await caseworker.SubmitAsync("/people/new", "main form", Registration("髙橋𠮷子", "たかはし きちこ"));
        var otherBirthday = await caseworker.SubmitAsync("/people/new", "main form", Registration("高橋 吉子", "たかはし よしこ", "2009-06-16"));
        var page = await WebClient.ParseAsync(sameReading);
        var confirmed = await caseworker.SubmitAsync((IHtmlFormElement)page.QuerySelector("main form.stack")!, "/people/new", []);
        // Alice is outside caseworker B's programs: nothing about her is shown, and the registration goes through.
        var outside = await other.SubmitAsync("/people/new", "main form", Registration("高橋 吉子", "たかはし よしこ"));

        Assert.Equal(HttpStatusCode.OK, sameReading.StatusCode);
        Assert.Equal("同じ人ですか", page.QuerySelector("#matches-heading")!.TextContent);
        Assert.Equal([RecordsWorld.AliceName], page.QuerySelectorAll(".matches tbody th").Select(th => th.TextContent));
        Assert.Contains("学習・生活サポート事業", page.QuerySelector(".matches tbody")!.TextContent);
        Assert.NotNull(page.QuerySelector($".matches a[href='/people/{world.Alice}#enrollments']"));
        Assert.Equal("別の人として登録する", page.QuerySelector("main form.stack button")!.TextContent);
        Assert.Equal([RecordsWorld.AliceName], (await WebClient.ParseAsync(sameNameOtherReading)).QuerySelectorAll(".matches tbody th").Select(th => th.TextContent));
        Assert.Equal(HttpStatusCode.Redirect, otherBirthday.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, outside.StatusCode);
        await using var db = world.Database.NewDb();
        // The two asked about wrote nothing; the one told to and the two without a match in scope did.
        Assert.Equal(3, await db.Persons.CountAsync(p => p.Name == "高橋 吉子"));
        Assert.Equal(0, await db.Persons.CountAsync(p => p.Name == "髙橋𠮷子"));
        Assert.Equal(2, await db.AccessLog.CountAsync(e => e.PersonId == world.Alice && e.Source == "POST /people/new (likely the same person)"));
        Assert.False(await db.AccessLog.AnyAsync(e => e.PersonId == world.Alice && e.UserName == world.Users["caseworkerB"]));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Manager_MergesTheDuplicateIntoThePerson_TheFiguresFollow_AndTheMergeIsUndoneFromItsAuditEntry(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var caseworker = await world.SignInAsync("caseworkerA");
        var manager = await world.SignInAsync("managerA");
        var registered = Registration("高橋 吉子", "たかはし よしこ");
        registered["ConfirmedNew"] = "true";
        var duplicate = int.Parse((await caseworker.SubmitAsync("/people/new", "main form", registered)).Headers.Location!.OriginalString.Split('/')[^1], CultureInfo.InvariantCulture);
        var contact = await caseworker.Http.PostAsJsonAsync($"/api/v1/people/{duplicate}/contacts",
            new { ProgramCode = "P001", Date = "2024-06-12", Kind = "StudySession", Channel = "Visit", Notes = new { PersonSaid = "二重に登録された記録" } });
        Assert.Equal(HttpStatusCode.Created, contact.StatusCode);
        await world.DefineAsync(
            new DefinitionInput("P001", "enrolled", 2024, 0, "登録者数", "人", MeasureKind.EnrolledPersons),
            new DefinitionInput("P001", "served", 2024, 1, "利用実人数", "人", MeasureKind.ServedPersons));
        async Task<(decimal? Enrolled, decimal? Served)> FiguresAsync() =>
            await world.ComputeAsync() is var figures ? (figures["P001.enrolled"], figures["P001.served"]) : default;
        var before = await FiguresAsync();

        var listed = await manager.GetDocumentAsync("/people/duplicates");
        var caseworkerList = await caseworker.GetDocumentAsync("/people/duplicates");
        Dictionary<string, string> Merge(string reason) => new() { ["keptId"] = world.Alice.ToString(CultureInfo.InvariantCulture), ["reason"] = reason };
        // The caseworker has no merge form: the manager's, posted with the caseworker's own antiforgery token.
        var token = caseworkerList.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var byCaseworker = await caseworker.SubmitAsync((IHtmlFormElement)listed.QuerySelector("form[action*=merge]")!, "/people/duplicates",
            new(Merge("同一人物")) { ["__RequestVerificationToken"] = token });
        var noReason = await manager.SubmitAsync("/people/duplicates", "form[action*=merge]", Merge(""));
        // A forged choice outside the pair (the mother, in the same program) merges nothing.
        var outsideThePair = await manager.SubmitAsync("/people/duplicates", "form[action*=merge]",
            new() { ["keptId"] = world.Mother.ToString(CultureInfo.InvariantCulture), ["reason"] = "同一人物" });
        var merged = await manager.SubmitAsync("/people/duplicates", "form[action*=merge]", Merge("学校の名簿から二重に登録"));
        var alice = await caseworker.GetDocumentAsync($"/people/{world.Alice}");
        var gone = await caseworker.Http.GetAsync($"/people/{duplicate}");
        var afterMerge = await FiguresAsync();
        var undone = await manager.SubmitAsync("/people/duplicates", "form[action*=undo]", new() { ["reason"] = "別人と判明" });
        var back = await caseworker.Http.GetAsync($"/people/{duplicate}");
        var afterUndo = await FiguresAsync();

        Assert.Equal([RecordsWorld.AliceName, "高橋 吉子"], listed.QuerySelectorAll(".pair tbody th").Select(th => th.TextContent));
        Assert.Null(caseworkerList.QuerySelector("form[action*=merge]"));
        Assert.Contains("記録を統合できるのは事業の管理者です。", (await WebClient.ParseAsync(byCaseworker)).QuerySelector(".errors")!.TextContent);
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, outsideThePair.StatusCode);
        Assert.Contains("残す記録: この組の二つから選んでください。", (await WebClient.ParseAsync(outsideThePair)).QuerySelector(".errors")!.TextContent);
        Assert.Equal(HttpStatusCode.Redirect, merged.StatusCode);
        Assert.Equal($"/people/{world.Alice}", merged.Headers.Location!.OriginalString);
        Assert.Contains("二重に登録された記録", alice.QuerySelector("ol.timeline")!.TextContent);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, undone.StatusCode);
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        // Alice, her mother and the duplicate; merged, one person fewer in both; undone, as before.
        Assert.Equal(((decimal?)3, (decimal?)2), before);
        Assert.Equal(((decimal?)2, (decimal?)1), afterMerge);
        Assert.Equal(before, afterUndo);
        await using var check = world.Database.NewDb();
        Assert.Null((await check.Persons.SingleAsync(p => p.Id == duplicate)).MergedIntoId);
        Assert.Equal(1, await check.ContactPersons.CountAsync(p => p.PersonId == duplicate));
        Assert.Equal(1, await check.Enrollments.CountAsync(e => e.PersonId == duplicate));
        Assert.Equal(1, await check.Enrollments.CountAsync(e => e.PersonId == world.Alice));
        Assert.Equal([1, 2], await check.PersonYearFacts.Where(f => (f.PersonId == duplicate || f.PersonId == world.Alice) && f.FiscalYear == 2024)
            .OrderBy(f => f.Contacts).Select(f => f.Contacts).ToListAsync());
        var audit = await check.AuditEntries.Where(a => a.Action.StartsWith("person.")).OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(["person.merge", "person.unmerge"], audit.Select(a => a.Action));
        Assert.Equal(("学校の名簿から二重に登録", "別人と判明"), (audit[0].Reason, audit[1].Reason));
        Assert.DoesNotContain("高橋", audit[0].Before + audit[0].After);
    }
}
