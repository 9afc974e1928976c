using System.Net;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Access;

/// <summary>The access log written with group commit: every read logged at once by many, and nothing shown unlogged.</summary>
public class AccessLogWriterTests
{
    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task ManyReadsAtOnce_AreEachLogged_InOneUnbrokenChain(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var worker = await world.SignInAsync("caseworkerA");
        await using var before = world.Database.NewDb();
        var logged = await before.AccessLog.CountAsync(e => e.PersonId == world.Alice);

        var pages = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => worker.Http.GetAsync($"/people/{world.Alice}")));

        Assert.All(pages, p => Assert.Equal(HttpStatusCode.OK, p.StatusCode));
        await using var db = world.Database.NewDb();
        Assert.Equal(logged + 24, await db.AccessLog.CountAsync(e => e.PersonId == world.Alice && e.UserName == world.Users["caseworkerA"]));
        var verify = await CliRun.RunAsync(world.Database, "audit", "verify");
        Assert.True(verify.ExitCode == 0, verify.Out + verify.Error);
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task WhenTheLogCannotBeWritten_NoPersonIsShown_AndEveryWaitingReadFails(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var worker = await world.SignInAsync("caseworkerA");
        await using var db = world.Database.NewDb();
        // The database refuses every new entry, as a full disk or a revoked grant would.
        await db.Database.ExecuteSqlRawAsync(kind == DatabaseKind.Sqlite
            ? "CREATE TRIGGER refuse_reads BEFORE INSERT ON access_log BEGIN SELECT RAISE(ABORT, 'refused'); END"
            : """
              CREATE FUNCTION refuse_reads() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$;
              CREATE TRIGGER refuse_reads BEFORE INSERT ON access_log FOR EACH ROW EXECUTE FUNCTION refuse_reads();
              """);

        var refused = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => worker.Http.GetAsync($"/people/{world.Alice}")));
        await db.Database.ExecuteSqlRawAsync(kind == DatabaseKind.Sqlite ? "DROP TRIGGER refuse_reads" : "DROP TRIGGER refuse_reads ON access_log");
        var again = await worker.Http.GetAsync($"/people/{world.Alice}");

        foreach (var page in refused)
        {
            Assert.NotEqual(HttpStatusCode.OK, page.StatusCode);
            Assert.DoesNotContain(RecordsWorld.AliceName, await Web.WebClient.ReadableAsync(page));
        }
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains(RecordsWorld.AliceName, await Web.WebClient.ReadableAsync(again));
    }
}
