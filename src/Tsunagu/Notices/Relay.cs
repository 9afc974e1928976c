using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Calendar;
using Tsunagu.Data;
using Tsunagu.People;

namespace Tsunagu.Notices;

/// <summary>What the far end made of one delivery.</summary>
public enum SendOutcome
{
    Sent = 0,      // accepted (or accepted before, by its key)
    Retry = 1,     // a temporary failure: try again later
    Permanent = 2, // the address will never take it (a mailbox refused with 5xx, LINE refusing the user id)
}

public sealed record SendResult(SendOutcome Outcome, string? Error = null)
{
    public static readonly SendResult Sent = new(SendOutcome.Sent);
}

/// <summary>
/// The relay's side of one channel: it sends one delivery, and keeps whatever connection it needs between them. A
/// configuration the far end refuses (a wrong password, a revoked channel token) throws <see cref="RelayStoppedException"/>
/// rather than failing every delivery.
/// </summary>
public interface INoticeSender : IAsyncDisposable
{
    ReachChannel Channel { get; }
    Task<SendResult> SendAsync(Delivery delivery, CancellationToken ct);
}

/// <summary>The relay cannot go on (the relay's own settings, not a household's address): exit 1 with the reason.</summary>
public sealed class RelayStoppedException(string message) : RefusalException(RefusalKind.Conflict, message);

/// <summary>The relay's settings (`Outreach:*`).</summary>
public sealed record RelaySettings(int QuietFrom, int QuietUntil, int PerMinute, TimeSpan Lease, int MaxAttempts, int Batch, int Connections)
{
    public static RelaySettings From(IConfiguration configuration, ReachChannel channel)
    {
        var section = configuration.GetSection("Outreach");
        // 21:00–08:00 Japan time by default; a city may widen it. "0-0" turns it off (a test server, a relay run by hand).
        var quiet = (section["QuietHours"] ?? "21-8").Split('-');
        if (quiet.Length != 2 || !int.TryParse(quiet[0], CultureInfo.InvariantCulture, out var from) || !int.TryParse(quiet[1], CultureInfo.InvariantCulture, out var until)
            || from is < 0 or > 23 || until is < 0 or > 23)
        {
            throw new RelayStoppedException($"Outreach:QuietHours「{section["QuietHours"]}」は「21-8」のように、送らない時間帯の始まりと終わり（0〜23時）を書いてください。");
        }
        // A typo in a setting is an error with its name, never a default taken silently.
        int Number(string key, int fallback, int min, int max) =>
            section[key] is not { } text ? fallback
            : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max ? value
            : throw new RelayStoppedException($"Outreach:{key}「{text}」は{min}から{max}までの整数で書いてください。");
        return new RelaySettings(from, until,
            Number($"{channel}:PerMinute", channel == ReachChannel.Line ? 1_000 : 300, 1, 100_000_000),
            TimeSpan.FromSeconds(Number("LeaseSeconds", 300, 2, 86_400)),
            Number("MaxAttempts", 5, 1, 20),
            Number("Batch", 200, 1, 5_000),
            Number($"{channel}:Connections", 4, 1, 32));
    }

    /// <summary>No sends between <see cref="QuietFrom"/> and <see cref="QuietUntil"/> o'clock, Japan time.</summary>
    public bool IsQuiet(DateTimeOffset now)
    {
        var hour = now.InJapan().Hour;
        return QuietFrom == QuietUntil ? false : QuietFrom < QuietUntil ? hour >= QuietFrom && hour < QuietUntil : hour >= QuietFrom || hour < QuietUntil;
    }
}

/// <summary>What a relay run did.</summary>
public sealed record RelaySummary(int Sent, int Retried, int Failed, bool StoppedForQuietHours);

/// <summary>
/// `tsunagu outreach relay`: sends one channel's deliveries from the outbox and writes the result back. It reads and
/// writes the deliveries table only, so on the internet tier it runs with a database account that may touch nothing
/// else. Exactly once: a delivery is leased to one run (<see cref="Delivery.LeaseOwner"/>), sent with its key (the
/// e-mail's Message-ID, LINE's X-Line-Retry-Key), and marked sent the moment the far end accepts it; a run that dies
/// leaves its leased deliveries to be taken again when the lease ends, and sends them with the same key — a LINE
/// retry with a key LINE has seen is answered 409 and not delivered twice; an e-mail the server had accepted just
/// before the crash arrives again with the same Message-ID, which mail systems show once (decision 0016).
/// </summary>
public sealed class OutreachRelay(TsunaguDb db, TimeProvider time, RelaySettings settings)
{
    public Task<RelaySummary> RunAsync(INoticeSender sender, CancellationToken ct = default) => RunAsync([sender], ct);

    /// <summary>Sends through several connections at once (`Outreach:{Channel}:Connections`), one delivery on each at a time.</summary>
    public async Task<RelaySummary> RunAsync(IReadOnlyList<INoticeSender> senders, CancellationToken ct = default)
    {
        var run = Guid.NewGuid();
        await RelaxedCommitsAsync(ct);
        try
        {
            return await SendAllAsync(senders, run, ct);
        }
        finally
        {
            // Whatever this run leased and did not send (the quiet hours began, the relay was stopped or refused) is given
            // back now rather than when the lease ends. A run killed outright leaves it to the lease.
            await db.Deliveries.Where(d => d.LeaseOwner == run && d.Status == DeliveryStatus.Sending)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DeliveryStatus.Queued).SetProperty(d => d.LeaseOwner, (Guid?)null).SetProperty(d => d.LeasedUntil, (DateTimeOffset?)null), CancellationToken.None);
        }
    }

    async Task<RelaySummary> SendAllAsync(IReadOnlyList<INoticeSender> senders, Guid run, CancellationToken ct)
    {
        var (sent, retried, failed, quiet) = (0, 0, 0, false);
        var channel = senders[0].Channel;
        using var limiter = Limiter(settings.PerMinute);
        // The connections send at once; the database context is one connection, so its statements take turns.
        using var turn = new SemaphoreSlim(1);
        async Task<T> InTurn<T>(Func<Task<T>> statement)
        {
            await turn.WaitAsync(CancellationToken.None);
            try
            {
                return await statement();
            }
            finally
            {
                turn.Release();
            }
        }
        var results = new Results(db, time, run, turn, StatusAfter);
        var idle = System.Threading.Channels.Channel.CreateUnbounded<INoticeSender>();
        foreach (var sender in senders)
        {
            idle.Writer.TryWrite(sender);
        }
        while (true)
        {
            var batch = settings.IsQuiet(time.GetUtcNow()) ? null : await LeaseAsync(channel, run, ct);
            if (batch is not { Count: > 0 })
            {
                return new RelaySummary(sent, retried, failed, batch is null);
            }
            await Parallel.ForEachAsync(batch.Chunk(Claim), new ParallelOptions { MaxDegreeOfParallelism = senders.Count, CancellationToken = ct }, async (chunk, token) =>
            {
                var sender = await idle.Reader.ReadAsync(token);
                try
                {
                    // Still ours, and not stopped since they were leased (a 送付禁止 recorded, a consent withdrawn): the
                    // lease runs on from now, so a slow batch never lets another relay take what this one is sending.
                    var mine = await InTurn(() => ClaimAsync(chunk, run));
                    foreach (var delivery in chunk.Where(d => mine.Contains(d.Id)))
                    {
                        using var permit = await limiter.AcquireAsync(1, token);
                        if (Volatile.Read(ref quiet) || settings.IsQuiet(time.GetUtcNow()))
                        {
                            Volatile.Write(ref quiet, true);
                            return;
                        }
                        var result = await sender.SendAsync(delivery, token);
                        switch (await results.RecordAsync(delivery, result))
                        {
                            case DeliveryStatus.Sent: Interlocked.Increment(ref sent); break;
                            case DeliveryStatus.Failed or DeliveryStatus.GaveUp: Interlocked.Increment(ref failed); break;
                            default: Interlocked.Increment(ref retried); break;
                        }
                    }
                }
                finally
                {
                    idle.Writer.TryWrite(sender);
                }
            });
            if (quiet)
            {
                return new RelaySummary(sent, retried, failed, true);
            }
        }
    }

    /// <summary>
    /// The relay's own session writes a result per message: it waits for the database's write but not for the disk's
    /// flush (PostgreSQL's synchronous_commit off, SQLite's synchronous NORMAL in WAL). A relay killed at any point loses
    /// nothing so; only a crash of the database's machine may lose the last moment's results, whose messages are then
    /// sent again with the same key (decision 0016). Measured: the flush was half the relay's cost per message.
    /// </summary>
    async Task RelaxedCommitsAsync(CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        await db.Database.ExecuteSqlRawAsync(db.Database.IsNpgsql() ? "SET synchronous_commit = off" : "PRAGMA synchronous = NORMAL", ct);
    }

    /// <summary>Deliveries a connection sends one after another, re-claimed together just before (a few seconds at most).</summary>
    const int Claim = 8;

    async Task<HashSet<long>> ClaimAsync(Delivery[] chunk, Guid run)
    {
        var ids = chunk.Select(d => d.Id).ToList();
        DateTimeOffset? until = time.GetUtcNow() + settings.Lease;
        var ours = db.Deliveries.Where(d => ids.Contains(d.Id) && d.LeaseOwner == run && d.Status == DeliveryStatus.Sending);
        // All of them, as a rule: then there is nothing to ask which.
        return await ours.ExecuteUpdateAsync(s => s.SetProperty(d => d.LeasedUntil, until), CancellationToken.None) == ids.Count
            ? [.. ids]
            : [.. await ours.Select(d => d.Id).ToListAsync(CancellationToken.None)];
    }

    /// <summary>
    /// Takes the next deliveries of the channel for this run: queued ones whose back-off is over, and ones another run
    /// leased and left (it stopped) once the lease is over. Two relays running at once take different deliveries: the
    /// update re-checks the state under the row's lock and only one of them changes a row.
    /// </summary>
    async Task<List<Delivery>> LeaseAsync(ReachChannel channel, Guid run, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        // Each state asked for on its own, so that the index (channel, status, id) gives its rows in order: "due" alone
        // walked the channel's whole history, every sent row included, on each lease (quadratic).
        async Task<List<long>> DueIn(DeliveryStatus status) =>
            await Due(channel, now).Where(d => d.Status == status).OrderBy(d => d.Id).Select(d => d.Id).Take(settings.Batch).ToListAsync(ct);
        var ids = (await DueIn(DeliveryStatus.Queued)).Concat(await DueIn(DeliveryStatus.Sending)).Order().Take(settings.Batch).ToList();
        if (ids.Count == 0)
        {
            return [];
        }
        var until = now + settings.Lease;
        await Due(channel, now).Where(d => ids.Contains(d.Id)).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Status, DeliveryStatus.Sending)
            .SetProperty(d => d.LeaseOwner, run)
            .SetProperty(d => d.LeasedUntil, until)
            .SetProperty(d => d.Attempts, d => d.Attempts + 1), ct);
        return await db.Deliveries.AsNoTracking().Where(d => ids.Contains(d.Id) && d.LeaseOwner == run && d.Status == DeliveryStatus.Sending).OrderBy(d => d.Id).ToListAsync(ct);
    }

    /// <summary>Due now: queued and past its back-off, or leased by a run whose lease is over.</summary>
    IQueryable<Delivery> Due(ReachChannel channel, DateTimeOffset now) => db.Deliveries.Where(d => d.Channel == channel
        && (d.Status == DeliveryStatus.Queued && (d.NextAttemptAt == null || d.NextAttemptAt <= now)
            || d.Status == DeliveryStatus.Sending && d.LeasedUntil < now));

    /// <summary>
    /// The far end's answers, written at once: a connection sends its next delivery only after its last answer is
    /// committed, whatever is being cancelled, so a crash leaves at most one delivery per connection sent and not written
    /// down. The connections' answers that arrive while a write is under way are written together, in one transaction,
    /// the sent ones by one statement (group commit): the database's cost per message falls as the connections wait on it.
    /// </summary>
    sealed class Results(TsunaguDb db, TimeProvider time, Guid run, SemaphoreSlim turn, Func<Delivery, SendResult, DeliveryStatus> statusAfter)
    {
        readonly Lock gate = new();
        List<(Delivery Delivery, SendResult Result, TaskCompletionSource<DeliveryStatus> Written)> waiting = [];

        public async Task<DeliveryStatus> RecordAsync(Delivery delivery, SendResult result)
        {
            var written = new TaskCompletionSource<DeliveryStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (gate)
            {
                waiting.Add((delivery, result, written));
            }
            await turn.WaitAsync(CancellationToken.None);
            try
            {
                // Whoever has the turn writes every answer waiting, its own and those that came while it waited.
                if (!written.Task.IsCompleted)
                {
                    List<(Delivery Delivery, SendResult Result, TaskCompletionSource<DeliveryStatus> Written)> group;
                    lock (gate)
                    {
                        (group, waiting) = (waiting, []);
                    }
                    await WriteAsync(group);
                }
            }
            finally
            {
                turn.Release();
            }
            return await written.Task;
        }

        async Task WriteAsync(List<(Delivery Delivery, SendResult Result, TaskCompletionSource<DeliveryStatus> Written)> group)
        {
            try
            {
                var now = time.GetUtcNow();
                var outcomes = group.Select(g => (g.Delivery, g.Result, Status: statusAfter(g.Delivery, g.Result))).ToList();
                var sent = outcomes.Where(o => o.Status == DeliveryStatus.Sent).Select(o => o.Delivery.Id).ToList();
                // The sent ones in one statement, each other one in its own; one statement commits alone, more in one transaction.
                var statements = (sent.Count > 0 ? 1 : 0) + outcomes.Count - sent.Count;
                await using var transaction = statements > 1 ? await db.Database.BeginTransactionAsync(CancellationToken.None) : null;
                if (sent.Count > 0)
                {
                    DateTimeOffset? at = now;
                    await db.Deliveries.Where(d => sent.Contains(d.Id) && d.LeaseOwner == run).ExecuteUpdateAsync(s => s
                        .SetProperty(d => d.Status, DeliveryStatus.Sent)
                        .SetProperty(d => d.SentAt, at)
                        .SetProperty(d => d.Error, (string?)null)
                        .SetProperty(d => d.NextAttemptAt, (DateTimeOffset?)null)
                        .SetProperty(d => d.LeaseOwner, (Guid?)null)
                        .SetProperty(d => d.LeasedUntil, (DateTimeOffset?)null), CancellationToken.None);
                }
                foreach (var (delivery, result, status) in outcomes.Where(o => o.Status != DeliveryStatus.Sent))
                {
                    // Back-off: 1, 2, 4, 8 … minutes after the attempt.
                    DateTimeOffset? next = status == DeliveryStatus.Queued ? now.AddMinutes(Math.Pow(2, Math.Min(delivery.Attempts - 1, 10))) : null;
                    var error = result.Error is null ? null : result.Error.Length > 300 ? result.Error[..300] : result.Error;
                    var id = delivery.Id;
                    // Still being sent: a 送付禁止 or a withdrawal recorded meanwhile stopped the row (keeping the lease
                    // owner), and a retry must not put it back in the queue. A message that went is recorded as sent.
                    await db.Deliveries.Where(d => d.Id == id && d.LeaseOwner == run && d.Status == DeliveryStatus.Sending).ExecuteUpdateAsync(s => s
                        .SetProperty(d => d.Status, status)
                        .SetProperty(d => d.SentAt, (DateTimeOffset?)null)
                        .SetProperty(d => d.Error, error)
                        .SetProperty(d => d.NextAttemptAt, next)
                        .SetProperty(d => d.LeaseOwner, (Guid?)null)
                        .SetProperty(d => d.LeasedUntil, (DateTimeOffset?)null), CancellationToken.None);
                }
                if (transaction is not null)
                {
                    await transaction.CommitAsync(CancellationToken.None);
                }
                for (var i = 0; i < group.Count; i++)
                {
                    group[i].Written.SetResult(outcomes[i].Status);
                }
            }
            catch (Exception e)
            {
                foreach (var waiter in group)
                {
                    waiter.Written.TrySetException(e);
                }
            }
        }
    }

    DeliveryStatus StatusAfter(Delivery delivery, SendResult result) => result.Outcome switch
    {
        SendOutcome.Sent => DeliveryStatus.Sent,
        SendOutcome.Permanent => DeliveryStatus.Failed,
        _ when delivery.Attempts >= settings.MaxAttempts => DeliveryStatus.GaveUp,
        _ => DeliveryStatus.Queued,
    };

    /// <summary>The per-channel rate (`Outreach:Email:PerMinute`, …): the framework's token bucket, not a hand-made one.</summary>
    static TokenBucketRateLimiter Limiter(int perMinute) => new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = Math.Max(1, perMinute / 60),
        TokensPerPeriod = Math.Max(1, perMinute / 60),
        ReplenishmentPeriod = perMinute >= 60 ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(60.0 / perMinute),
        QueueLimit = int.MaxValue,
        AutoReplenishment = true,
    });
}
