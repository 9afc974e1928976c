using System.Net;
using System.Net.Http.Json;
using AngleSharp.Dom;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Indicators;
using Tsunagu.Tests.Infrastructure;
using WebClient = Tsunagu.Tests.Web.WebClient;

namespace Tsunagu.Tests.Contacts;

/// <summary>訂正 and 取消 of a contact on screen: the reason required, the earlier text kept, the figures following.</summary>
public class ContactCorrectionTests
{
    static readonly string[] Keys = ["contacts", "consultations", "served"];

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Caseworker_CorrectsTheTextAndKind_AndWithdrawsAContact_TheEarlierTextIsKept_AndTheFiguresFollow(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var client = await world.SignInAsync("caseworkerA");
        await world.DefineAsync(
            new DefinitionInput("P001", "contacts", 2024, 0, "支援件数", "件", MeasureKind.Contacts),
            new DefinitionInput("P001", "consultations", 2024, 1, "相談件数", "件", MeasureKind.Contacts, "種別=相談"),
            new DefinitionInput("P001", "served", 2024, 2, "利用実人数", "人", MeasureKind.ServedPersons));
        async Task<decimal?[]> FiguresAsync() => await world.ComputeAsync() is var figures ? [.. Keys.Select(k => figures[$"P001.{k}"])] : [];
        var edit = $"/contacts/{world.AliceContact}/edit";
        long other;
        await using (var db = world.Database.NewDb())
        {
            other = await db.Contacts.Where(c => c.Date == new DateOnly(2024, 6, 8)).Select(c => c.Id).SingleAsync();
        }
        var before = await FiguresAsync();

        var person = await client.GetDocumentAsync($"/people/{world.Alice}");
        var noReason = await client.SubmitAsync(edit, "form[action*=correct]", new() { ["Form.Notes[PersonSaid]"] = "英語の課題に取り組んだ" });
        var corrected = await client.SubmitAsync(edit, "form[action*=correct]", new()
        {
            ["Form.Notes[PersonSaid]"] = "英語の課題に取り組んだ",
            ["Form.Kind"] = "Consultation",
            ["Form.Reason"] = "教科と種別の誤り",
        });
        var unchanged = await client.SubmitAsync(edit, "form[action*=correct]", new() { ["Form.Reason"] = "念のため" });
        var history = await client.GetDocumentAsync(edit);
        var withdrawNoReason = await client.SubmitAsync($"/contacts/{other}/edit", "form[action*=withdraw]", []);
        var withdrawn = await client.SubmitAsync($"/contacts/{other}/edit", "form[action*=withdraw]", new() { ["withdrawReason"] = "別の生徒の記録だった" });
        var after = await FiguresAsync();
        var timeline = await client.GetDocumentAsync($"/people/{world.Alice}");
        using var api = await client.Http.GetFromJsonAsync<System.Text.Json.JsonDocument>($"/api/v1/people/{world.Alice}/contacts");
        var again = await client.Http.PostAsJsonAsync($"/api/v1/contacts/{other}/withdrawal", new { Reason = "二度目" });
        var outsider = await (await world.SignInAsync("caseworkerB")).Http.GetAsync(edit);

        Assert.NotNull(person.QuerySelector($"#contact-{world.AliceContact} a[href='{edit}']"));
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal("訂正の理由: 入力してください。", (await WebClient.ParseAsync(noReason)).QuerySelector("#reason-error")!.TextContent);
        Assert.Equal(HttpStatusCode.Redirect, corrected.StatusCode);
        Assert.Equal($"/people/{world.Alice}#contact-{world.AliceContact}", corrected.Headers.Location!.OriginalString);
        Assert.Contains("訂正する内容がありません", (await WebClient.ParseAsync(unchanged)).QuerySelector("#reason-error")!.TextContent);
        Assert.Contains("訂正前の本人・家族の話: 数学の課題に取り組んだ", history.QuerySelector("main")!.TextContent);
        Assert.Equal("取消の理由: 入力してください。", (await WebClient.ParseAsync(withdrawNoReason)).QuerySelector("#withdrawReason-error")!.TextContent);
        Assert.Equal(HttpStatusCode.Redirect, withdrawn.StatusCode);
        // Two study sessions, one person; then one consultation (corrected) and the other withdrawn.
        Assert.Equal([2m, 0m, 1m], before);
        Assert.Equal([1m, 1m, 1m], after);
        Assert.Equal("経過（1 件・取消 1 件）", timeline.QuerySelector("#timeline")!.TextContent);
        Assert.Equal("取消", timeline.QuerySelector($"#contact-{other}.withdrawn .status")!.TextContent);
        Assert.Contains("英語の課題に取り組んだ", timeline.QuerySelector($"#contact-{world.AliceContact}")!.TextContent);
        Assert.Equal([world.AliceContact], api!.RootElement.EnumerateArray().Select(c => c.GetProperty("id").GetInt64()));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, outsider.StatusCode);

        await using var check = world.Database.NewDb();
        var note = await check.ContactNotes.Include(n => n.Revisions).SingleAsync(n => n.ContactId == world.AliceContact);
        Assert.Equal("英語の課題に取り組んだ", note.Text);
        Assert.Equal(["数学の課題に取り組んだ"], note.Revisions.Select(r => r.Text));
        // Never deleted: the withdrawn record is still there, with its text.
        Assert.Equal("進路について話した", (await check.ContactNotes.SingleAsync(n => n.ContactId == other)).Text);
        Assert.NotNull((await check.Contacts.IgnoreQueryFilters().SingleAsync(c => c.Id == other)).WithdrawnAt);
        var audit = await check.AuditEntries.Where(a => a.Action.StartsWith("contact.")).OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(["contact.correct", "contact.withdraw"], audit.Select(a => a.Action));
        Assert.Equal("2024-06-01 15:00 相談 （分類なし） 来所 事業所:なし 本文の訂正: 本人・家族の話", audit[0].After);
        Assert.Equal(("教科と種別の誤り", "別の生徒の記録だった"), (audit[0].Reason, audit[1].Reason));
        // The audit names the segment, never its words.
        Assert.DoesNotContain(audit, a => (a.Before + a.After).Contains("課題") || (a.Before + a.After).Contains("進路"));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task TwoCorrectionsOfOneContact_TheLaterIsShownWhatChanged_NeverSilentlyOverwriting(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var worker = await world.SignInAsync("caseworkerA");
        var manager = await world.SignInAsync("managerA");
        var edit = $"/contacts/{world.AliceContact}/edit";
        static AngleSharp.Html.Dom.IHtmlFormElement Form(AngleSharp.Html.Dom.IHtmlDocument page) =>
            page.QuerySelector<AngleSharp.Html.Dom.IHtmlFormElement>("form[action*=correct]")!;
        var workersForm = Form(await worker.GetDocumentAsync(edit));
        var managersForm = Form(await manager.GetDocumentAsync(edit));
        using var read = await worker.Http.GetFromJsonAsync<System.Text.Json.JsonDocument>($"/api/v1/people/{world.Alice}/contacts");
        var apiVersion = read!.RootElement.EnumerateArray().Single(c => c.GetProperty("id").GetInt64() == world.AliceContact).GetProperty("version").GetInt32();

        // Only the text: the contact's version still moves.
        var first = await worker.SubmitAsync(workersForm, edit, new() { ["Form.Notes[PersonSaid]"] = "英語の課題に取り組んだ", ["Form.Reason"] = "教科の誤り" });
        var stale = await manager.SubmitAsync(managersForm, edit, new() { ["Form.Duration"] = "90", ["Form.Reason"] = "時間の記入漏れ" });
        var conflict = await WebClient.ParseAsync(stale);
        var staleApi = await worker.Http.PutAsJsonAsync($"/api/v1/contacts/{world.AliceContact}", new
        {
            Date = "2024-06-01",
            Time = "15:00",
            Kind = "StudySession",
            Channel = "Visit",
            Reason = "API から",
            DurationMinutes = 30,
            Version = apiVersion,
        });
        var again = await manager.SubmitAsync(Form(conflict), edit, []);

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("教科の誤り", conflict.QuerySelector(".conflict p")!.TextContent);
        // The stored text against the manager's form, which still holds the text it was opened with, and the length typed.
        Assert.Equal(["時間（分） 90", "本人・家族の話 英語の課題に取り組んだ 数学の課題に取り組んだ"],
            conflict.QuerySelectorAll(".conflict tbody tr").Select(r => string.Join(' ', r.Children.Select(c => c.TextContent).Where(t => t.Length > 0))));
        Assert.Equal(HttpStatusCode.Conflict, staleApi.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        await using var db = world.Database.NewDb();
        var contact = await db.Contacts.Include(c => c.Notes).SingleAsync(c => c.Id == world.AliceContact);
        // The manager saved knowingly, over the text: the worker's text is an earlier revision, not lost.
        Assert.Equal((90, 2, "数学の課題に取り組んだ"), (contact.DurationMinutes!.Value, contact.Version, contact.Notes.Single().Text));
        Assert.Equal(["数学の課題に取り組んだ", "英語の課題に取り組んだ"],
            await db.ContactNoteRevisions.Where(r => db.ContactNotes.Any(n => n.Id == r.NoteId && n.ContactId == world.AliceContact)).OrderBy(r => r.Id).Select(r => r.Text).ToListAsync());
    }
}
