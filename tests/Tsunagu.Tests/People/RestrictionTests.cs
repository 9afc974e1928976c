using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Audit;
using Tsunagu.Places;
using Tsunagu.Tests.Access;
using Tsunagu.Tests.Infrastructure;
using WebClient = Tsunagu.Tests.Web.WebClient;

namespace Tsunagu.Tests.People;

/// <summary>閲覧制限 and office scope: both narrow the program scope, on every path the program's staff have.</summary>
public class RestrictionTests
{
    /// <summary>A second case worker of 学習・生活サポート事業 (P001), Alice's program: the one who must not find her.</summary>
    internal static async Task<(string Email, WebClient Client)> ColleagueAsync(RecordsWorld world, int? officeId = null)
    {
        var email = await world.Factory.AddUserAsync(Roles.Caseworker);
        await using var db = world.Database.NewDb();
        var userId = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
        await ProgramAssignments.AssignAsync(db, userId, await db.Programs.SingleAsync(p => p.Code == "P001"), "test", TimeProvider.System, officeId);
        return (email, await WebClient.SignInAsync(world.Factory, email));
    }

    /// <summary>Every page and endpoint of the scope tests, the searches and an import naming her: nothing of Alice.</summary>
    static async Task AssertFindsNothingOfAliceAsync(RecordsWorld world, WebClient client, string email)
    {
        long logged;
        await using (var db = world.Database.NewDb())
        {
            logged = await db.AccessLog.MaxAsync(e => (long?)e.Id) ?? 0;
        }
        foreach (var url in ScopeTests.Endpoints(world))
        {
            var response = await client.Http.GetAsync(url);
            var body = await WebClient.ReadableAsync(response);
            Assert.DoesNotContain("𠮷子", body);
            Assert.DoesNotContain("数学の課題", body);
            Assert.DoesNotContain("母子で転居先", body);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound || response.Headers.Location?.AbsolutePath == "/account/denied",
                $"{url}: {response.StatusCode}");
        }
        var page = await WebClient.ParseAsync(await client.SubmitAsync("/people", "form[role=search]", new() { ["q"] = "たかはし" }));
        Assert.Equal(["髙橋 花子"], page.QuerySelectorAll("tbody th").Select(th => th.TextContent));
        Assert.DoesNotContain("母子で転居先", await WebClient.ReadableAsync(await client.Http.GetAsync($"/api/v1/people/{world.Mother}/contacts")));
        var api = await client.Http.PostAsJsonAsync("/api/v1/people/search", new { q = "たかはし" });
        Assert.DoesNotContain("𠮷子", await WebClient.ReadableAsync(api));
        await using var after = world.Database.NewDb();
        Assert.False(await after.AccessLog.AnyAsync(e => e.Id > logged && e.PersonId == world.Alice && e.UserName == email));
        Assert.True(await after.AccessLog.AnyAsync(e => e.Id > logged && e.PersonId == world.Mother && e.UserName == email));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task ARestrictedRecord_IsFoundOnlyByTheWorkersNamedOnIt_AndTheManager_OnEveryPath(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var (colleagueEmail, colleague) = await ColleagueAsync(world);
        var worker = await world.SignInAsync("caseworkerA");
        // A consultation with her mother as its subject and Alice beside her: on the mother's timeline, until restricted.
        await using (var db = world.Database.NewDb())
        {
            db.Contacts.Add(new Tsunagu.Contacts.Contact
            {
                ProgramId = await world.ProgramIdAsync("P001"),
                Date = new DateOnly(2024, 6, 10),
                Kind = Tsunagu.Contacts.ContactKind.Consultation,
                Channel = Tsunagu.Contacts.ContactChannel.Visit,
                StaffName = "職員",
                Persons = [new() { PersonId = world.Mother }, new() { PersonId = world.Alice, Role = Tsunagu.Contacts.ContactPersonRole.Guardian }],
                Notes = [new() { Provenance = Tsunagu.Contacts.NoteProvenance.PersonSaid, Text = "母子で転居先を相談した" }],
            });
            await db.SaveChangesAsync();
        }
        Assert.Contains("母子で転居先", await WebClient.ReadableAsync(await colleague.Http.GetAsync($"/api/v1/people/{world.Mother}/contacts")));
        Assert.Contains("𠮷子", await WebClient.ReadableAsync(await colleague.Http.GetAsync($"/people/{world.Alice}")));

        var restricted = await worker.SubmitAsync($"/people/{world.Alice}/restriction", "form[action*=restrict]", new() { ["kind"] = "DomesticViolence" });

        Assert.Equal(HttpStatusCode.Redirect, restricted.StatusCode);
        var page = await worker.GetDocumentAsync($"/people/{world.Alice}");
        Assert.Contains("閲覧制限（DV被害）", page.QuerySelector(".notice.restricted")!.TextContent);
        Assert.Equal(HttpStatusCode.OK, (await (await world.SignInAsync("managerA")).Http.GetAsync($"/people/{world.Alice}")).StatusCode);
        await AssertFindsNothingOfAliceAsync(world, colleague, colleagueEmail);

        // An import naming her (same reading and birth date) is refused at its line, even the manager's; nothing written.
        int persons;
        await using (var db = world.Database.NewDb())
        {
            persons = await db.Persons.CountAsync();
            var named = await db.RestrictedRecordStaff.Where(s => s.PersonId == world.Alice).Select(s => s.UserId).ToListAsync();
            Assert.Equal([world.Users["caseworkerA"]], named.Select(id => db.Users.Single(u => u.Id == id).Email));
        }
        var csv = "氏名,ふりがな,生年月日,記録日,種別,本人・家族の話\r\n山田 一郎,やまだ いちろう,2010-01-01,2024-06-10,学習支援,宿題\r\n高橋 吉子,たかはし よしこ,2009-06-15,2024-06-10,学習支援,宿題\r\n";
        {
            var import = await (await world.SignInAsync("managerA")).UploadAsync("/people/import", "form[action*=preview]", "records.csv", System.Text.Encoding.UTF8.GetBytes(csv),
                new() { ["ProgramId"] = (await world.ProgramIdAsync("P001")).ToString(CultureInfo.InvariantCulture) });
            var body = await WebClient.ReadableAsync(import);
            Assert.Contains("閲覧制限のある記録の人", body);
            Assert.Contains("records.csv 3行目", (await WebClient.ParseAsync(import)).QuerySelector(".errors")!.TextContent);
            Assert.DoesNotContain("𠮷子", body);
        }
        await using (var db = world.Database.NewDb())
        {
            Assert.Equal(persons, await db.Persons.CountAsync());
        }

        // Named on it, the colleague finds her; only the manager lifts the restriction.
        var colleagueId = await UserIdAsync(world, colleagueEmail);
        var name = await worker.SubmitAsync($"/people/{world.Alice}/restriction", $"form:has(input[value='{colleagueId}'])", []);
        Assert.Equal(HttpStatusCode.Redirect, name.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await colleague.Http.GetAsync($"/people/{world.Alice}")).StatusCode);
        var lift = await worker.GetDocumentAsync($"/people/{world.Alice}/restriction");
        Assert.Null(lift.QuerySelector("form[action*=lift]"));
        var manager = await world.SignInAsync("managerA");
        var noReason = await manager.SubmitAsync($"/people/{world.Alice}/restriction", "form[action*=lift]", new() { ["reason"] = "" });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect,
            (await manager.SubmitAsync($"/people/{world.Alice}/restriction", "form[action*=lift]", new() { ["reason"] = "支援措置の終了" })).StatusCode);

        await using (var db = world.Database.NewDb())
        {
            Assert.Null((await db.Persons.SingleAsync(p => p.Id == world.Alice)).Restriction);
            var audit = await db.AuditEntries.Where(a => a.Subject == $"person:{world.Alice}").OrderBy(a => a.Id).ToListAsync();
            Assert.Equal([AuditActions.PersonRestrict, AuditActions.RestrictionName, AuditActions.PersonUnrestrict], audit.Select(a => a.Action));
            Assert.All(audit, a => Assert.DoesNotContain("𠮷子", $"{a.Before} {a.After} {a.Reason}"));
        }
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task InAProgramRunOfficeByOffice_AWorkerSeesTheirOwnOfficesCases_AndOthersOnlyWhenShared(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        int aoba, izumi;
        await using (var db = world.Database.NewDb())
        {
            var offices = new[] { new Office { Name = "青葉区役所", Kind = OfficeKind.WardOffice }, new Office { Name = "泉区役所", Kind = OfficeKind.WardOffice } };
            db.Offices.AddRange(offices);
            await db.SaveChangesAsync();
            (aoba, izumi) = (offices[0].Id, offices[1].Id);
            await db.Enrollments.Where(e => e.PersonId == world.Alice || e.PersonId == world.Mother).ExecuteUpdateAsync(s => s.SetProperty(e => e.OfficeId, aoba));
            var workerId = world.Users["caseworkerA"];
            await ProgramAssignments.AssignAsync(db, await db.Users.Where(u => u.Email == workerId).Select(u => u.Id).SingleAsync(),
                await db.Programs.SingleAsync(p => p.Code == "P001"), "test", TimeProvider.System, aoba);
        }
        var (izumiEmail, izumiWorker) = await ColleagueAsync(world, izumi);
        var aobaWorker = await world.SignInAsync("caseworkerA");

        Assert.Equal(HttpStatusCode.NotFound, (await izumiWorker.Http.GetAsync($"/people/{world.Alice}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await izumiWorker.Http.GetAsync($"/people/{world.Mother}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await aobaWorker.Http.GetAsync($"/people/{world.Alice}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await world.SignInAsync("managerA")).Http.GetAsync($"/people/{world.Alice}")).StatusCode);

        // A person the 泉区 worker registers is 泉区's case: the 青葉区 worker does not find them.
        var registered = await izumiWorker.SubmitAsync("/people/new", "main form", new()
        {
            ["Name"] = "泉 一郎",
            ["Kana"] = "いずみ いちろう",
            ["BirthDate"] = "2011-05-05",
            ["Role"] = "Child",
            ["Source"] = "School",
        });
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        await using (var db = world.Database.NewDb())
        {
            var ichiro = await db.Persons.SingleAsync(p => p.Name == "泉 一郎");
            Assert.Equal(izumi, (await db.Enrollments.SingleAsync(e => e.PersonId == ichiro.Id)).OfficeId);
            Assert.Equal(HttpStatusCode.NotFound, (await aobaWorker.Http.GetAsync($"/people/{ichiro.Id}")).StatusCode);
        }

        // Shared with 泉区 (a reason is required), and taken back.
        var restriction = $"/people/{world.Alice}/restriction";
        var noReason = await aobaWorker.SubmitAsync(restriction, "form[action*=share]", new() { ["officeId"] = izumi.ToString(CultureInfo.InvariantCulture) });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await aobaWorker.SubmitAsync(restriction, "form[action*=share]",
            new() { ["officeId"] = izumi.ToString(CultureInfo.InvariantCulture), ["reason"] = "泉区へ転居" })).StatusCode);
        Assert.Contains("𠮷子", await WebClient.ReadableAsync(await izumiWorker.Http.GetAsync($"/people/{world.Alice}")));
        Assert.Contains("数学の課題", await WebClient.ReadableAsync(await izumiWorker.Http.GetAsync($"/api/v1/people/{world.Alice}/contacts")));
        Assert.Equal(HttpStatusCode.Redirect, (await aobaWorker.SubmitAsync(restriction, "form[action*=unshare]", [])).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await izumiWorker.Http.GetAsync($"/people/{world.Alice}")).StatusCode);

        await using (var db = world.Database.NewDb())
        {
            Assert.Equal([AuditActions.EnrollmentShare, AuditActions.EnrollmentUnshare],
                await db.AuditEntries.Where(a => a.Action.StartsWith("enrollment.")).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
        }
    }

    static async Task<string> UserIdAsync(RecordsWorld world, string email)
    {
        await using var db = world.Database.NewDb();
        return await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task ARestrictedPerson_IsNotRegisteredASecondTime_BySomeoneWhoCannotSeeThem(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var (_, colleague) = await ColleagueAsync(world);
        var worker = await world.SignInAsync("caseworkerA");
        await worker.SubmitAsync($"/people/{world.Alice}/restriction", "form[action*=restrict]", new() { ["kind"] = "DomesticViolence" });
        int before;
        await using (var db = world.Database.NewDb())
        {
            before = await db.Persons.CountAsync();
        }
        Dictionary<string, string> alice = new() { ["Name"] = "高橋 吉子", ["Kana"] = "タカハシ ヨシコ", ["BirthDate"] = "2009-06-15", ["ConfirmedNew"] = "true" };

        var refused = await colleague.SubmitAsync("/people/new", "main form", alice);
        // Someone else, born the same day: registered as ever.
        var other = await colleague.SubmitAsync("/people/new", "main form", new(alice) { ["Name"] = "鈴木 一郎", ["Kana"] = "すずき いちろう" });
        // A worker of another program learns nothing of who is restricted elsewhere: the check stays within their programs.
        var elsewhere = await (await world.SignInAsync("caseworkerB")).SubmitAsync("/people/new", "main form", alice);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var body = await WebClient.ReadableAsync(refused);
        Assert.Contains("閲覧制限のある記録の人と", body);
        Assert.DoesNotContain("𠮷子", body);
        Assert.Equal(HttpStatusCode.Redirect, other.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, elsewhere.StatusCode);
        await using var check = world.Database.NewDb();
        Assert.Equal(before + 2, await check.Persons.CountAsync());
        // The managers and auditors can see that someone tried, and which record matched.
        var matched = await check.AuditEntries.SingleAsync(a => a.Action == AuditActions.RestrictedMatch);
        Assert.Equal(($"person:{world.Alice}", "P001"), (matched.Subject, matched.ProgramCode));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task ARestrictedRecord_IsNotMerged_NorIsAReferralAboutItDecidedBySomeoneWhoDoesNotSeeIt(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var worker = await world.SignInAsync("caseworkerA");
        var manager = await world.SignInAsync("managerA");
        var receiver = await world.SignInAsync("caseworkerEdu");
        var duplicate = await worker.SubmitAsync("/people/new", "main form", new()
        {
            ["Name"] = "高橋 吉子",
            ["Kana"] = "たかはし よしこ",
            ["BirthDate"] = "2009-06-15",
            ["Role"] = "Child",
            ["Source"] = "School",
            ["EnrolledOn"] = "2024-06-01",
            ["ConfirmedNew"] = "true",
        });
        Assert.Equal(HttpStatusCode.Redirect, duplicate.StatusCode);
        var p001 = (await world.ProgramIdAsync("P001")).ToString(CultureInfo.InvariantCulture);
        var p003 = (await world.ProgramIdAsync("P003")).ToString(CultureInfo.InvariantCulture);
        await worker.SubmitAsync($"/people/{world.Alice}", "form[action*=refer]", new() { ["fromProgramId"] = p001, ["toProgramId"] = p003, ["reason"] = "登校しぶり" });
        // The school counsellor opened the inbox before the record was restricted.
        var inbox = await receiver.GetDocumentAsync("/referrals");
        var decide = (AngleSharp.Html.Dom.IHtmlFormElement)inbox.QuerySelector("form[action*=decide]")!;

        await worker.SubmitAsync($"/people/{world.Alice}/restriction", "form[action*=restrict]", new() { ["kind"] = "TemporaryProtection" });
        var merge = await manager.SubmitAsync("/people/duplicates", "form[action*=merge]",
            new() { ["keptId"] = world.Alice.ToString(CultureInfo.InvariantCulture), ["reason"] = "同一人物" });
        var accepted = await receiver.SubmitAsync(decide, "/referrals", new() { ["accept"] = "true" });
        var inboxAfter = await WebClient.ReadableAsync(await receiver.Http.GetAsync("/referrals"));

        Assert.Contains("閲覧制限のある記録は統合できません", await WebClient.ReadableAsync(merge));
        Assert.NotEqual(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.DoesNotContain("𠮷子", await WebClient.ReadableAsync(accepted));
        Assert.DoesNotContain("𠮷子", inboxAfter);
        await using var db = world.Database.NewDb();
        Assert.False(await db.Persons.AnyAsync(p => p.MergedIntoId != null));
        Assert.Equal(Tsunagu.Referrals.ReferralStatus.Sent, (await db.Referrals.SingleAsync()).Status);
        Assert.False(await db.Enrollments.AnyAsync(e => e.PersonId == world.Alice && e.ProgramId == int.Parse(p003, CultureInfo.InvariantCulture)));
    }
}
