using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tsunagu.Access;
using Tsunagu.Contacts;
using Tsunagu.Tests.Infrastructure;
using WebClient = Tsunagu.Tests.Web.WebClient;

namespace Tsunagu.Tests.Access;

public class ScopeTests
{
    /// <summary>Every page and endpoint that can show a person, as the user of each role would call it.</summary>
    internal static IEnumerable<string> Endpoints(RecordsWorld w) =>
    [
        "/people",
        "/caseload",
        "/caseload?owner=all",
        $"/people/{w.Alice}",
        $"/people/{w.Mother}",
        "/referrals",
        $"/households/{w.AliceHousehold}",
        "/subsidies",
        "/sessions",
        "/activities",
        $"/api/v1/people/{w.Alice}",
        $"/api/v1/people/{w.Alice}/contacts",
        $"/api/v1/people/{w.Alice}/enrollments",
        "/api/v1/referrals",
        "/api/v1/sessions",
        "/api/v1/subsidies",
        $"/api/v1/people/{w.Alice}/outcomes",
        "/api/v1/placements",
        "/api/v1/distributions",
        $"/api/v1/enrollments/{w.AliceEnrollment}/staff",
        // Paths around the person pages: imports and their previews, disclosures, program histories, approvals, logs.
        "/people/import",
        $"/people/{w.Alice}/disclosure",
        $"/people/{w.Alice}/outcome",
        "/people/duplicates",
        $"/contacts/{w.AliceContact}/edit",
        $"/people/{w.Alice}/enrollments/{w.AliceEnrollment}/end",
        $"/people/{w.Alice}/restriction",
        $"/people/{w.Alice}/contact-details",
        $"/people/{w.Alice}/attachments",
        $"/people/{w.Mother}/contact-details",
        $"/people/{w.Alice}/enrollments/{w.AliceEnrollment}/plan",
        "/programs/P001",
        "/programs/P001/months",
        "/approvals",
        "/notices",
        "/accesslog",
        "/account/sessions",
    ];

    public static TheoryData<DatabaseKind, string> UsersOtherThanAlicesCaseworkers => new()
    {
        { DatabaseKind.Sqlite, "caseworkerB" },
        { DatabaseKind.Sqlite, "caseworkerEdu" },
        { DatabaseKind.Sqlite, "planner" },
        { DatabaseKind.Sqlite, "viewer" },
        { DatabaseKind.Sqlite, "auditor" },
        { DatabaseKind.Sqlite, "admin" },
        { DatabaseKind.Postgres, "caseworkerB" },
        { DatabaseKind.Postgres, "caseworkerEdu" },
        { DatabaseKind.Postgres, "planner" },
    };

    [Theory]
    [MemberData(nameof(UsersOtherThanAlicesCaseworkers))]
    public async Task AnyoneOutsideTheProgram_GetsNothingOfAlice_FromAnyPageOrEndpoint(DatabaseKind kind, string user)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var client = await world.SignInAsync(user);

        foreach (var url in Endpoints(world))
        {
            var response = await client.Http.GetAsync(url);
            var body = await WebClient.ReadableAsync(response);
            // The search box echoes what was typed (髙橋); the given names and the records must never appear.
            Assert.DoesNotContain("𠮷子", body);
            Assert.DoesNotContain("花子", body);
            Assert.DoesNotContain("数学の課題", body);
            Assert.DoesNotContain("コーポ青葉", body);
            Assert.DoesNotContain("1234-5678", body);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound or HttpStatusCode.Forbidden
                    || response.Headers.Location?.AbsolutePath == "/account/denied",
                $"{user} {url}: {response.StatusCode}");
        }
        // A records import whose preview would point at Alice, as far as the user gets with it.
        var page = await client.Http.GetAsync("/people/import");
        if (page.StatusCode == HttpStatusCode.OK)
        {
            var form = (await WebClient.ParseAsync(page)).QuerySelector("form[action*=preview] input[name=__RequestVerificationToken]");
            using var upload = new MultipartFormDataContent
            {
                { new StringContent(form?.GetAttribute("value") ?? ""), "__RequestVerificationToken" },
                { new StringContent((await world.ProgramIdAsync("P001")).ToString(CultureInfo.InvariantCulture)), "ProgramId" },
                { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes("氏名,ふりがな,生年月日\r\n高橋 吉子,たかはし よしこ,2009-06-15\r\n")), "file", "records.csv" },
            };
            var preview = await client.Http.PostAsync("/people/import?handler=preview", upload);
            var body = await WebClient.ReadableAsync(preview);
            Assert.DoesNotContain($"/people/{world.Alice}", body);
            Assert.DoesNotContain("𠮷子", body);
        }
        // The searches are POSTs: the page's form where the user has one, and the API.
        var searches = new List<HttpResponseMessage>
        {
            await client.Http.PostAsJsonAsync("/api/v1/people/search", new { q = "たかはし" }),
            await client.Http.PostAsJsonAsync("/api/v1/people/search", new { phone = "09012345678" }),
            await client.Http.PostAsJsonAsync("/api/v1/people/search", new { address = "一番町1-2-3" }),
        };
        if ((await client.Http.GetAsync("/people")).StatusCode == HttpStatusCode.OK)
        {
            searches.Add(await client.SubmitAsync("/people", "form[role=search]", new() { ["q"] = "たかはし" }));
            searches.Add(await client.SubmitAsync("/people", "form[role=search]", new() { ["q"] = "髙橋", ["birthDate"] = "2009-06-15" }));
            searches.Add(await client.SubmitAsync("/people", "form[role=search]", new() { ["phone"] = "5678" }));
            searches.Add(await client.SubmitAsync("/people", "form[role=search]", new() { ["address"] = "コーポ青葉" }));
        }
        foreach (var response in searches)
        {
            var body = await WebClient.ReadableAsync(response);
            Assert.DoesNotContain("𠮷子", body);
            Assert.DoesNotContain("花子", body);
        }
        await using var db = world.Database.NewDb();
        Assert.False(await db.AccessLog.AnyAsync(e => e.PersonId == world.Alice || e.PersonId == world.Mother));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task CaseworkerOfTheProgram_SeesAlice_AndEveryReadIsLogged(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var client = await world.SignInAsync("caseworkerA");

        var search = await WebClient.ParseAsync(await client.SubmitAsync("/people", "form[role=search]", new() { ["q"] = "タカハシ" }));
        var page = await client.GetDocumentAsync($"/people/{world.Alice}");
        using var contacts = await client.Http.GetFromJsonAsync<System.Text.Json.JsonDocument>($"/api/v1/people/{world.Alice}/contacts");
        var bob = await client.Http.GetAsync($"/people/{world.Bob}");

        Assert.Equal(["髙橋 花子", RecordsWorld.AliceName], search.QuerySelectorAll("tbody th").Select(th => th.TextContent));
        Assert.Equal(RecordsWorld.AliceName + " たかはし よしこ", page.QuerySelector("h1")!.TextContent);
        Assert.Contains("中3", page.QuerySelector("main > p")!.TextContent);
        Assert.Equal(2, page.QuerySelectorAll("ol.timeline > li").Length);
        Assert.Equal(2, contacts!.RootElement.GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, bob.StatusCode);

        await using var db = world.Database.NewDb();
        var log = await db.AccessLog.Where(e => e.PersonId == world.Alice).OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(["POST /people (search)", "GET /people/{id}", "GET /api/v1/people/{id}/contacts"], log.Select(e => e.Source));
        Assert.All(log, e => Assert.Equal(world.Users["caseworkerA"], e.UserName));
        Assert.Contains(await db.AccessLog.Where(e => e.PersonId == world.Mother).Select(e => e.Source).ToListAsync(),
            s => s == "GET /people/{id} (household)");
        Assert.False(await db.AccessLog.AnyAsync(e => e.PersonId == world.Bob));
    }

    [Fact]
    public async Task Auditor_SearchesTheAccessLog_ButReadsNoRecord()
    {
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite);
        var caseworker = await world.SignInAsync("caseworkerA");
        await caseworker.GetDocumentAsync($"/people/{world.Alice}");
        var auditor = await world.SignInAsync("auditor");

        var log = await auditor.GetDocumentAsync($"/accesslog?person={world.Alice}");
        var caseworkerTriesLog = await caseworker.Http.GetAsync("/accesslog");

        var rows = log.QuerySelectorAll("table.entries tbody tr").Select(tr => tr.TextContent).ToList();
        Assert.Single(rows);
        Assert.Contains(world.Users["caseworkerA"], rows[0]);
        Assert.Contains("GET /people/{id}", rows[0]);
        Assert.DoesNotContain("髙橋", log.Body!.TextContent);
        Assert.Equal("/account/denied", caseworkerTriesLog.Headers.Location?.AbsolutePath);
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Administrator_AssignsAndTakesAwayPrograms_OnTheAccountsPage_NeverAcrossBodies(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var admin = await world.SignInAsync("admin");
        var caseworkerB = await world.SignInAsync("caseworkerB");
        var p001 = (await world.ProgramIdAsync("P001")).ToString(CultureInfo.InvariantCulture);
        string Form(string user, string handler) => $"form[action$='handler={handler}']:has(input[value='{world.Users[user]}'])";

        string office;
        await using (var setup = world.Database.NewDb())
        {
            var aoba = new Tsunagu.Places.Office { Name = "青葉区役所", Kind = Tsunagu.Places.OfficeKind.WardOffice, WardCode = "041017" };
            setup.Offices.Add(aoba);
            await setup.SaveChangesAsync();
            office = aoba.Id.ToString(CultureInfo.InvariantCulture);
        }

        var before = await caseworkerB.Http.GetAsync($"/people/{world.Alice}");
        var requested = await WebClient.ParseAsync(await admin.SubmitAsync("/users", Form("caseworkerB", "assign"), new() { ["programId"] = p001, ["officeId"] = office }));
        var pending = await caseworkerB.Http.GetAsync($"/people/{world.Alice}");
        // A second account approves: here the program's manager.
        var managerA = await world.SignInAsync("managerA");
        var approved = await managerA.SubmitAsync("/approvals", "table.requests form", new() { ["approve"] = "true" });
        var assigned = await caseworkerB.Http.GetAsync($"/people/{world.Alice}");
        var contactForm = await WebClient.ParseAsync(assigned);
        var acrossBodies = await WebClient.ParseAsync(await admin.SubmitAsync("/users", Form("caseworkerEdu", "assign"), new() { ["programId"] = p001 }));
        var accounts = await admin.GetDocumentAsync("/users");
        await admin.SubmitAsync("/users", $"form[action$='handler=unassign']:has(input[value='{world.Users["caseworkerB"]}']):has(input[value='{p001}'])", []);
        var takenAway = await caseworkerB.Http.GetAsync($"/people/{world.Alice}");

        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        Assert.Contains("承認すると有効になります", requested.QuerySelector(".notice")!.TextContent);
        Assert.Equal(HttpStatusCode.NotFound, pending.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        // The contact form starts at the office of the worker's assignment.
        Assert.Equal(office, contactForm.QuerySelector("select#office option[selected]")?.GetAttribute("value"));
        Assert.Contains("教育委員会の事業と市長部局の事業の両方を一人に割り当てることはできません", acrossBodies.QuerySelector(".errors")!.TextContent);
        Assert.Contains("P001 学習・生活サポート事業（青葉区役所）", accounts.QuerySelector($"tr:has(th:contains('{world.Users["caseworkerB"]}')) ul.assigned")!.TextContent);
        Assert.Equal(HttpStatusCode.NotFound, takenAway.StatusCode);
        await using var db = world.Database.NewDb();
        var trail = await db.AuditEntries.Where(a => a.Action.StartsWith("account.") || a.Action.StartsWith("grant."))
            .Where(a => a.Actor == world.Users["admin"] || a.Actor == world.Users["managerA"]).OrderBy(a => a.Id).Select(a => new { a.Actor, a.Action }).ToListAsync();
        Assert.Equal([("admin", "grant.request"), ("managerA", "account.assign"), ("managerA", "grant.approve"), ("admin", "account.unassign")],
            trail.Select(t => (world.Users.Single(u => u.Value == t.Actor).Key, t.Action)));
    }

    /// <summary>The command line resolves the same case-work services, as the server's operator: no role, so no person.</summary>
    [Fact]
    public async Task TheOperatorAtTheCommandLine_GetsTheSameServices_AndSeesNoPerson()
    {
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite);
        var cli = new Cli(new CliIo(TextWriter.Null, TextWriter.Null, () => Stream.Null), world.Database.Configure);
        int found = -1, contactsBefore;
        RefusalKind? refused = null;
        await using (var before = world.Database.NewDb())
        {
            contactsBefore = await before.Contacts.CountAsync();
        }
        string? who = null;

        var exit = await cli.WithDatabaseAsync(Tsunagu.Data.DatabaseUse.AsItIs, CancellationToken.None, async (services, _) =>
        {
            var scope = services.GetRequiredService<RecordScope>();
            who = scope.UserName;
            found = await (await scope.PersonsAsync()).CountAsync();
            try
            {
                await services.GetRequiredService<ContactService>().RecordContactAsync(world.Alice, new NewContact(
                    await world.ProgramIdAsync("P001"), new DateOnly(2024, 6, 1), null, ContactKind.Consultation, null, ContactChannel.Visit, 30, [],
                    new Dictionary<NoteProvenance, string>()));
            }
            catch (RefusalException e)
            {
                refused = e.Kind;
            }
            return 0;
        });

        Assert.Equal(0, exit);
        Assert.Equal(Cli.Actor, who);
        Assert.Equal(0, found);
        Assert.Equal(RefusalKind.Forbidden, refused);
        await using var db = world.Database.NewDb();
        Assert.Equal(contactsBefore, await db.Contacts.CountAsync());
    }
}
