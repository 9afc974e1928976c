using Microsoft.EntityFrameworkCore;
using Tsunagu.Audit;
using Tsunagu.Calendar;
using Tsunagu.Catalogue;
using Tsunagu.Data;
using Tsunagu.People;
using Tsunagu.Site;

namespace Tsunagu.Notices;

/// <summary>What one pass of the queue did.</summary>
public sealed record QueueSummary(int Campaigns, int Deliveries, int Lapsed, int Failed = 0);

/// <summary>
/// Puts the approved campaigns whose day has come into the outbox: one delivery per recipient household and channel,
/// computed now (<see cref="Recipients"/>), the address and the words only. A campaign is queued whole or not at all
/// (one transaction), and by one process only — it is claimed by moving it from 承認済み to 送付済み in the same
/// transaction — so that a crash of Tsunagu while queueing neither loses nor doubles it. Run by the web application
/// every few minutes and by `tsunagu outreach queue`.
/// </summary>
public sealed class Outbox(TsunaguDb db, TimeProvider time, IConfiguration configuration, ILogger<Outbox>? log = null)
{
    const int Chunk = 2_000;
    public const string Actor = "system:notices";

    public async Task<QueueSummary> QueueDueAsync(CancellationToken ct = default)
    {
        var today = CityClock.Today(time);
        var approved = await db.Campaigns.AsNoTracking().Include(c => c.Window).ThenInclude(w => w.Scheme).ThenInclude(s => s.Program)
            .Where(c => c.Status == CampaignStatus.Approved).ToListAsync(ct);
        var (campaigns, deliveries, lapsed, failed) = (0, 0, 0, 0);
        foreach (var campaign in approved.Where(c => c.SendOn <= today).OrderBy(c => c.Id))
        {
            try
            {
                if (campaign.Window.Closes < today || campaign.Window.Target is null)
                {
                    // Approved but never queued until its window had closed (the server was down for days): telling
                    // families about a closed window helps no one. A window without a rule names no one (never "all").
                    lapsed += await LapseAsync(campaign, ct);
                    continue;
                }
                if (await QueueAsync(campaign, today, ct) is { } count)
                {
                    (campaigns, deliveries) = (campaigns + 1, deliveries + count);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One campaign that cannot be queued (its rule names a program renamed since) does not hold up the others;
                // it stays approved, and the log says which.
                db.ChangeTracker.Clear();
                failed++;
                log?.LogError(e, "Campaign {Campaign} could not be queued", campaign.Id);
            }
        }
        return new QueueSummary(campaigns, deliveries, lapsed, failed);
    }

    async Task<int> LapseAsync(Campaign campaign, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await ClaimAsync(campaign, CampaignStatus.Lapsed, ct) == 0)
        {
            return 0;
        }
        db.Audit(time, Actor, AuditActions.CampaignQueue, campaign.Window.Scheme.FiscalYear, campaign.Window.Scheme.Program.Code,
            campaign.Window.Scheme.AuditSubject(), before: null, after: $"{campaign.Id} 期限切れ（申込期間が終わっていたか対象がないため送らず）");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return 1;
    }

    /// <returns>The deliveries written; null when another process had claimed the campaign first.</returns>
    async Task<int?> QueueAsync(Campaign campaign, DateOnly today, CancellationToken ct)
    {
        var scheme = campaign.Window.Scheme;
        var site = PublicSettings.From(configuration);
        var text = NoticeText.Render(campaign, scheme, site);
        var subject = NoticeText.Subject(scheme, campaign.Window, site);
        var rule = TargetRule.Parse(campaign.Window.Target, await db.Programs.AsNoTracking().ToListAsync(ct));
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await ClaimAsync(campaign, CampaignStatus.Queued, ct) == 0)
        {
            return null;
        }
        var now = time.GetUtcNow();
        var counts = new List<string>();
        var total = 0;
        foreach (var channel in campaign.Channels)
        {
            var recipients = await Recipients.Of(db, campaign.WindowId, rule, channel, today).ToListAsync(ct);
            foreach (var chunk in recipients.Chunk(Chunk))
            {
                db.Deliveries.AddRange(chunk.Select(r => new Delivery
                {
                    CampaignId = campaign.Id,
                    WindowId = campaign.WindowId,
                    HouseholdId = r.HouseholdId,
                    Channel = channel,
                    Address = r.Address,
                    Subject = subject,
                    Message = text,
                    Key = Guid.NewGuid(),
                    QueuedAt = now,
                }));
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
            }
            counts.Add($"{channel.Japanese()} {recipients.Count}件");
            total += recipients.Count;
        }
        db.Audit(time, Actor, AuditActions.CampaignQueue, scheme.FiscalYear, scheme.Program.Code, scheme.AuditSubject(),
            before: null, after: $"{campaign.Id} 送付 {string.Join("・", counts)}");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return total;
    }

    /// <summary>
    /// Moves an approved campaign on, if it still is approved and as it was read (not edited and approved again since):
    /// the one row two processes cannot both change.
    /// </summary>
    async Task<int> ClaimAsync(Campaign campaign, CampaignStatus to, CancellationToken ct) =>
        await db.Campaigns.Where(c => c.Id == campaign.Id && c.Status == CampaignStatus.Approved && c.Version == campaign.Version)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, to).SetProperty(c => c.QueuedAt, time.GetUtcNow()).SetProperty(c => c.Version, c => c.Version + 1), ct);
}

/// <summary>Queues due campaigns every few minutes while the web application runs (`Outreach:QueueEveryMinutes`, 0 for never).</summary>
public sealed class NoticeScheduler(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<NoticeScheduler> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var minutes = configuration.GetValue("Outreach:QueueEveryMinutes", 5);
        if (minutes <= 0)
        {
            return;
        }
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(minutes));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var summary = await scope.ServiceProvider.GetRequiredService<Outbox>().QueueDueAsync(stoppingToken);
                if (summary.Campaigns + summary.Lapsed > 0)
                {
                    log.LogInformation("Notices queued: {Campaigns} campaigns, {Deliveries} deliveries, {Lapsed} lapsed", summary.Campaigns, summary.Deliveries, summary.Lapsed);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The next tick tries again; a campaign is queued whole or not at all.
                log.LogError(e, "Queueing notices failed");
            }
        }
    }
}
