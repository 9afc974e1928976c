using System.Net;
using System.Net.Http.Json;
using AngleSharp.Dom;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Audit;
using Tsunagu.People;
using Tsunagu.Tests.Infrastructure;
using WebClient = Tsunagu.Tests.Web.WebClient;

namespace Tsunagu.Tests.People;

/// <summary>連絡先: telephone, e-mail, address and consents, written and searched under the person's scope.</summary>
public class ContactDetailsTests
{
    [Theory]
    [InlineData("090-1234-5678", "09012345678", null)]
    [InlineData("０９０－１２３４－５６７８", "09012345678", null)]
    [InlineData("(022) 214-1111", "0222141111", null)]
    [InlineData("+81 90 1234 5678", "09012345678", null)]
    [InlineData("1234-5678", "12345678", "0から始まる")]
    [InlineData("090-1234-5678 内線3", "090123456783", "0から始まる")]
    [InlineData("022-214-11111111", "02221411111111", "0から始まる")]
    public void ATelephoneNumber_IsReadInEveryWidth_AndItsDigitsAreTheKey(string typed, string key, string? problem)
    {
        Assert.Equal(key, ContactDetailsRules.PhoneKey(typed));
        if (problem is null)
        {
            Assert.Null(ContactDetailsRules.Phone(typed));
        }
        else
        {
            Assert.Contains(problem, ContactDetailsRules.Phone(typed));
        }
    }

    [Theory]
    [InlineData("980-0811", "980-0811")]
    [InlineData("9800811", "980-0811")]
    [InlineData("〒９８０－０８１１", "980-0811")]
    [InlineData("98-00811", null)]
    [InlineData("980-081", null)]
    public void APostalCode_IsSevenDigits_WrittenWithItsHyphen(string typed, string? stored)
    {
        Assert.Equal(stored is null, ContactDetailsRules.PostalCode(typed) is not null);
        if (stored is not null)
        {
            Assert.Equal(stored, ContactDetailsRules.PostalCodeText(typed));
        }
    }

    [Theory]
    [InlineData("青葉区一番町1丁目2番3号", "青葉区一番町1-2-3")]
    [InlineData("青葉区一番町１－２－３", "青葉区一番町1-2-3")]
    [InlineData("青葉区 一番町1ー2ー3 コーポ青葉101", "青葉区一番町1-2-3コーポ青葉101")]
    [InlineData("泉区泉中央1丁目7番地の1", "泉区泉中央1-7-1")]
    public void AnAddress_IsFoldedForSearch_SoThatItsUsualSpellingsMeet(string typed, string key) =>
        Assert.Equal(key, ContactDetailsRules.AddressKey(typed));

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Caseworker_WritesTheDetails_AndFindsThePersonByTelephoneAndAddress_EachReadLogged(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var client = await world.SignInAsync("caseworkerA");
        var page = $"/people/{world.Alice}/contact-details";

        var bad = await client.SubmitAsync(page, "form#details", new() { ["Form.Phone"] = "1234", ["Form.PostalCode"] = "980-0811" });
        var saved = await client.SubmitAsync(page, "form#details", new()
        {
            ["Form.Phone"] = "０８０－９８７６－５４３２",
            ["Form.Email"] = "yoshiko@example.jp",
            ["Form.PostalCode"] = "9813133",
            ["Form.Address"] = "泉区泉中央1丁目7番地の1 メゾン泉202",
        });
        var shown = await client.GetDocumentAsync(page);
        var byPhone = await WebClient.ParseAsync(await client.SubmitAsync("/people", "form[role=search]", new() { ["phone"] = "5432" }));
        var byWholeNumber = await client.Http.PostAsJsonAsync("/api/v1/people/search", new { phone = "080-9876-5432" });
        var byAddress = await WebClient.ParseAsync(await client.SubmitAsync("/people", "form[role=search]", new() { ["address"] = "泉中央１－７－１" }));
        var byMothersPhone = await WebClient.ParseAsync(await client.SubmitAsync("/people", "form[role=search]", new() { ["phone"] = "09012345678" }));
        var tooShort = await WebClient.ParseAsync(await client.SubmitAsync("/people", "form[role=search]", new() { ["phone"] = "432" }));
        var ward = await client.Http.PostAsJsonAsync("/api/v1/people/search", new { address = "泉区" });
        var outsider = await (await world.SignInAsync("caseworkerB")).SubmitAsync("/people", "form[role=search]", new() { ["phone"] = "5432" });

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("0から始まる", (await WebClient.ParseAsync(bad)).QuerySelector("#phone-error")!.TextContent);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal("080-9876-5432", shown.QuerySelector<AngleSharp.Html.Dom.IHtmlInputElement>("#phone")!.Value);
        Assert.Equal("981-3133", shown.QuerySelector<AngleSharp.Html.Dom.IHtmlInputElement>("#postal-code")!.Value);
        // A child's page shows the guardians' contact: her mother's telephone.
        Assert.Contains(RecordsWorld.MotherPhone, shown.QuerySelector("#guardians + ul")!.TextContent);
        Assert.Equal([RecordsWorld.AliceName], byPhone.QuerySelectorAll("tbody th a").Select(a => a.TextContent));
        using var found = await byWholeNumber.Content.ReadFromJsonAsync<System.Text.Json.JsonDocument>();
        Assert.Equal([world.Alice], found!.RootElement.EnumerateArray().Select(p => p.GetProperty("id").GetInt32()));
        // The address is the household's: Alice and her mother live there.
        Assert.Equal(["髙橋 花子", RecordsWorld.AliceName], byAddress.QuerySelectorAll("tbody th a").Select(a => a.TextContent));
        Assert.Equal(["髙橋 花子"], byMothersPhone.QuerySelectorAll("tbody th a").Select(a => a.TextContent));
        Assert.Contains("4桁以上", tooShort.QuerySelector(".errors, [role=alert]")!.TextContent);
        Assert.Equal(HttpStatusCode.BadRequest, ward.StatusCode);
        Assert.DoesNotContain("𠮷子", await WebClient.ReadableAsync(outsider));

        await using var db = world.Database.NewDb();
        var alice = await db.Persons.Include(p => p.Household).SingleAsync(p => p.Id == world.Alice);
        Assert.Equal(("080-9876-5432", "08098765432", "yoshiko@example.jp"), (alice.Phone, alice.PhoneKey, alice.Email));
        Assert.Equal("泉区泉中央1丁目7番地の1 メゾン泉202", alice.Household!.Address);
        var audit = await db.AuditEntries.SingleAsync(a => a.Action == AuditActions.PersonContactDetails);
        Assert.Equal("電話番号・メールアドレス・郵便番号・住所", audit.After);
        Assert.Null(audit.Before);
        Assert.True(await db.AccessLog.AnyAsync(e => e.PersonId == world.Alice && e.Source == "POST /people (search)"));
        Assert.True(await db.AccessLog.AnyAsync(e => e.PersonId == world.Mother && e.Source == "GET /people/{id}/contact-details (guardians)"));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task TwoWorkersSavingTheSameDetails_TheSecondIsShownWhatChanged_NotOverwriting(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var first = await world.SignInAsync("caseworkerA");
        var second = await world.SignInAsync("managerA");
        var page = $"/people/{world.Mother}/contact-details";
        var firstForm = (await first.GetDocumentAsync(page)).QuerySelector<AngleSharp.Html.Dom.IHtmlFormElement>("form#details")!;
        var secondForm = (await second.GetDocumentAsync(page)).QuerySelector<AngleSharp.Html.Dom.IHtmlFormElement>("form#details")!;

        var saved = await first.SubmitAsync(firstForm, page, new() { ["Form.Phone"] = "090-1111-2222" });
        var stale = await second.SubmitAsync(secondForm, page, new() { ["Form.Phone"] = "090-3333-4444" });
        var conflict = await WebClient.ParseAsync(stale);
        var again = await second.SubmitAsync(conflict.QuerySelector<AngleSharp.Html.Dom.IHtmlFormElement>("form#details")!, page, []);

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal(["電話番号 090-1111-2222 090-3333-4444"],
            conflict.QuerySelectorAll(".conflict tbody tr").Select(r => string.Join(' ', r.Children.Select(c => c.TextContent))));
        // What the second worker typed is still in the box; saving it again is a decision made knowing the other.
        Assert.Equal("090-3333-4444", conflict.QuerySelector<AngleSharp.Html.Dom.IHtmlInputElement>("#phone")!.Value);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        await using var db = world.Database.NewDb();
        var mother = await db.Persons.SingleAsync(p => p.Id == world.Mother);
        Assert.Equal(("090-3333-4444", 2), (mother.Phone, mother.Version));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task AHouseholdsConsent_IsRecordedPerChannel_OnceAtATime_AndWithdrawnWithItsDay(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var client = await world.SignInAsync("caseworkerA");
        var page = $"/people/{world.Alice}/contact-details";

        var given = await client.SubmitAsync(page, "form[action*=consent]", new() { ["channel"] = "Email", ["givenOn"] = "2024-06-18" });
        var twice = await client.SubmitAsync(page, "form[action*=consent]", new() { ["channel"] = "Email", ["givenOn"] = "2024-06-19" });
        var future = await client.SubmitAsync(page, "form[action*=consent]", new() { ["channel"] = "Line", ["givenOn"] = "2024-07-01" });
        var unchosen = await client.SubmitAsync(page, "form[action*=consent]", new() { ["channel"] = "" });
        var early = await client.SubmitAsync(page, "form[action*=withdraw]", new() { ["withdrawnOn"] = "2024-06-01" });
        var withdrawn = await client.SubmitAsync(page, "form[action*=withdraw]", new() { ["withdrawnOn"] = "2024-06-20" });
        // The mother's page is the same household's: the consent is the household's.
        var mothers = await client.GetDocumentAsync($"/people/{world.Mother}/contact-details");
        var outsider = await (await world.SignInAsync("caseworkerB")).Http.PostAsync($"{page}?handler=consent", null);

        Assert.Equal(HttpStatusCode.Redirect, given.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, future.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unchosen.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, early.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, withdrawn.StatusCode);
        Assert.Contains("撤回", mothers.QuerySelector("#consents + table tbody tr")!.TextContent);
        Assert.NotEqual(HttpStatusCode.Redirect, outsider.StatusCode);
        await using var db = world.Database.NewDb();
        var consent = await db.ReachConsents.SingleAsync();
        Assert.Equal((world.AliceHousehold, ReachChannel.Email, new DateOnly(2024, 6, 18), new DateOnly(2024, 6, 20)),
            (consent.HouseholdId, consent.Channel, consent.GivenOn, consent.WithdrawnOn!.Value));
        Assert.Equal([AuditActions.HouseholdConsent, AuditActions.HouseholdConsentWithdraw],
            await db.AuditEntries.Where(a => a.Subject == $"person:{world.Alice}" && a.Action.StartsWith("household.")).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task AHouseholdWithARestrictedMember_KeepsItsAddressFromThoseWhoDoNotSeeThem(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var worker = await world.SignInAsync("caseworkerA");
        // A colleague of the program, not named on the restriction: sees the mother, not the child in temporary protection.
        var (_, colleague) = await RestrictionTests.ColleagueAsync(world);
        await worker.SubmitAsync($"/people/{world.Alice}/contact-details", "form[action*=consent]", new() { ["channel"] = "Paper", ["givenOn"] = "2024-06-18" });
        await worker.SubmitAsync($"/people/{world.Alice}/restriction", "form[action*=restrict]", new() { ["kind"] = "TemporaryProtection" });

        var mothersPage = await WebClient.ReadableAsync(await colleague.Http.GetAsync($"/people/{world.Mother}"));
        var details = await colleague.GetDocumentAsync($"/people/{world.Mother}/contact-details");
        var saved = await colleague.SubmitAsync($"/people/{world.Mother}/contact-details", "form#details", new() { ["Form.Phone"] = "090-5555-6666" });
        var byAddress = await colleague.Http.PostAsJsonAsync("/api/v1/people/search", new { address = "一番町1-2-3" });
        var consent = await colleague.Http.GetAsync($"/people/{world.Mother}/contact-details");
        var workersView = await worker.GetDocumentAsync($"/people/{world.Mother}/contact-details");

        Assert.DoesNotContain("コーポ青葉", mothersPage);
        Assert.Null(details.QuerySelector("#address"));
        Assert.Null(details.QuerySelector("#consents"));
        Assert.Contains("世帯の住所と連絡方法は表示しません", details.QuerySelector("main")!.TextContent);
        Assert.DoesNotContain("コーポ青葉", await WebClient.ReadableAsync(consent));
        // Her own telephone is hers: saved, and the household's address left as it was.
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal("[]", await byAddress.Content.ReadAsStringAsync());
        // The worker named on the restriction sees the household whole.
        Assert.Equal(RecordsWorld.AliceAddress, workersView.QuerySelector<AngleSharp.Html.Dom.IHtmlInputElement>("#address")!.Value);
        await using var check = world.Database.NewDb();
        var household = await check.Households.SingleAsync(h => h.Id == world.AliceHousehold);
        Assert.Equal(RecordsWorld.AliceAddress, household.Address);
        Assert.Equal("090-5555-6666", (await check.Persons.SingleAsync(p => p.Id == world.Mother)).Phone);
    }
}
