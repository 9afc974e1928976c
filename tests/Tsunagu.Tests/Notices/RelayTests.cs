using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Tsunagu.Notices;
using Tsunagu.People;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Notices;

/// <summary>
/// The relay on the internet tier: e-mail through a real SMTP server over TCP (STARTTLS, AUTH), LINE against a local
/// server that answers as the Messaging API's reference documents, quiet hours, back-off, bounces, and exactly once
/// when the relay process is killed mid-batch.
/// </summary>
public class RelayTests
{
    /// <summary>10:00 on 24 June 2024, Japan time: a day of sending, outside the quiet hours.</summary>
    static readonly DateTimeOffset Morning = new(2024, 6, 24, 10, 0, 0, TimeSpan.FromHours(9));

    /// <summary>A queued campaign with one delivery per address, each to its own household that agreed to the channel.</summary>
    static async Task<List<Delivery>> OutboxAsync(TestDatabase database, ReachChannel channel, params string[] addresses)
    {
        using (var files = new TempFolder())
        {
            await CliRun.RunOkAsync(database, "report", "import", Seed.Write(files.Path, "seed.tsv", Seed.Bytes()));
        }
        var window = await CampaignTests.WindowAsync(database);
        await using var db = database.NewDb();
        var campaign = new Campaign { WindowId = window, Channels = [channel], Message = "お知らせ", CreatedBy = "企画", Status = CampaignStatus.Queued };
        var queuedAt = Morning.AddHours(-10).ToUniversalTime();
        var households = addresses.Select(_ => new Household()).ToList();
        db.Add(campaign);
        db.Households.AddRange(households);
        db.ReachConsents.AddRange(households.Select(h => new ReachConsent { Household = h, Channel = channel, GivenOn = new DateOnly(2024, 6, 1), RecordedBy = "職員", RecordedAt = queuedAt.AddDays(-20) }));
        await db.SaveChangesAsync();
        db.Deliveries.AddRange(addresses.Zip(households).Select(x => new Delivery
        {
            CampaignId = campaign.Id,
            WindowId = campaign.WindowId,
            HouseholdId = x.Second.Id,
            Channel = channel,
            Address = x.First,
            Subject = "【仙台市】夏期講座のお知らせ",
            Message = "夏期講座の申し込みが7月1日から始まります。",
            Key = Guid.NewGuid(),
            QueuedAt = queuedAt,
        }));
        await db.SaveChangesAsync();
        return await db.Deliveries.AsNoTracking().OrderBy(d => d.Id).ToListAsync();
    }

    static RelaySettings Settings(IDictionary<string, string?> values, ReachChannel channel) =>
        RelaySettings.From(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), channel);

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task EMail_GoesThroughARealSmtpServer_WithStartTlsAndAuth_AndABounceMakesTheHouseholdsChannelUndeliverable(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var smtp = SmtpTestServer.Start();
        var deliveries = await OutboxAsync(database, ReachChannel.Email, "hanako@example.jp", "taro@example.jp", "bounce@example.jp", "busy@example.jp");
        var settings = smtp.Settings();
        var smtpSettings = SmtpSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

        RelaySummary first, early, later;
        await using (var db = database.NewDb())
        {
            await using var sender = new EmailSender(smtpSettings);
            first = await new OutreachRelay(db, new FixedTime(Morning), Settings(settings, ReachChannel.Email)).RunAsync(sender);
            // The 4xx is tried again after a minute, not before.
            early = await new OutreachRelay(db, new FixedTime(Morning.AddSeconds(30)), Settings(settings, ReachChannel.Email)).RunAsync(sender);
            later = await new OutreachRelay(db, new FixedTime(Morning.AddMinutes(2)), Settings(settings, ReachChannel.Email)).RunAsync(sender);
        }

        Assert.Equal(new RelaySummary(2, 1, 1, false), first);
        Assert.Equal(new RelaySummary(0, 0, 0, false), early);
        Assert.Equal(new RelaySummary(0, 1, 0, false), later);
        var received = smtp.Received.OrderBy(m => m.To).ToList();
        Assert.Equal(["hanako@example.jp", "taro@example.jp"], received.Select(m => m.To));
        var hanako = received[0];
        Assert.Equal($"{deliveries[0].Key:N}@city.example.jp", hanako.MessageId);
        Assert.Equal("kodomo@city.example.jp", hanako.From);
        Assert.Equal("【仙台市】夏期講座のお知らせ", hanako.Subject);
        Assert.Equal("<mailto:teishi@city.example.jp?subject=unsubscribe>", hanako.ListUnsubscribe);
        Assert.Contains("夏期講座の申し込みが7月1日から始まります。", hanako.Text);
        await using var check = database.NewDb();
        var stored = await check.Deliveries.OrderBy(d => d.Id).ToListAsync();
        Assert.Equal([DeliveryStatus.Sent, DeliveryStatus.Sent, DeliveryStatus.Failed, DeliveryStatus.Queued], stored.Select(d => d.Status));
        Assert.Equal("SMTP 550", stored[2].Error);
        Assert.Equal((2, Morning.AddMinutes(2).AddMinutes(2)), (stored[3].Attempts, stored[3].NextAttemptAt));
        Assert.All(stored, d => Assert.Null(d.LeaseOwner));
        // The bounce: that household's e-mail is not used again until its consent is recorded anew.
        Assert.Equal([stored[2].HouseholdId], await Recipients.Undeliverable(check).Select(d => d.HouseholdId).ToListAsync());
    }

    [Fact]
    public async Task APolicyRefusal_StopsTheRelay_AndMarksNoHouseholdsAddressInvalid()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        await using var smtp = SmtpTestServer.Start();
        await OutboxAsync(database, ReachChannel.Email, "policy@example.jp", "hanako@example.jp");
        var settings = smtp.Settings();
        settings["Outreach:QuietHours"] = "0-0";
        settings["Outreach:Email:Connections"] = "1";

        var result = await CliRun.RunAsync(database, settings, "outreach", "relay", "--channel", "email");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("中継サーバーがお知らせを受け付けません（SMTP 550）", result.Error);
        await using var db = database.NewDb();
        Assert.All(await db.Deliveries.ToListAsync(), d => Assert.Equal(DeliveryStatus.Queued, d.Status));
        Assert.Empty(await Recipients.Undeliverable(db).ToListAsync());
    }

    /// <summary>
    /// 送付禁止 recorded while the relay is sending to the household (the restriction marks the waiting rows as the
    /// person page does): the far end answers "try later", and the notice is not put back in the queue for a later run.
    /// </summary>
    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task ANoticeStoppedWhileBeingSent_AndAnsweredTryLater_IsNeverQueuedAgain(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        var deliveries = await OutboxAsync(database, ReachChannel.Email, "hanako@example.jp", "taro@example.jp");
        var stopped = deliveries[0].Id;
        var settings = new Dictionary<string, string?>();
        var sender = new StoppingSender(database, stopped);

        await using (var db = database.NewDb())
        {
            var summary = await new OutreachRelay(db, new FixedTime(Morning), Settings(settings, ReachChannel.Email)).RunAsync(sender);
            Assert.Equal(1, summary.Sent);
            // An hour later, past every back-off: nothing is left to send.
            var later = await new OutreachRelay(db, new FixedTime(Morning.AddHours(1)), Settings(settings, ReachChannel.Email)).RunAsync(sender);
            Assert.Equal(new RelaySummary(0, 0, 0, false), later);
        }
        await using var check = database.NewDb();
        var rows = await check.Deliveries.OrderBy(d => d.Id).Select(d => new { d.Status, d.Error }).ToListAsync();
        Assert.Equal((DeliveryStatus.Stopped, "送付禁止"), (rows[0].Status, rows[0].Error));
        Assert.Equal(DeliveryStatus.Sent, rows[1].Status);
        Assert.Equal([stopped, deliveries[1].Id], sender.Attempted);
    }

    /// <summary>Records the stop of one delivery as the restriction does, in another session, then answers 4xx for it.</summary>
    sealed class StoppingSender(TestDatabase database, long stop) : INoticeSender
    {
        public List<long> Attempted { get; } = [];

        public ReachChannel Channel => ReachChannel.Email;

        public async Task<SendResult> SendAsync(Delivery delivery, CancellationToken ct)
        {
            Attempted.Add(delivery.Id);
            if (delivery.Id != stop)
            {
                return SendResult.Sent;
            }
            await using var db = database.NewDb();
            foreach (var waiting in await Recipients.Waiting(db).Where(d => d.Id == stop).ToListAsync(ct))
            {
                (waiting.Status, waiting.Error) = (DeliveryStatus.Stopped, "送付禁止");
            }
            await db.SaveChangesAsync(ct);
            return new SendResult(SendOutcome.Retry, "SMTP 451");
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Theory]
    [InlineData("Outreach:Batch", "0")]
    [InlineData("Outreach:LeaseSeconds", "five")]
    [InlineData("Outreach:Email:Connections", "100")]
    [InlineData("Outreach:Smtp:Pipelining", "yes")]
    public async Task ARelaySettingOutOfRange_IsAnErrorWithItsName_NotADefault(string key, string value)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        var settings = new Dictionary<string, string?> { [key] = value, ["Outreach:Smtp:Host"] = "localhost", ["Outreach:Smtp:From"] = "a@city.example.jp" };

        var result = await CliRun.RunAsync(database, settings, "outreach", "relay", "--channel", "email");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{key}「{value}」", result.Error);
    }

    [Theory]
    [InlineData("20:59", false)]
    [InlineData("21:00", true)]
    [InlineData("02:00", true)]
    [InlineData("07:59", true)]
    [InlineData("08:00", false)]
    public void TheQuietHours_Are21To8JapanTime(string at, bool quiet)
    {
        var time = TimeOnly.Parse(at, System.Globalization.CultureInfo.InvariantCulture);
        var moment = new DateTimeOffset(new DateOnly(2024, 6, 24).ToDateTime(time), TimeSpan.FromHours(9));

        Assert.Equal(quiet, Settings(new Dictionary<string, string?>(), ReachChannel.Email).IsQuiet(moment));
    }

    [Fact]
    public async Task InTheQuietHours_TheRelaySendsNothing_AndLeavesTheOutboxAsItWas()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        await using var smtp = SmtpTestServer.Start();
        await OutboxAsync(database, ReachChannel.Email, "hanako@example.jp");
        var settings = smtp.Settings();

        await using var db = database.NewDb();
        await using var sender = new EmailSender(SmtpSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()));
        var night = await new OutreachRelay(db, new FixedTime(new DateTimeOffset(2024, 6, 24, 21, 0, 0, TimeSpan.FromHours(9))), Settings(settings, ReachChannel.Email)).RunAsync(sender);

        Assert.Equal(new RelaySummary(0, 0, 0, true), night);
        Assert.Empty(smtp.Received);
        var stored = await db.Deliveries.AsNoTracking().SingleAsync();
        Assert.Equal((DeliveryStatus.Queued, 0), (stored.Status, stored.Attempts));
    }

    [Fact]
    public async Task AWrongSmtpPassword_StopsTheRelay_WithTheReason_AndFailsNoDelivery()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        await using var smtp = SmtpTestServer.Start();
        await OutboxAsync(database, ReachChannel.Email, "hanako@example.jp");
        var settings = smtp.Settings();
        settings["Outreach:Smtp:Password"] = "wrong";
        settings["Outreach:QuietHours"] = "0-0";

        var result = await CliRun.RunAsync(database, settings, "outreach", "relay", "--channel", "email");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("中継サーバーがアカウントを受け付けません", result.Error);
        await using var db = database.NewDb();
        Assert.Equal(DeliveryStatus.Queued, (await db.Deliveries.SingleAsync()).Status);
    }

    /// <summary>
    /// The LINE Messaging API cannot be reached from here: this server answers as its reference documents the push
    /// endpoint — 200 with sentMessages; 409 to a retry key it has accepted; 429 when over the rate; 400 for a `to` it
    /// does not know; 401 for a wrong channel token.
    /// </summary>
    sealed class LineContractServer : IAsyncDisposable
    {
        public const string Token = "channel-token";
        readonly WebApplication app;
        public ConcurrentDictionary<string, int> Accepted { get; } = new();
        public ConcurrentQueue<(string? Key, string To, string Text)> Requests { get; } = new();
        int rateLimited;

        LineContractServer(WebApplication app) => this.app = app;

        public string BaseUrl => app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        public static async Task<LineContractServer> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var server = new LineContractServer(app);
            app.MapPost("/v2/bot/message/push", async (HttpContext context) =>
            {
                if (context.Request.Headers.Authorization != $"Bearer {Token}")
                {
                    return Results.Json(new { message = "Authentication failed. Confirm that the access token in the authorization header is valid." }, statusCode: 401);
                }
                using var body = await JsonDocument.ParseAsync(context.Request.Body);
                var to = body.RootElement.GetProperty("to").GetString()!;
                var message = body.RootElement.GetProperty("messages")[0];
                var key = context.Request.Headers["X-Line-Retry-Key"].SingleOrDefault();
                server.Requests.Enqueue((key, to, message.GetProperty("text").GetString()!));
                if (message.GetProperty("type").GetString() != "text" || !Guid.TryParse(key, out _))
                {
                    return Results.Json(new { message = "The request body has 1 error(s)" }, statusCode: 400);
                }
                if (server.Accepted.ContainsKey(key!))
                {
                    context.Response.Headers["x-line-accepted-request-id"] = "accepted-" + key;
                    return Results.Json(new { message = "The retry key is already accepted", sentMessages = new[] { new { id = "1", quoteToken = "q" } } }, statusCode: 409);
                }
                if (to.EndsWith("429", StringComparison.Ordinal) && Interlocked.Increment(ref server.rateLimited) == 1)
                {
                    return Results.Json(new { message = "The API rate limit has been exceeded. Try again later." }, statusCode: 429);
                }
                if (!to.StartsWith('U') || to.EndsWith("dead", StringComparison.Ordinal))
                {
                    return Results.Json(new { message = "The property, 'to', in the request body is invalid (line: -, column: -)" }, statusCode: 400);
                }
                server.Accepted[key!] = server.Accepted.GetValueOrDefault(key!) + 1;
                return Results.Json(new { sentMessages = new[] { new { id = "461230966842064897", quoteToken = "IStG5h1Tz7b..." } } });
            });
            await app.StartAsync();
            return server;
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Line_AgainstTheMessagingApisDocumentedPushContract_SendsOncePerRetryKey_RetriesA429_AndTakesA400AsPermanent()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        await using var line = await LineContractServer.StartAsync();
        var ok = "U" + new string('1', 32);
        var deliveries = await OutboxAsync(database, ReachChannel.Line, ok, "U" + new string('2', 29) + "429", "U" + new string('3', 28) + "dead");
        var settings = new Dictionary<string, string?> { ["Outreach:Line:ChannelToken"] = LineContractServer.Token, ["Outreach:Line:BaseUrl"] = line.BaseUrl };
        using var http = new HttpClient();
        var sender = new LineSender(http, LineSettings.From(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()));

        await using (var db = database.NewDb())
        {
            var first = await new OutreachRelay(db, new FixedTime(Morning), Settings(settings, ReachChannel.Line)).RunAsync(sender);
            Assert.Equal(new RelaySummary(1, 1, 1, false), first);
            // A relay that died after LINE accepted the first push, before writing it down, leaves it leased; once the
            // lease is over the next run pushes it again with the same key, and LINE's 409 says it was sent.
            await db.Deliveries.Where(d => d.Id == deliveries[0].Id).ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DeliveryStatus.Sending)
                .SetProperty(d => d.LeaseOwner, Guid.NewGuid()).SetProperty(d => d.LeasedUntil, Morning.AddMinutes(1).ToUniversalTime()));
            var second = await new OutreachRelay(db, new FixedTime(Morning.AddMinutes(6)), Settings(settings, ReachChannel.Line)).RunAsync(sender);
            Assert.Equal(new RelaySummary(2, 0, 0, false), second);
        }

        var requests = line.Requests.ToList();
        Assert.All(requests, r => Assert.Equal("夏期講座の申し込みが7月1日から始まります。", r.Text));
        Assert.Equal(2, requests.Count(r => r.To == ok));
        Assert.Single(requests.Where(r => r.To == ok).Select(r => r.Key).Distinct());
        Assert.Equal(deliveries[0].Key.ToString("D"), requests.First(r => r.To == ok).Key);
        Assert.Equal(1, line.Accepted[deliveries[0].Key.ToString("D")]);
        Assert.Equal(1, line.Accepted[deliveries[1].Key.ToString("D")]);
        await using var check = database.NewDb();
        var stored = await check.Deliveries.OrderBy(d => d.Id).ToListAsync();
        Assert.Equal([DeliveryStatus.Sent, DeliveryStatus.Sent, DeliveryStatus.Failed], stored.Select(d => d.Status));
        Assert.Equal("LINE 400", stored[2].Error);

        // A revoked token stops the relay with the reason; the deliveries it took are given back.
        await using (var db = database.NewDb())
        {
            await db.Deliveries.Where(d => d.Id == deliveries[2].Id).ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DeliveryStatus.Queued));
            var revoked = new LineSender(http, new LineSettings("revoked", new Uri(line.BaseUrl + "/")));
            var stopped = await Assert.ThrowsAsync<RelayStoppedException>(() => new OutreachRelay(db, new FixedTime(Morning.AddMinutes(7)), Settings(settings, ReachChannel.Line)).RunAsync(revoked));
            Assert.Contains("401", stopped.Message);
            Assert.Equal(DeliveryStatus.Queued, (await db.Deliveries.AsNoTracking().SingleAsync(d => d.Id == deliveries[2].Id)).Status);
        }
    }

    /// <summary>
    /// The relay as a process of its own, killed twice: once by the SMTP server the instant after it stored a message
    /// and before it answered (the worst moment: accepted, not yet written down), once by the test at whatever point
    /// it has reached. Restarted after each, it ends with every recipient holding exactly one message: a message the
    /// server took twice carries the same Message-ID, which is how mail systems tell a repeat from a new message.
    /// On PostgreSQL the relay runs as an account that may read and write the deliveries table only.
    /// </summary>
    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task ARelayKilledMidBatch_AndRestarted_DeliversEveryMessageExactlyOnce(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var smtp = SmtpTestServer.Start();
        var addresses = Enumerable.Range(1, 40).Select(i => $"family{i:00}@example.jp").ToArray();
        var deliveries = await OutboxAsync(database, ReachChannel.Email, addresses);
        var environment = new Dictionary<string, string?>(smtp.Settings())
        {
            ["Database:Provider"] = database.Settings.Provider.ToString(),
            ["ConnectionStrings:Tsunagu"] = kind == DatabaseKind.Postgres ? await RelayAccountAsync(database) : database.Settings.ConnectionString,
            ["Outreach:QuietHours"] = "0-0",
            ["Outreach:LeaseSeconds"] = "2",
            ["Outreach:Batch"] = "5",
            ["Outreach:Email:PerMinute"] = "6000",
            ["Outreach:Email:Connections"] = "4",
            ["Logging:LogLevel:Default"] = "Warning",
        };

        Process? relay = null;
        smtp.AfterStore = count =>
        {
            if (count == 8)
            {
                relay!.Kill(entireProcessTree: true);
                relay.WaitForExit();
            }
        };
        relay = StartRelay(environment);
        await relay.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.NotEqual(0, relay.ExitCode);
        smtp.AfterStore = null;
        await Task.Delay(TimeSpan.FromSeconds(2.5)); // the dead run's lease ends

        relay = StartRelay(environment);
        while (smtp.Received.Count < 20 && !relay.HasExited)
        {
            await Task.Delay(10);
        }
        relay.Kill(entireProcessTree: true);
        await relay.WaitForExitAsync();
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        relay = StartRelay(environment);
        await relay.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(relay.ExitCode == 0, await relay.StandardError.ReadToEndAsync());

        var received = smtp.Received.ToList();
        var keys = deliveries.ToDictionary(d => d.Address, d => $"{d.Key:N}@city.example.jp");
        foreach (var address in addresses)
        {
            // Exactly one message per family: whatever arrived twice is the same message (its Message-ID).
            Assert.Equal([keys[address]], received.Where(m => m.To == address).Select(m => m.MessageId).Distinct());
        }
        // The first kill came after the server stored message 8 and before it answered: that one arrived twice. Each kill
        // can leave at most one message per connection (4) sent and not written down.
        Assert.InRange(received.Count, 41, 40 + 2 * 4);
        await using var db = database.NewDb();
        Assert.All(await db.Deliveries.Where(d => d.Channel == ReachChannel.Email).ToListAsync(), d => Assert.Equal(DeliveryStatus.Sent, d.Status));
        // On PostgreSQL a paper notice waits beside them, which the relay's account can neither see nor send.
        Assert.All(await db.Deliveries.Where(d => d.Channel == ReachChannel.Paper).ToListAsync(), d => Assert.Equal(DeliveryStatus.Queued, d.Status));
    }

    static Process StartRelay(Dictionary<string, string?> settings) => TsunaguProcess.Start(settings, "outreach", "relay", "--channel", "email");

    /// <summary>
    /// The internet tier's account, made by docs/relay-account.sql as an operator would run it: the e-mail and LINE
    /// deliveries, read, and their results written — no person, no paper notice (names and addresses), no address or
    /// words rewritten.
    /// </summary>
    static async Task<string> RelayAccountAsync(TestDatabase database)
    {
        var role = $"relay_{Guid.NewGuid():N}";
        var script = await File.ReadAllTextAsync(Path.Combine(Browser.BrowserFixture.RepositoryRoot(), "docs", "relay-account.sql"));
        await using var admin = new NpgsqlConnection(database.Settings.ConnectionString);
        await admin.OpenAsync();
        await using (var create = new NpgsqlCommand(script.Replace("tsunagu_relay", role, StringComparison.Ordinal).Replace("change-me", "relay", StringComparison.Ordinal), admin))
        {
            await create.ExecuteNonQueryAsync();
        }
        await using (var paper = new NpgsqlCommand("""
            INSERT INTO deliveries ("CampaignId", "WindowId", "HouseholdId", "Channel", "Address", "Subject", "Message", "Key", "Status", "Attempts", "QueuedAt")
            SELECT "CampaignId", "WindowId", "HouseholdId", 1, '〒980-0811 一番町 髙橋 花子 様', "Subject", "Message", gen_random_uuid(), 0, 0, "QueuedAt" FROM deliveries LIMIT 1
            """, admin))
        {
            await paper.ExecuteNonQueryAsync();
        }
        foreach (var (sql, state) in new[]
        {
            ("SELECT count(*) FROM persons", "42501"),
            ("SELECT count(*) FROM households", "42501"),
            ("UPDATE deliveries SET \"Address\" = 'x@example.jp'", "42501"),
            ("UPDATE deliveries SET \"Message\" = 'x'", "42501"),
        })
        {
            await using var refused = new NpgsqlCommand($"SET ROLE {role}; {sql}; RESET ROLE;", admin);
            Assert.Equal(state, (await Assert.ThrowsAsync<PostgresException>(() => refused.ExecuteNonQueryAsync())).SqlState);
            await using var reset = new NpgsqlCommand("RESET ROLE", admin);
            await reset.ExecuteNonQueryAsync();
        }
        await using (var seen = new NpgsqlCommand($"SET ROLE {role}; SELECT count(*) FROM deliveries WHERE \"Channel\" = 1", admin))
        {
            Assert.Equal(0L, await seen.ExecuteScalarAsync());
        }
        await using (var reset = new NpgsqlCommand("RESET ROLE", admin))
        {
            await reset.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(database.Settings.ConnectionString) { Username = role, Password = "relay" }.ConnectionString;
    }
}
