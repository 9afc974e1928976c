using System.Text;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Audit;
using Tsunagu.Calendar;
using Tsunagu.Catalogue;
using Tsunagu.Data;
using Tsunagu.People;
using Tsunagu.Records;
using Tsunagu.Site;

namespace Tsunagu.Notices;

/// <summary>A campaign as typed on the form.</summary>
/// <param name="Version">The version the form was filled from; null for a new campaign.</param>
public sealed record CampaignInput(int WindowId, NoticeTiming? Timing, int? Days, IReadOnlyList<ReachChannel> Channels, string? Message, int? Version = null);

/// <summary>What approving a campaign would send, counted on today's records: households by channel, and the words.</summary>
public sealed record CampaignPreview(DateOnly Day, IReadOnlyList<(ReachChannel Channel, int Households)> Counts, string Text)
{
    /// <summary>
    /// A count as the page shows it: under 5 as 「5未満」, as the published figures suppress small cells — so that a
    /// narrow rule cannot tell whether one family is there, or was just restricted.
    /// </summary>
    public static string Shown(int households) => households < 5 ? "5未満" : households.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Campaigns (プッシュ型のお知らせ) for the catalogue's windows: written by whoever may edit the system (a planner, the
/// program's manager), approved by a manager of the responsible program other than the writer, queued on their day
/// (<see cref="Outbox"/>). Campaigns hold no personal data; the preview shows counts only. Every step audited.
/// </summary>
public sealed class CampaignService(TsunaguDb db, RecordScope scope, CatalogueService catalogue, TimeProvider time, IConfiguration configuration)
{
    public const int MessageMax = 1_000;
    public const int DaysMax = 60;

    /// <summary>Every campaign of a fiscal year's systems, for the list of notices.</summary>
    public async Task<List<Campaign>> OfYearAsync(int fiscalYear, CancellationToken ct = default) =>
        await db.Campaigns.AsNoTracking().Include(c => c.Window).ThenInclude(w => w.Scheme).ThenInclude(s => s.Program)
            .Where(c => c.Window.Scheme.FiscalYear == fiscalYear).OrderBy(c => c.Window.Opens).ThenBy(c => c.Id).ToListAsync(ct);

    public async Task<Campaign?> FindAsync(int id, CancellationToken ct = default) =>
        await db.Campaigns.AsNoTracking().Include(c => c.Window).ThenInclude(w => w.Scheme).ThenInclude(s => s.Program).SingleOrDefaultAsync(c => c.Id == id, ct);

    public Task<bool> MayEditAsync(Campaign campaign) => catalogue.MayEditAsync(campaign.Window.Scheme.ProgramId);

    public async Task<bool> MayApproveAsync(Campaign campaign) => await ApprovalRefusalAsync(campaign) is null;

    /// <summary>
    /// Why the user may not approve the campaign, or null: a manager of the responsible program who neither wrote nor
    /// last changed it (the four-eyes rule of plans, here too), of a draft still in time, whose window names its households.
    /// </summary>
    async Task<RefusalException?> ApprovalRefusalAsync(Campaign campaign) =>
        !scope.IsInRole(Roles.Manager) || !(await scope.ProgramIdsAsync()).Contains(campaign.Window.Scheme.ProgramId)
            ? new RecordAccessException("お知らせを承認するのは、担当事業の事業担当（管理者）です。")
        : campaign.CreatedByUserId == scope.UserId || campaign.EditedByUserId == scope.UserId
            ? new RecordConflictException("自分で書いた（直した）お知らせは承認できません。ほかの管理者に依頼してください。")
        : campaign.Status != CampaignStatus.Draft ? new RecordConflictException($"このお知らせは「{campaign.Status.Japanese()}」です。")
        : campaign.Window.Target is null ? new RecordConflictException("申込期間に「対象」が書かれていないため、承認できません。")
        : campaign.SendOn < CityClock.Today(time) ? new RecordConflictException($"送る日（{FiscalYears.FormatDate(campaign.SendOn)}）が過ぎています。送る時期を直してから承認してください。")
        : null;

    /// <summary>
    /// Adds a draft (<paramref name="id"/> null) or changes one; changing an approved campaign takes its approval back,
    /// since the manager approved other words. A queued campaign is what was sent, and stays as it was.
    /// </summary>
    public async Task<Campaign> SaveAsync(int? id, CampaignInput input, CancellationToken ct = default)
    {
        var campaign = id is { } existing
            ? await db.Campaigns.Include(c => c.Window).ThenInclude(w => w.Scheme).SingleOrDefaultAsync(c => c.Id == existing, ct)
                ?? throw new RecordNotFoundException("そのお知らせはありません。")
            : null;
        var window = await db.ApplicationWindows.Include(w => w.Scheme).SingleOrDefaultAsync(w => w.Id == (campaign == null ? input.WindowId : campaign.WindowId), ct)
            ?? throw new RecordNotFoundException("その申込期間はありません。");
        if (!await catalogue.MayEditAsync(window.Scheme.ProgramId))
        {
            throw new RecordAccessException("お知らせを書けるのは、企画担当と、担当事業の事業担当です。");
        }
        if (campaign is { Status: CampaignStatus.Queued or CampaignStatus.Lapsed })
        {
            throw new RecordConflictException($"このお知らせは「{campaign.Status.Japanese()}」です。変えられません。");
        }
        if (campaign is not null && input.Version is { } version && version != campaign.Version)
        {
            throw new StaleRecordException();
        }
        var today = CityClock.Today(time);
        var days = input.Timing == NoticeTiming.OnOpening ? 0 : input.Days;
        var sendOn = input.Timing is { } timing && days is (>= 0 and <= DaysMax) and int n ? Campaign.SendOnFor(window, timing, n) : (DateOnly?)null;
        var channels = input.Channels.Distinct().Order().ToList();
        RecordRules.Require(
            ("window", "申込期間", window.Target is null ? "この申込期間にはお知らせの対象が書かれていません。支援制度の編集で「対象」を書いてください。" : null),
            ("timing", "送る時期", input.Timing is not { } t ? "選んでください。" : RecordRules.Defined(t)),
            ("days", "日数", input.Timing is NoticeTiming.OnOpening or null ? null
                : days is not (>= 1 and <= DaysMax) ? $"1から{DaysMax}までの日数を入力してください。"
                : sendOn < today ? $"送る日（{FiscalYears.FormatDate(sendOn.Value)}）が過ぎています。" : null),
            ("timing", "送る時期", input.Timing is NoticeTiming.OnOpening && sendOn < today ? $"受付開始日（{FiscalYears.FormatDate(sendOn.Value)}）が過ぎています。" : null),
            ("channels", "方法", channels.Count == 0 ? "一つ以上選んでください。"
                : channels.Any(c => !Recipients.NoticeChannels.Contains(c)) ? $"お知らせに使えるのは{string.Join("・", Recipients.NoticeChannels.Select(c => c.Japanese()))}です。" : null),
            ("message", "文面", RecordRules.Note(input.Message, MessageMax, required: true)));
        var before = campaign is null ? null : Describe(campaign);
        if (campaign is null)
        {
            campaign = new Campaign
            {
                WindowId = window.Id,
                Window = window,
                Message = "",
                CreatedBy = await scope.StaffNameAsync(),
                CreatedByUserId = scope.UserId,
                CreatedAt = time.GetUtcNow(),
            };
            db.Campaigns.Add(campaign);
        }
        (campaign.Timing, campaign.Days, campaign.Channels, campaign.Message) = (input.Timing!.Value, days!.Value, channels, input.Message!.Trim());
        (campaign.Status, campaign.ApprovedBy, campaign.ApprovedAt, campaign.EditedByUserId) = (CampaignStatus.Draft, null, null, scope.UserId);
        scope.Audit(AuditActions.CampaignSave, await ProgramCodeAsync(window), window.Scheme.AuditSubject(), Describe(campaign), before, window.Scheme.FiscalYear);
        await db.SaveChangesAsync(ct);
        return campaign;
    }

    /// <summary>The manager's approval of a draft: from now it is sent on its day, to whoever the rule names then.</summary>
    public async Task ApproveAsync(int id, int version, CancellationToken ct = default)
    {
        var campaign = await db.Campaigns.Include(c => c.Window).ThenInclude(w => w.Scheme).SingleOrDefaultAsync(c => c.Id == id, ct)
            ?? throw new RecordNotFoundException("そのお知らせはありません。");
        if (version != campaign.Version)
        {
            throw new StaleRecordException();
        }
        if (await ApprovalRefusalAsync(campaign) is { } refusal)
        {
            throw refusal;
        }
        (campaign.Status, campaign.ApprovedBy, campaign.ApprovedAt) = (CampaignStatus.Approved, await scope.StaffNameAsync(), time.GetUtcNow());
        scope.Audit(AuditActions.CampaignApprove, await ProgramCodeAsync(campaign.Window), campaign.Window.Scheme.AuditSubject(), $"{campaign.Id} 承認 {campaign.SendOn:O}", fiscalYear: campaign.Window.Scheme.FiscalYear);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Households by channel, as the queue would count them on the sending day (on today's records: consents and
    /// enrolments may still change), and the words as they will read. Counts only: the preview names no one.
    /// </summary>
    public async Task<CampaignPreview> PreviewAsync(Campaign campaign, CancellationToken ct = default)
    {
        var today = CityClock.Today(time);
        var day = campaign.SendOn < today ? today : campaign.SendOn;
        var programs = await db.Programs.AsNoTracking().ToListAsync(ct);
        var rule = TargetRule.Parse(campaign.Window.Target, programs);
        var counts = new List<(ReachChannel, int)>();
        foreach (var channel in campaign.Channels)
        {
            counts.Add((channel, await Recipients.Of(db, campaign.WindowId, rule, channel, day).CountAsync(ct)));
        }
        return new CampaignPreview(day, counts, NoticeText.Render(campaign, campaign.Window.Scheme, PublicSettings.From(configuration)));
    }

    /// <summary>Deliveries by channel and status: what the campaign reached.</summary>
    public async Task<List<(ReachChannel Channel, DeliveryStatus Status, int Count)>> ResultsAsync(int campaignId, CancellationToken ct = default) =>
        [.. (await db.Deliveries.Where(d => d.CampaignId == campaignId).GroupBy(d => new { d.Channel, d.Status })
            .Select(g => new { g.Key.Channel, g.Key.Status, Count = g.Count() }).ToListAsync(ct))
            .OrderBy(x => x.Channel).ThenBy(x => x.Status).Select(x => (x.Channel, x.Status, x.Count))];

    /// <summary>
    /// A catalogue edit and the campaigns of its windows: a window whose dates or rule change, or a system moved to
    /// another program, takes its approved campaigns back to 下書き (the manager approved other dates, other households);
    /// a window with campaigns is not removed (their deliveries are the record of who was told). Called by
    /// <see cref="CatalogueService"/> before it saves, in the same save.
    /// </summary>
    public static async Task FollowCatalogueAsync(TsunaguDb db, SupportScheme scheme, IReadOnlyList<ApplicationWindow> edited, int programId, RecordScope scope, CancellationToken ct)
    {
        var existing = scheme.Windows.OrderBy(w => w.Id).ToList();
        var withCampaigns = await db.Campaigns.Where(c => c.Window.SchemeId == scheme.Id).Select(c => c.WindowId).Distinct().ToListAsync(ct);
        var removed = existing.Skip(edited.Count).FirstOrDefault(w => withCampaigns.Contains(w.Id));
        if (removed is not null)
        {
            throw new RecordInputException("windows", $"申込期間「{removed.Title(scheme)}」にはお知らせがあるため、消せません。");
        }
        var changed = existing.Take(edited.Count).Where((w, i) => scheme.ProgramId != programId
            || (w.Opens, w.Closes, w.Target) != (edited[i].Opens, edited[i].Closes, edited[i].Target)).Select(w => w.Id).ToList();
        foreach (var campaign in await db.Campaigns.Where(c => changed.Contains(c.WindowId) && c.Status == CampaignStatus.Approved).ToListAsync(ct))
        {
            (campaign.Status, campaign.ApprovedBy, campaign.ApprovedAt) = (CampaignStatus.Draft, null, null);
            scope.Audit(AuditActions.CampaignSave, null, scheme.AuditSubject(), $"{campaign.Id} 下書きに戻す（支援制度の申込期間・対象・担当事業が変わったため）", fiscalYear: scheme.FiscalYear);
        }
    }

    async Task<string> ProgramCodeAsync(ApplicationWindow window) =>
        await db.Programs.Where(p => p.Id == window.Scheme.ProgramId).Select(p => p.Code).SingleAsync();


    /// <summary>Every field (the words are public text, as the catalogue's are).</summary>
    static string Describe(Campaign c) => string.Join(" / ",
        $"申込期間 {c.WindowId}", NoticeText.Timing(c.Timing, c.Days), string.Join("・", c.Channels.Select(x => x.Japanese())), c.Status.Japanese(), c.Message);
}

/// <summary>The words of a notice, in one place: the campaign's text and the system's page, the same for every household.</summary>
public static class NoticeText
{
    public static string Timing(NoticeTiming timing, int days) => Timing(timing, days.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The choice on the form, N for the days.</summary>
    public static string Japanese(this NoticeTiming timing) => Timing(timing, "N");

    static string Timing(NoticeTiming timing, string days) => timing switch
    {
        NoticeTiming.BeforeOpening => $"受付開始の{days}日前",
        NoticeTiming.OnOpening => "受付開始の日",
        _ => $"締切の{days}日前",
    };

    public static string Japanese(this CampaignStatus status) => status switch
    {
        CampaignStatus.Draft => "下書き",
        CampaignStatus.Approved => "承認済み（送る日を待っています）",
        CampaignStatus.Queued => "送付済み",
        CampaignStatus.Lapsed => "送らずに期限切れ",
        _ => status.ToString(),
    };

    public static string Japanese(this DeliveryStatus status) => status switch
    {
        DeliveryStatus.Queued => "送付待ち",
        DeliveryStatus.Sending => "送付中",
        DeliveryStatus.Sent => "届けた",
        DeliveryStatus.Failed => "届かなかった",
        DeliveryStatus.OptedOut => "配信停止",
        DeliveryStatus.GaveUp => "再試行の上限",
        DeliveryStatus.Stopped => "取りやめ（送付禁止）",
        _ => status.ToString(),
    };

    /// <summary>
    /// The notice as a family reads it: the campaign's words, then the window, the system's page on the public site and
    /// where to ask. No name, nothing of the household's case: the same text goes to every recipient.
    /// </summary>
    public static string Render(Campaign campaign, SupportScheme scheme, PublicSettings site)
    {
        var window = campaign.Window;
        var text = new StringBuilder();
        text.Append(campaign.Message.Trim()).Append("\n\n");
        text.Append('■').Append(window.Title(scheme)).Append('\n');
        text.Append("申込期間: ").Append(FiscalYears.FormatDate(window.Opens)).Append('〜').Append(FiscalYears.FormatDate(window.Closes)).Append('\n');
        text.Append("くわしくは: ").Append(new Uri(site.BaseUrl, PublicPages.SchemePath(scheme))).Append('\n');
        text.Append("問い合わせ先: ").Append(scheme.ContactPoint.Trim()).Append("\n\n");
        text.Append(site.CityName).Append("からのお知らせです。お知らせが要らなくなったときは、問い合わせ先にお伝えください。");
        return text.ToString();
    }

    public static string Subject(SupportScheme scheme, ApplicationWindow window, PublicSettings site) =>
        $"【{site.CityName}】{window.Title(scheme)}のお知らせ";
}
