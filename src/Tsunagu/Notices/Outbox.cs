using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
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
            await InsertAsync(recipients, [
                (nameof(Delivery.CampaignId), campaign.Id),
                (nameof(Delivery.WindowId), campaign.WindowId),
                (nameof(Delivery.Channel), channel),
                (nameof(Delivery.Subject), subject),
                (nameof(Delivery.Message), text),
                (nameof(Delivery.Status), DeliveryStatus.Queued),
                (nameof(Delivery.Attempts), 0),
                (nameof(Delivery.QueuedAt), now),
            ], ct);
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
    /// One channel's deliveries, written in bulk in the queue's transaction: EF's inserts one entity at a time took 10 of
    /// the 12.6 s of queueing 100,000 (bench notices). PostgreSQL takes them as two arrays, unnested by one statement;
    /// SQLite, in-process, by one statement prepared once. Every value goes through EF's own type mapping of its
    /// property, so it is stored exactly as EF stores it (SQLite keeps times as binary numbers, keys as text).
    /// </summary>
    async Task InsertAsync(IReadOnlyList<Recipient> recipients, (string Property, object Value)[] shared, CancellationToken ct)
    {
        var entity = db.Model.FindEntityType(typeof(Delivery))!;
        string[] each = [nameof(Delivery.HouseholdId), nameof(Delivery.Address), nameof(Delivery.Key)];
        var columns = string.Join(", ", shared.Select(s => s.Property).Concat(each).Select(p => $"\"{entity.FindProperty(p)!.GetColumnName()}\""));
        var values = string.Join(", ", shared.Select(s => "@" + s.Property));
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        command.CommandTimeout = 0;
        DbParameter Parameter(string property, object value) =>
            entity.FindProperty(property)!.GetRelationalTypeMapping().CreateParameter(command, "@" + property, value, nullable: false);
        command.Parameters.AddRange(shared.Select(s => Parameter(s.Property, s.Value)).ToArray());
        if (db.Database.IsNpgsql())
        {
            command.CommandText = $"INSERT INTO \"{entity.GetTableName()}\" ({columns}) SELECT {values}, r.h, r.a, gen_random_uuid() FROM unnest(@h, @a) AS r(h, a)";
            command.Parameters.Add(new NpgsqlParameter("h", recipients.Select(r => r.HouseholdId).ToArray()));
            command.Parameters.Add(new NpgsqlParameter("a", recipients.Select(r => r.Address).ToArray()));
            await command.ExecuteNonQueryAsync(ct);
            return;
        }
        command.CommandText = $"INSERT INTO \"{entity.GetTableName()}\" ({columns}) VALUES ({values}, {string.Join(", ", each.Select(p => "@" + p))})";
        var (household, address, key) = (Parameter(each[0], 0), Parameter(each[1], ""), Parameter(each[2], Guid.Empty));
        command.Parameters.AddRange(new[] { household, address, key });
        foreach (var recipient in recipients)
        {
            (household.Value, address.Value, key.Value) = (recipient.HouseholdId, recipient.Address, Guid.NewGuid());
            await command.ExecuteNonQueryAsync(ct);
        }
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
