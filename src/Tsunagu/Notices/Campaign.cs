using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tsunagu.Catalogue;
using Tsunagu.People;

namespace Tsunagu.Notices;

/// <summary>When a campaign's notice goes out, relative to its window.</summary>
public enum NoticeTiming
{
    BeforeOpening = 0, // 受付開始のN日前
    OnOpening = 1,     // 受付開始日
    BeforeClosing = 2, // 締切のN日前
}

public enum CampaignStatus
{
    Draft = 0,    // 下書き
    Approved = 1, // 承認済み（送付日を待つ）
    Queued = 2,   // 送付済み（アウトボックスへ）
    Lapsed = 3,   // 送付日を過ぎて申込期間も終わった（送らなかった）
}

/// <summary>
/// プッシュ型のお知らせ for one application window: when (relative to the window), by which channels, with what words.
/// Written by staff, approved by the responsible program's manager, then queued on its day to the households the
/// window's targeting rule names that agreed to the channel (<see cref="Recipients"/>).
/// </summary>
public class Campaign : Data.IVersioned
{
    public int Id { get; set; }
    public int WindowId { get; set; }
    public ApplicationWindow Window { get; set; } = null!;
    public NoticeTiming Timing { get; set; }

    /// <summary>N of "N days before"; 0 on opening.</summary>
    public int Days { get; set; }

    /// <summary>The channels it goes by (電話 is for case work, never a notice).</summary>
    public List<ReachChannel> Channels { get; set; } = [];

    public required string Message { get; set; }
    public CampaignStatus Status { get; set; }
    public required string CreatedBy { get; set; }

    /// <summary>The writer's account, and the last editor's: whoever approves is neither.</summary>
    public string? CreatedByUserId { get; set; }
    public string? EditedByUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string? ApprovedBy { get; set; }
    public DateTimeOffset? ApprovedAt { get; set; }
    public DateTimeOffset? QueuedAt { get; set; }

    /// <summary>A second editor or approver gets 409, not an overwrite (<see cref="Data.IVersioned"/>).</summary>
    public int Version { get; set; }

    /// <summary>The day it is queued (the window loaded).</summary>
    public DateOnly SendOn => SendOnFor(Window, Timing, Days);

    public static DateOnly SendOnFor(ApplicationWindow window, NoticeTiming timing, int days) => timing switch
    {
        NoticeTiming.BeforeOpening => window.Opens.AddDays(-days),
        NoticeTiming.OnOpening => window.Opens,
        _ => window.Closes.AddDays(-days),
    };
}

public enum DeliveryStatus
{
    Queued = 0,   // 送付待ち
    Sent = 1,     // 送付済み
    Failed = 2,   // 不達（恒久的な失敗: その世帯のその方法は使えない）
    OptedOut = 3, // 配信停止（送る前に同意が撤回された）
    Sending = 4,  // 送付中（リレーが引き受けた。リレーが止まれば期限の後に引き受け直す）
    GaveUp = 5,   // 一時的な失敗が続き、再試行をやめた（住所のせいとは限らないので、方法は無効にしない）
    Stopped = 6,  // 取りやめ（送る前に送付禁止が記録された）
}

/// <summary>
/// One notice to one household by one channel: the outbox row the relay on the internet tier sends. It carries the
/// address and the words only — no case data — and a key the relay sends with it, so that a crash never repeats or
/// skips it. A household is notified once per window and channel, however many of its members the rule names
/// (a unique index, not a hope).
/// </summary>
public class Delivery
{
    public long Id { get; set; }
    public int CampaignId { get; set; }
    public int WindowId { get; set; }
    public int HouseholdId { get; set; }
    public ReachChannel Channel { get; set; }
    public required string Address { get; set; }

    /// <summary>The e-mail's subject (and the letter's title): the window's, the same for every household.</summary>
    public required string Subject { get; set; }
    public required string Message { get; set; }

    /// <summary>The relay run holding the lease (<see cref="LeasedUntil"/>).</summary>
    public Guid? LeaseOwner { get; set; }
    public Guid Key { get; set; }
    public DeliveryStatus Status { get; set; }
    public int Attempts { get; set; }

    /// <summary>What the far end answered on a failure (an SMTP reply, a LINE status): never the message or the address.</summary>
    public string? Error { get; set; }
    public DateTimeOffset QueuedAt { get; set; }

    /// <summary>Not before: the back-off after a temporary failure.</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }

    /// <summary>A relay took the delivery until then; past it, the delivery is another relay's to take (the first one stopped).</summary>
    public DateTimeOffset? LeasedUntil { get; set; }
    public DateTimeOffset? SentAt { get; set; }
}

public sealed class CampaignConfiguration : IEntityTypeConfiguration<Campaign>
{
    public void Configure(EntityTypeBuilder<Campaign> builder)
    {
        builder.ToTable("campaigns");
        builder.HasOne(c => c.Window).WithMany().HasForeignKey(c => c.WindowId);
        builder.PrimitiveCollection(c => c.Channels);
    }
}

public sealed class DeliveryConfiguration : IEntityTypeConfiguration<Delivery>
{
    public void Configure(EntityTypeBuilder<Delivery> builder)
    {
        builder.ToTable("deliveries");
        builder.HasIndex(d => new { d.WindowId, d.HouseholdId, d.Channel }).IsUnique();
        builder.HasIndex(d => d.Key).IsUnique();
        builder.HasIndex(d => new { d.Channel, d.Status, d.Id });
        builder.HasOne<Campaign>().WithMany().HasForeignKey(d => d.CampaignId);
        builder.HasOne<Household>().WithMany().HasForeignKey(d => d.HouseholdId);
    }
}
