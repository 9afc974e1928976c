using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Sessions;

public class SessionTests
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
            ["reason"] = "出席者の訂正",
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

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Attendance_ShowsReadingAndGrade_AppearsOnTheTimeline_AndAChangeIsACorrectionWithAReason(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var caseworker = await world.SignInAsync("caseworkerA");
        var created = await caseworker.SubmitAsync("/sessions", "form.record", new() { ["title"] = "土曜学習会", ["date"] = "2024-06-15", ["kind"] = "StudySession" });
        var sessionUrl = created.Headers.Location!.OriginalString;
        string Id(int id) => id.ToString(CultureInfo.InvariantCulture);

        var list = await caseworker.GetDocumentAsync(sessionUrl);
        await caseworker.SubmitAsync(sessionUrl, "main form", new() { ["present"] = Id(world.Alice), ["headCount"] = "1" });
        var timeline = await caseworker.GetDocumentAsync($"/people/{world.Alice}");
        var noReason = await caseworker.SubmitAsync(sessionUrl, "main form", new() { ["present"] = Id(world.Mother), ["headCount"] = "1" });
        var corrected = await caseworker.SubmitAsync(sessionUrl, "main form", new() { ["present"] = Id(world.Mother), ["headCount"] = "1", ["reason"] = "保護者と取り違え" });

        Assert.Contains("たかはし よしこ・中3", list.QuerySelector("fieldset")!.TextContent);
        Assert.Contains("学習・生活サポート事業 ・学習会「土曜学習会」に出席", timeline.QuerySelector("ol.timeline li.attended")!.TextContent.Replace("\n", " ").Replace("  ", " "));
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        var refused = await Web.WebClient.ParseAsync(noReason);
        Assert.Equal("訂正の理由: 入力してください。", refused.QuerySelector("#reason-error")!.TextContent);
        // The boxes as the worker left them.
        Assert.NotNull(refused.QuerySelector($"input[name=present][value='{world.Mother}'][checked]"));
        Assert.Equal(HttpStatusCode.Redirect, corrected.StatusCode);
        await using var db = world.Database.NewDb();
        Assert.Equal([world.Mother], await db.Attendances.Select(a => a.PersonId).ToListAsync());
        var audit = await db.AuditEntries.SingleAsync(a => a.Action == "attendance.correct");
        Assert.Equal(($"出席 1 人（追加 {world.Mother}／削除 {world.Alice}）、登録のない参加者 1 人", "出席 1 人、登録のない参加者 1 人", "保護者と取り違え"),
            (audit.After, audit.Before, audit.Reason));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task SessionsThroughTheApi_KeepOnlyAttendeesOfTheProgram_AndStayWithinIt(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var caseworker = await world.SignInAsync("caseworkerA");
        var other = await world.SignInAsync("caseworkerB");
        var input = new { ProgramCode = "P001", Kind = "StudySession", Date = "2024-06-22", Start = "13:00", Title = "土曜学習会", HeadCount = 2 };

        var created = await caseworker.Http.PostAsJsonAsync("/api/v1/sessions", input);
        var session = await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var id = session.GetProperty("id").GetInt32();
        // Bob is enrolled in another program: left out, not an error.
        var attendance = await caseworker.Http.PutAsJsonAsync($"/api/v1/sessions/{id}/attendance", new { PersonIds = new[] { world.Alice, world.Bob }, HeadCount = 3 });
        var saved = await attendance.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var otherCreates = await other.Http.PostAsJsonAsync("/api/v1/sessions", input);
        var otherAttends = await other.Http.PutAsJsonAsync($"/api/v1/sessions/{id}/attendance", new { PersonIds = new[] { world.Bob }, HeadCount = 0 });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, attendance.StatusCode);
        Assert.Equal([world.Alice], saved.GetProperty("personIds").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(3, saved.GetProperty("headCount").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, otherCreates.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherAttends.StatusCode);
        await using var db = world.Database.NewDb();
        var stored = await db.Sessions.Include(s => s.Attendances).SingleAsync();
        Assert.Equal(("土曜学習会", new DateOnly(2024, 6, 22), 3), (stored.Title, stored.Date, stored.UnregisteredHeadCount));
        Assert.Equal([world.Alice], stored.Attendances.Select(a => a.PersonId));
    }
}
