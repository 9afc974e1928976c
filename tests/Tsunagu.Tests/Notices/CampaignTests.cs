using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Tsunagu.Catalogue;
using Tsunagu.Data;
using Tsunagu.Indicators;
using Tsunagu.Japanese;
using Tsunagu.Notices;
using Tsunagu.People;
using Tsunagu.Tests.Infrastructure;
using WebClient = Tsunagu.Tests.Web.WebClient;

namespace Tsunagu.Tests.Notices;

/// <summary>
/// A notice from its words to the outbox: written by a planner, counted by channel in the preview, approved by the
/// program's manager (never by its writer), queued on its day to the households that agreed — once each, never a
/// restricted one, never one that withdrew.
/// </summary>
public class CampaignTests
{
    /// <summary>1 July–31 July 2024 for 中3 (Alice, in the world); the campaign goes 7 days before it opens: 24 June.</summary>
    internal static async Task<int> WindowAsync(TestDatabase database, string target = "学年=中3", string program = "P001")
    {
        await using var db = database.NewDb();
        var scheme = new SupportScheme
        {
            FiscalYear = 2024,
            Key = "summer-school",
            Name = "夏期講座",
            Summary = "夏休みの講座です。",
            WhoCanApply = "中学3年生",
            HowToApply = "窓口で",
            ContactPoint = "子供家庭支援課 022-000-0000",
            ProgramId = await db.Programs.Where(p => p.Code == program).Select(p => p.Id).SingleAsync(),
            Windows = [new ApplicationWindow { Opens = new DateOnly(2024, 7, 1), Closes = new DateOnly(2024, 7, 31), Target = target }],
        };
        db.SupportSchemes.Add(scheme);
        await db.SaveChangesAsync();
        return scheme.Windows[0].Id;
    }

    static Dictionary<string, string> Words(string message = "夏期講座の申し込みが7月1日から始まります。") => new()
    {
        ["Form.Timing"] = "BeforeOpening",
        ["Form.Days"] = "7",
        ["Form.Message"] = message,
    };

    internal static Outbox OutboxOn(TestDatabase database, TsunaguDb db, DateTimeOffset at) =>
        new(db, new FixedTime(at), new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Public:BaseUrl"] = "https://www.city.example.jp/shien/" }).Build());

    static async Task ConsentAsync(TestDatabase database, int householdId, ReachChannel channel, string? lineUserId = null, DateOnly? withdrawn = null)
    {
        await using var db = database.NewDb();
        db.ReachConsents.Add(new ReachConsent { HouseholdId = householdId, Channel = channel, GivenOn = new DateOnly(2024, 6, 1), WithdrawnOn = withdrawn, LineUserId = lineUserId, RecordedBy = "職員", RecordedAt = new DateTimeOffset(2024, 6, 1, 1, 0, 0, TimeSpan.Zero) });
        await db.SaveChangesAsync();
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task APlannersNotice_ApprovedByTheManager_IsQueuedOnItsDay_ToEachHouseholdThatAgreed_OncePerChannel(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var window = await WindowAsync(world.Database);
        int restrictedHousehold, withdrawnHousehold;
        await using (var db = world.Database.NewDb())
        {
            var mother = await db.Persons.SingleAsync(p => p.Id == world.Mother);
            mother.Email = "hanako@example.jp";
            // Another 中3 whose household has a restricted member (送付禁止): agreed to e-mail, never a recipient.
            var restricted = new Household();
            db.Persons.AddRange(
                new Person { Name = "子", Kana = "こ", KanaKey = JapaneseText.KanaKey("こ"), BirthDate = new DateOnly(2009, 9, 1), Role = PersonRole.Child, Household = restricted, Email = "child@example.jp" },
                new Person { Name = "母", Kana = "はは", KanaKey = JapaneseText.KanaKey("はは"), BirthDate = new DateOnly(1985, 1, 1), Role = PersonRole.Guardian, Household = restricted, Restriction = RestrictionKind.DomesticViolence });
            // A 中3 whose household withdrew its e-mail consent on 10 June.
            var withdrew = new Household();
            db.Persons.Add(new Person { Name = "子", Kana = "こ", KanaKey = JapaneseText.KanaKey("こ"), BirthDate = new DateOnly(2009, 10, 1), Role = PersonRole.Child, Household = withdrew, Email = "withdrew@example.jp" });
            await db.SaveChangesAsync();
            (restrictedHousehold, withdrawnHousehold) = (restricted.Id, withdrew.Id);
        }
        await ConsentAsync(world.Database, world.AliceHousehold, ReachChannel.Email);
        await ConsentAsync(world.Database, world.AliceHousehold, ReachChannel.Line, "U" + new string('a', 32));
        await ConsentAsync(world.Database, restrictedHousehold, ReachChannel.Email);
        await ConsentAsync(world.Database, withdrawnHousehold, ReachChannel.Email, withdrawn: new DateOnly(2024, 6, 10));
        var planner = await world.SignInAsync("planner");
        var manager = await world.SignInAsync("managerA");

        var saved = await planner.SubmitAsync($"/notices/edit?window={window}", "main form", Words());
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var page = saved.Headers.Location!.OriginalString;
        var preview = await planner.GetDocumentAsync(page);
        var byViewer = await (await world.SignInAsync("viewer")).GetDocumentAsync(page);
        var approve = await manager.SubmitAsync(page, "form[action*='approve']", []);
        var approved = await manager.GetDocumentAsync(page);

        // The preview counts households by channel, small counts suppressed, and names no one; the counts are for who
        // writes or approves, not for every member of staff.
        var counts = preview.QuerySelectorAll("tbody tr").Select(r => r.TextContent.Replace("\n", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal)).ToList();
        Assert.Equal(["メール5未満", "LINE5未満"], counts);
        Assert.Empty(byViewer.QuerySelectorAll("tbody tr"));
        Assert.DoesNotContain(RecordsWorld.AliceName, preview.Body!.TextContent);
        Assert.Contains("https://www.city.example.jp/kosodate-shien/schemes/2024/summer-school.html", preview.Body.TextContent);
        Assert.Null(preview.QuerySelector("form[action*='approve']"));
        Assert.Equal(HttpStatusCode.Redirect, approve.StatusCode);
        Assert.Contains("承認済み", approved.QuerySelector(".status")!.TextContent);

        await using (var db = world.Database.NewDb())
        {
            var before = await OutboxOn(world.Database, db, new DateTimeOffset(2024, 6, 23, 23, 0, 0, TimeSpan.FromHours(9))).QueueDueAsync();
            var onTheDay = await OutboxOn(world.Database, db, new DateTimeOffset(2024, 6, 24, 0, 5, 0, TimeSpan.FromHours(9))).QueueDueAsync();
            var again = await OutboxOn(world.Database, db, new DateTimeOffset(2024, 6, 24, 0, 10, 0, TimeSpan.FromHours(9))).QueueDueAsync();

            Assert.Equal(new QueueSummary(0, 0, 0), before);
            Assert.Equal(new QueueSummary(1, 2, 0), onTheDay);
            Assert.Equal(new QueueSummary(0, 0, 0), again);
        }
        await using var check = world.Database.NewDb();
        var deliveries = await check.Deliveries.OrderBy(d => d.Channel).ToListAsync();
        Assert.Equal([(ReachChannel.Email, "hanako@example.jp"), (ReachChannel.Line, "U" + new string('a', 32))], deliveries.Select(d => (d.Channel, d.Address)));
        Assert.All(deliveries, d => Assert.Equal(world.AliceHousehold, d.HouseholdId));
        Assert.All(deliveries, d => Assert.DoesNotContain("髙橋", d.Message, StringComparison.Ordinal));
        Assert.Equal("【仙台市】夏期講座のお知らせ", deliveries[0].Subject);
        Assert.Equal(CampaignStatus.Queued, (await check.Campaigns.SingleAsync()).Status);
        Assert.Equal(["campaign.save", "campaign.approve", "campaign.queue"],
            await check.AuditEntries.Where(a => a.Action.StartsWith("campaign.")).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
        Assert.Contains("メール 1件・LINE 1件", await check.AuditEntries.Where(a => a.Action == "campaign.queue").Select(a => a.After).SingleAsync());
    }

    [Fact]
    public async Task TheWriter_CannotApprove_AndNeitherCanAPlannerOrACaseworker()
    {
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite);
        var window = await WindowAsync(world.Database);
        var manager = await world.SignInAsync("managerA");
        var caseworker = await world.SignInAsync("caseworkerA");

        var byCaseworker = await caseworker.SubmitAsync($"/notices/edit?window={window}", "main form", Words());
        var saved = await manager.SubmitAsync($"/notices/edit?window={window}", "main form", Words());
        var page = saved.Headers.Location!.OriginalString;
        var shown = await manager.GetDocumentAsync(page);
        var id = page.Split('/')[^1];
        var selfApproval = await manager.Http.PostAsync($"{page}?handler=approve", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["version"] = "0",
            ["__RequestVerificationToken"] = shown.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!,
        }));
        var planner = await world.SignInAsync("planner");
        var plannerPage = await planner.GetDocumentAsync(page);

        Assert.Equal(HttpStatusCode.OK, byCaseworker.StatusCode);
        Assert.Contains("お知らせを書けるのは", (await WebClient.ParseAsync(byCaseworker)).QuerySelector(".errors")!.TextContent);
        Assert.Null(shown.QuerySelector("form[action*='approve']"));
        Assert.Equal(HttpStatusCode.Conflict, selfApproval.StatusCode);
        Assert.Contains("自分で書いた（直した）お知らせは承認できません", await selfApproval.Content.ReadAsStringAsync());
        Assert.Null(plannerPage.QuerySelector("form[action*='approve']"));
        await using var db = world.Database.NewDb();
        var campaign = await db.Campaigns.SingleAsync(c => c.Id == int.Parse(id, CultureInfo.InvariantCulture));
        Assert.Equal(CampaignStatus.Draft, campaign.Status);
    }

    [Fact]
    public async Task AFormWithoutChannelsOrWithAPastDay_IsRefusedByTheField()
    {
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite);
        var window = await WindowAsync(world.Database);
        var planner = await world.SignInAsync("planner");

        // 40 days before 1 July is 22 May: past on 20 June.
        var past = await planner.SubmitAsync($"/notices/edit?window={window}", "main form", new(Words()) { ["Form.Days"] = "40" });
        // A day count past any calendar is the field's error, not a fault.
        var huge = await planner.SubmitAsync($"/notices/edit?window={window}", "main form", new(Words()) { ["Form.Days"] = "2147483647" });
        var noChannel = await planner.Http.PostAsync($"/notices/edit?window={window}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Window"] = window.ToString(CultureInfo.InvariantCulture),
            ["Form.Timing"] = "OnOpening",
            ["Form.Message"] = "お知らせ",
            ["__RequestVerificationToken"] = (await planner.GetDocumentAsync($"/notices/edit?window={window}")).QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, past.StatusCode);
        Assert.Contains("令和6年5月22日", (await WebClient.ParseAsync(past)).QuerySelector("#days-error")!.TextContent);
        Assert.Equal(HttpStatusCode.BadRequest, huge.StatusCode);
        Assert.Contains("1から60までの日数", (await WebClient.ParseAsync(huge)).QuerySelector("#days-error")!.TextContent);
        Assert.Equal(HttpStatusCode.BadRequest, noChannel.StatusCode);
        Assert.Contains("一つ以上選んでください", (await WebClient.ParseAsync(noChannel)).QuerySelector("#channels-error")!.TextContent);
        await using var db = world.Database.NewDb();
        Assert.Equal(0, await db.Campaigns.CountAsync());
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task AWithdrawalAfterQueueing_StopsTheWaitingNotice_AndALapsedCampaignSendsNothing(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var window = await WindowAsync(world.Database);
        await using (var db = world.Database.NewDb())
        {
            (await db.Persons.SingleAsync(p => p.Id == world.Mother)).Email = "hanako@example.jp";
            db.Campaigns.AddRange(
                new Campaign { WindowId = window, Timing = NoticeTiming.OnOpening, Channels = [ReachChannel.Email, ReachChannel.Line], Message = "始まりました", CreatedBy = "企画", Status = CampaignStatus.Approved },
                new Campaign { WindowId = window, Timing = NoticeTiming.BeforeClosing, Days = 3, Channels = [ReachChannel.Email], Message = "締切が近づいています", CreatedBy = "企画", Status = CampaignStatus.Approved });
            await db.SaveChangesAsync();
        }
        await ConsentAsync(world.Database, world.AliceHousehold, ReachChannel.Email);
        await ConsentAsync(world.Database, world.AliceHousehold, ReachChannel.Line, "U" + new string('b', 32));
        await using (var db = world.Database.NewDb())
        {
            // On 1 July the first goes; the household is notified of the window once, so the second finds no one new.
            var opening = await OutboxOn(world.Database, db, new DateTimeOffset(2024, 7, 1, 9, 0, 0, TimeSpan.FromHours(9))).QueueDueAsync();
            Assert.Equal(new QueueSummary(1, 2, 0), opening);
        }
        var caseworker = await world.SignInAsync("caseworkerA");
        var consentId = await ConsentIdAsync(world.Database, world.AliceHousehold);
        var withdraw = await caseworker.SubmitAsync($"/people/{world.Alice}/contact-details", "form[action*='withdraw']", new() { ["withdrawnOn"] = "2024-06-20" });
        Assert.Equal(HttpStatusCode.Redirect, withdraw.StatusCode);
        // A restriction recorded on the mother (DV): the LINE notice waiting for the household is not sent either.
        var restrict = await caseworker.SubmitAsync($"/people/{world.Mother}/restriction", "form[action*='restrict']", new() { ["kind"] = "DomesticViolence" });
        Assert.Equal(HttpStatusCode.Redirect, restrict.StatusCode);
        await using (var db = world.Database.NewDb())
        {
            // The server was down from 28 July until 2 August: the closing reminder's window has closed.
            var late = await OutboxOn(world.Database, db, new DateTimeOffset(2024, 8, 2, 9, 0, 0, TimeSpan.FromHours(9))).QueueDueAsync();
            Assert.Equal(new QueueSummary(0, 0, 1), late);
        }
        await using var check = world.Database.NewDb();
        Assert.Equal([(ReachChannel.Email, DeliveryStatus.OptedOut), (ReachChannel.Line, DeliveryStatus.Stopped)],
            await check.Deliveries.OrderBy(d => d.Channel).Select(d => new ValueTuple<ReachChannel, DeliveryStatus>(d.Channel, d.Status)).ToListAsync());
        Assert.Equal([CampaignStatus.Queued, CampaignStatus.Lapsed], await check.Campaigns.OrderBy(c => c.Id).Select(c => c.Status).ToListAsync());
        Assert.True(await check.ReachConsents.AnyAsync(c => c.Id == consentId && c.WithdrawnOn != null));
    }

    static async Task<int> ConsentIdAsync(TestDatabase database, int household)
    {
        await using var db = database.NewDb();
        return await db.ReachConsents.Where(c => c.HouseholdId == household && c.Channel == ReachChannel.Email).Select(c => c.Id).SingleAsync();
    }

    /// <summary>
    /// 情報提供世帯数 of ひとり親家庭等生活向上支援事業 is counted from the notices that reached households in the fiscal year
    /// (Japan time): a household reached by e-mail and LINE once, a queued or failed notice not at all, last year's
    /// in last year; and a program's other systems are its own.
    /// </summary>
    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task TheHouseholdsReached_AreProgram8sFigure_CountedOncePerHousehold_InTheFiscalYearTheyWereReached(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var p008Window = await WindowAsync(world.Database, "世帯=ひとり親", "P008");
        await world.DefineAsync(new DefinitionInput("P008", "noticed", 2023, 0, "情報提供世帯数", "世帯", Tsunagu.Indicators.MeasureKind.NoticedHouseholds));
        await using (var db = world.Database.NewDb())
        {
            var campaign = new Campaign { WindowId = p008Window, Channels = [ReachChannel.Email, ReachChannel.Line], Message = "お知らせ", CreatedBy = "企画", Status = CampaignStatus.Queued };
            db.Campaigns.Add(campaign);
            var households = Enumerable.Range(0, 4).Select(_ => new Household()).ToList();
            db.Households.AddRange(households);
            await db.SaveChangesAsync();
            // Sent at 23:30 on 31 March 2025 Japan time (14:30 UTC): still FY2024. Sent at 00:30 on 1 April 2024 (15:30 UTC the day before): FY2024 too.
            var lastOfYear = new DateTimeOffset(2025, 3, 31, 23, 30, 0, TimeSpan.FromHours(9)).ToUniversalTime();
            var firstOfYear = new DateTimeOffset(2024, 4, 1, 0, 30, 0, TimeSpan.FromHours(9)).ToUniversalTime();
            var lastYear = new DateTimeOffset(2024, 3, 31, 23, 30, 0, TimeSpan.FromHours(9)).ToUniversalTime();
            Delivery Sent(Household h, ReachChannel channel, DateTimeOffset? at, DeliveryStatus status = DeliveryStatus.Sent) => new()
            {
                CampaignId = campaign.Id,
                WindowId = p008Window,
                HouseholdId = h.Id,
                Channel = channel,
                Address = "a",
                Subject = "【仙台市】夏期講座のお知らせ",
                Message = "お知らせ",
                Key = Guid.NewGuid(),
                Status = status,
                SentAt = at,
            };
            db.Deliveries.AddRange(
                Sent(households[0], ReachChannel.Email, lastOfYear), Sent(households[0], ReachChannel.Line, lastOfYear),
                Sent(households[1], ReachChannel.Email, firstOfYear),
                Sent(households[2], ReachChannel.Email, lastYear),
                Sent(households[3], ReachChannel.Email, null, DeliveryStatus.Failed), Sent(households[3], ReachChannel.Line, null));
            await db.SaveChangesAsync();
        }

        var figures = await world.ComputeAsync(2024);
        var before = await world.ComputeAsync(2023);
        var manager = await world.SignInAsync("planner");

        Assert.Equal(2m, figures["P008.noticed"]);
        Assert.Equal(1m, before["P008.noticed"]);
        await using var check = world.Database.NewDb();
        var definitionId = await check.IndicatorDefinitions.Where(d => d.Key == "noticed").Select(d => d.Id).SingleAsync();
        var drill = await manager.GetDocumentAsync($"/indicators/2024/{definitionId}");
        var rows = drill.QuerySelectorAll("tbody tr").Select(r => r.TextContent).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Contains(rows, r => r.Contains("メール", StringComparison.Ordinal) && r.Contains('2'));
        Assert.Contains(rows, r => r.Contains("LINE", StringComparison.Ordinal) && r.Contains('1'));
    }

    [Fact]
    public async Task TheManagerWhoChangedAPlannersNotice_CannotApproveIt_AndACatalogueChangeTakesAnApprovalBack()
    {
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite);
        var window = await WindowAsync(world.Database);
        var planner = await world.SignInAsync("planner");
        var manager = await world.SignInAsync("managerA");
        var page = (await planner.SubmitAsync($"/notices/edit?window={window}", "main form", Words())).Headers.Location!.OriginalString;
        var id = page.Split('/')[^1];

        var edited = await manager.SubmitAsync($"/notices/edit/{id}", "main form", Words("申し込みは7月1日からです。"));
        var afterEdit = await manager.GetDocumentAsync(page);
        // The planner puts the words back; now the manager only approves.
        await planner.SubmitAsync($"/notices/edit/{id}", "main form", Words());
        var approve = await manager.SubmitAsync(page, "form[action*='approve']", []);
        await using (var db = world.Database.NewDb())
        {
            Assert.Equal(CampaignStatus.Approved, (await db.Campaigns.SingleAsync()).Status);
        }
        var schemeId = await SchemeIdAsync(world.Database);
        var moved = await planner.SubmitAsync($"/catalogue/edit/{schemeId}", "main form", new() { ["Form.Windows[0].Opens"] = "2024-07-05" });
        var removal = await planner.SubmitAsync($"/catalogue/edit/{schemeId}", "main form", new() { ["Form.Windows[0].Opens"] = "", ["Form.Windows[0].Closes"] = "", ["Form.Windows[0].Target"] = "" });

        Assert.Equal(HttpStatusCode.Redirect, edited.StatusCode);
        Assert.Null(afterEdit.QuerySelector("form[action*='approve']"));
        Assert.Equal(HttpStatusCode.Redirect, approve.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, removal.StatusCode);
        Assert.Contains("お知らせがあるため、消せません", await removal.Content.ReadAsStringAsync());
        await using var check = world.Database.NewDb();
        var campaign = await check.Campaigns.Include(c => c.Window).SingleAsync();
        Assert.Equal((CampaignStatus.Draft, new DateOnly(2024, 7, 5)), (campaign.Status, campaign.Window.Opens));
        Assert.Contains("下書きに戻す", await check.AuditEntries.Where(a => a.Action == "campaign.save").OrderBy(a => a.Id).Select(a => a.After).LastAsync());
    }

    static async Task<int> SchemeIdAsync(TestDatabase database)
    {
        await using var db = database.NewDb();
        return await db.SupportSchemes.Select(s => s.Id).SingleAsync();
    }
}
