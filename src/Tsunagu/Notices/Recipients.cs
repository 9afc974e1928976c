using Tsunagu.Catalogue;
using Tsunagu.Data;
using Tsunagu.People;

namespace Tsunagu.Notices;

/// <summary>A household a notice goes to, by a channel, at an address.</summary>
public sealed record Recipient(int HouseholdId, ReachChannel Channel, string Address);

/// <summary>
/// Who a campaign's notice goes to, computed on the day of sending as one query per channel: the households the window's
/// targeting rule names, that agreed to the channel and had not withdrawn by that day, with no restricted member
/// (送付禁止, whatever the consent), not yet notified of the window by the channel, and with an address for it.
/// </summary>
public static class Recipients
{
    /// <summary>
    /// The channels a notice can go by. SMS is recorded as a consent but sent by nothing yet: the city has no SMS
    /// gateway contract to send through.
    /// </summary>
    public static readonly ReachChannel[] NoticeChannels = [ReachChannel.Email, ReachChannel.Line, ReachChannel.Paper];

    /// <summary>Deliveries not sent yet: waiting in the outbox, or leased by a relay that has not sent them.</summary>
    public static IQueryable<Delivery> Waiting(TsunaguDb db) =>
        db.Deliveries.Where(d => d.Status == DeliveryStatus.Queued || d.Status == DeliveryStatus.Sending);

    /// <summary>The households' consents to a channel standing on a day: given by then and not withdrawn by then.</summary>
    public static IQueryable<ReachConsent> Standing(TsunaguDb db, ReachChannel channel, DateOnly day) =>
        db.ReachConsents.Where(k => k.Channel == channel && k.GivenOn <= day && (k.WithdrawnOn == null || k.WithdrawnOn > day));

    /// <summary>
    /// The permanent failures (an SMTP 5xx, LINE refusing the user id) since the household's standing consent to the
    /// channel was recorded: that channel is invalid for the household until a worker records the consent again with
    /// a corrected address — which is how the worker is told (the 連絡先 page shows them).
    /// </summary>
    public static IQueryable<Delivery> Undeliverable(TsunaguDb db) =>
        db.Deliveries.Where(d => d.Status == DeliveryStatus.Failed
            && db.ReachConsents.Any(k => k.HouseholdId == d.HouseholdId && k.Channel == d.Channel && k.WithdrawnOn == null && k.RecordedAt < d.QueuedAt));

    public static IQueryable<Recipient> Of(TsunaguDb db, int windowId, TargetRule rule, ReachChannel channel, DateOnly day)
    {
        var consents = Standing(db, channel, day);
        var households = rule.Households(db, day, among: consents.Select(k => k.HouseholdId))
            .Where(h => !Undeliverable(db).Any(d => d.HouseholdId == h.Id && d.Channel == channel))
            .Where(h => !db.Persons.Any(p => p.HouseholdId == h.Id && p.Restriction != null))
            .Where(h => !db.Deliveries.Any(d => d.WindowId == windowId && d.HouseholdId == h.Id && d.Channel == channel));
        var members = db.Persons.Where(p => p.MergedIntoId == null);
        // A guardian's address before a child's; among equals the earliest registered. Asked as "the first guardian's,
        // else the first member's" (each read in the order of the household index, no sort) for households known to
        // have one (an EXISTS, not the pick a second time): the pick sorted per household and ran twice, 2.8 s of a
        // broad rule's 123,383 households at 1,000,000 persons (bench notices).
        var emails = members.Where(p => p.Email != null);
        var mobiles = members.Where(p => p.PhoneKey != null && (p.PhoneKey.StartsWith("070") || p.PhoneKey.StartsWith("080") || p.PhoneKey.StartsWith("090")));
        var addressed = channel switch
        {
            ReachChannel.Email => households.Where(h => emails.Any(p => p.HouseholdId == h.Id)).Select(h => new
            {
                h.Id,
                Address = emails.Where(p => p.HouseholdId == h.Id && p.Role == PersonRole.Guardian).OrderBy(p => p.Id).Select(p => p.Email).FirstOrDefault()
                    ?? emails.Where(p => p.HouseholdId == h.Id).OrderBy(p => p.Id).Select(p => p.Email).FirstOrDefault(),
            }),
            ReachChannel.Sms => households.Where(h => mobiles.Any(p => p.HouseholdId == h.Id)).Select(h => new
            {
                h.Id,
                Address = mobiles.Where(p => p.HouseholdId == h.Id && p.Role == PersonRole.Guardian).OrderBy(p => p.Id).Select(p => p.PhoneKey).FirstOrDefault()
                    ?? mobiles.Where(p => p.HouseholdId == h.Id).OrderBy(p => p.Id).Select(p => p.PhoneKey).FirstOrDefault(),
            }),
            // A letter's address block, printed at the city hall (paper does not cross the tiers): the guardian by name,
            // or the child's parents when no guardian is registered.
            ReachChannel.Paper => households.Where(h => h.Address != null).Select(h => new
            {
                h.Id,
                Address = (string?)((h.PostalCode == null ? "" : "〒" + h.PostalCode + "\n") + h.Address + "\n"
                    + (members.Where(p => p.HouseholdId == h.Id && p.Role == PersonRole.Guardian).OrderBy(p => p.Id).Select(p => p.Name + " 様").FirstOrDefault()
                        ?? members.Where(p => p.HouseholdId == h.Id).OrderBy(p => p.Id).Select(p => p.Name + " 様 保護者様").FirstOrDefault() ?? "保護者様")),
            }),
            ReachChannel.Line => households.Where(h => consents.Any(k => k.HouseholdId == h.Id && k.LineUserId != null))
                .Select(h => new { h.Id, Address = consents.Where(k => k.HouseholdId == h.Id && k.LineUserId != null).Select(k => k.LineUserId).FirstOrDefault() }),
            _ => households.Where(h => false).Select(h => new { h.Id, Address = (string?)null }),
        };
        // Each channel above keeps only households that have an address for it.
        return addressed.Select(x => new Recipient(x.Id, channel, x.Address!));
    }

    /// <summary>
    /// The notices of a program's support systems that reached a household between two days (Japan time): what
    /// お知らせが届いた世帯数 counts (<see cref="Indicators.MeasureKind.NoticedHouseholds"/>) — sent, not merely queued.
    /// </summary>
    public static IQueryable<Delivery> Reached(TsunaguDb db, int programId, DateOnly from, DateOnly to)
    {
        var (start, end) = (Calendar.CityClock.StartInJapan(from), Calendar.CityClock.StartInJapan(to.AddDays(1)));
        return db.Deliveries.Where(d => d.Status == DeliveryStatus.Sent && d.SentAt >= start && d.SentAt < end
            && db.Campaigns.Any(c => c.Id == d.CampaignId && c.Window.Scheme.ProgramId == programId));
    }
}
