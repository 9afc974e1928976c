using System.Diagnostics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Tests.Infrastructure;
using WebClient = Tsunagu.Tests.Web.WebClient;

namespace Tsunagu.Tests.Data;

/// <summary>
/// Two `tsunagu serve` processes on one PostgreSQL behind HAProxy (Debian's, installed by test.sh), as a city runs them
/// for a second server: the key ring on shared storage (here one folder), sessions in the database, nothing in one
/// process's memory that the other needs.
/// </summary>
public sealed class TwoServersTests
{
    static Process Server(TestDatabase database, int port) => TsunaguProcess.Start(database.With(), "serve", "--urls", $"http://127.0.0.1:{port}");

    /// <summary>Round robin over both, each checked every 300 ms on /health; a request that cannot connect goes to the other.</summary>
    static Process Balancer(TempFolder files, int port, params int[] servers)
    {
        var config = files.Write("haproxy.cfg", string.Join("\n",
        [
            "defaults", "  mode http", "  timeout connect 1s", "  timeout client 30s", "  timeout server 30s", "  retries 3", "  option redispatch",
            "frontend tsunagu", $"  bind 127.0.0.1:{port}", "  default_backend servers",
            "backend servers", "  balance roundrobin", "  option httpchk GET /health",
            .. servers.Select((s, i) => $"  server app{i} 127.0.0.1:{s} check inter 300 fall 1 rise 1"),
            "",
        ]), new System.Text.UTF8Encoding(false));
        var start = new ProcessStartInfo("/usr/sbin/haproxy", ["-db", "-f", config]) { RedirectStandardError = true, RedirectStandardOutput = true };
        var process = Process.Start(start)!;
        _ = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        return process;
    }

    static HttpClient Client(int port, CookieContainer cookies) =>
        new(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            Timeout = TimeSpan.FromSeconds(15),
        };

    [Fact]
    public async Task SignedInThroughTheBalancer_WorksOnEitherServer_AndKillingOneLosesNoAcknowledgedContact()
    {
        using var files = new TempFolder();
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Postgres);
        var (a, b, balancer) = (PostgresServer.FreePort(), PostgresServer.FreePort(), PostgresServer.FreePort());
        using var first = Server(world.Database, a);
        using var second = Server(world.Database, b);
        await TsunaguProcess.WaitUntilAnsweringAsync(first, $"http://127.0.0.1:{a}/health");
        await TsunaguProcess.WaitUntilAnsweringAsync(second, $"http://127.0.0.1:{b}/health");
        using var haproxy = Balancer(files, balancer, a, b);
        try
        {
            await TsunaguProcess.WaitUntilAnsweringAsync(haproxy, $"http://127.0.0.1:{balancer}/health");
            var cookies = new CookieContainer();
            // The sign-in's four requests alternate between the servers: each checks the other's antiforgery token.
            var worker = await WebClient.SignInAsync(Client(balancer, cookies), world.Users["caseworkerA"]);
            using var directA = Client(a, cookies);
            using var directB = Client(b, cookies);
            var onA = await directA.GetAsync($"/people/{world.Alice}");
            var onB = await directB.GetAsync($"/people/{world.Alice}");
            Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (onA.StatusCode, onB.StatusCode));

            // Contacts recorded through the balancer, each with its own Idempotency-Key, sent again until answered;
            // the first server is killed -9 partway.
            var acknowledged = new List<string>();
            for (var i = 0; i < 40; i++)
            {
                if (i == 12)
                {
                    first.Kill(entireProcessTree: true);
                }
                var key = Guid.NewGuid().ToString();
                for (var attempt = 0; attempt < 20; attempt++)
                {
                    // No answer (in flight when its server died): not acknowledged, so sent again with the same key.
                    if (await KeyedContact.SendAsync(worker.Http, world.Alice, key, $"二台構成 {key}") == HttpStatusCode.Created)
                    {
                        acknowledged.Add(key);
                        break;
                    }
                    await Task.Delay(100);
                }
            }

            var afterKill = await worker.Http.GetAsync($"/people/{world.Alice}");
            Assert.Equal(HttpStatusCode.OK, afterKill.StatusCode);
            Assert.Equal(40, acknowledged.Count);
            await using var db = world.Database.NewDb();
            var written = (await db.ContactNotes.Select(n => n.Text).ToListAsync()).Where(t => t.StartsWith("二台構成 ", StringComparison.Ordinal)).ToList();
            // Every acknowledged contact is there, once.
            Assert.Equal(acknowledged.Select(k => $"二台構成 {k}").Order(StringComparer.Ordinal), written.Order(StringComparer.Ordinal));
        }
        finally
        {
            foreach (var process in new[] { haproxy, first, second }.Where(p => !p.HasExited))
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
