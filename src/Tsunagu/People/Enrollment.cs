using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tsunagu.Japanese;
using Tsunagu.Programs;
using Tsunagu.Records;

namespace Tsunagu.People;

public enum ReferralSource
{
    School = 0,            // 学校
    WardWelfare = 1,       // 区保護課
    AfterSchoolService = 2, // 放課後等デイサービス
    ChildGuidance = 3,     // 児童相談所
    Self = 4,              // 本人・家族
    OtherProgram = 5,      // 他事業
    Other = 6,
}

public enum EnrollmentStatus { Active = 0, Ended = 1 }

/// <summary>
/// A period of a person's registration in a program: from, to, who referred them, why it ended. A person who comes back
/// after support ended is enrolled again as a new period, so 実人数 still counts them once and each period keeps its own
/// referral source. The scope of who sees a person.
/// </summary>
public class Enrollment
{
    public int Id { get; set; }
    public int PersonId { get; set; }
    public Person Person { get; set; } = null!;
    public int ProgramId { get; set; }
    public SupportProgram Program { get; set; } = null!;
    public DateOnly From { get; set; }
    public DateOnly? To { get; set; }
    public ReferralSource Source { get; set; }
    public EnrollmentStatus Status { get; set; }

    /// <summary>
    /// 担当者: the worker responsible for this period (the account's id): who registered, enrolled or accepted the
    /// person, until the case is transferred. None for periods imported or from before owners were kept.
    /// </summary>
    public string? OwnerUserId { get; set; }

    /// <summary>終結理由: one of <see cref="EndReasons.For"/> for the program.</summary>
    public string? EndReason { get; set; }

    /// <summary>
    /// The office handling the case, in programs run by several offices (a ward office of こども家庭総合相談事業): a
    /// worker assigned to another office of the program sees it only when it is shared (<see cref="CaseShare"/>).
    /// None for programs run in one place.
    /// </summary>
    public int? OfficeId { get; set; }

    /// <summary>終結の承認: when and by whom the program's manager confirmed the closure of an ended case.</summary>
    public DateTimeOffset? ClosureApprovedAt { get; set; }

    public string? ClosureApprovedBy { get; set; }
}

public sealed class EnrollmentConfiguration : IEntityTypeConfiguration<Enrollment>
{
    public void Configure(EntityTypeBuilder<Enrollment> builder)
    {
        builder.ToTable("enrollments");
        builder.HasIndex(x => new { x.ProgramId, x.PersonId });
        builder.HasIndex(x => x.PersonId);
        builder.Property(x => x.EndReason).HasMaxLength(RecordRules.CategoryMax);
        builder.HasIndex(x => new { x.OwnerUserId, x.Status });
        builder.Property(x => x.ClosureApprovedBy).HasMaxLength(RecordRules.NameMax);
    }
}

/// <summary>The words staff read for an enrolment.</summary>
public static class EnrollmentText
{
    public static string Japanese(this ReferralSource source) => source switch
    {
        ReferralSource.School => "学校",
        ReferralSource.WardWelfare => "区保護課",
        ReferralSource.AfterSchoolService => "放課後等デイサービス",
        ReferralSource.ChildGuidance => "児童相談所",
        ReferralSource.Self => "本人・家族",
        ReferralSource.OtherProgram => "他事業",
        _ => "その他",
    };
}

/// <summary>
/// 終結理由: why support ended, from a list per program (what the program's own closing report asks), with the reasons
/// every program shares after it. A reason is required to end an enrolment.
/// </summary>
public static class EndReasons
{
    static readonly string[] Shared = ["支援目標の達成", "本人・家族の希望", "転出", "他機関へ引き継ぎ", "連絡が取れない", "その他"];

    static readonly Dictionary<string, string[]> ByProgram = new()
    {
        [JapaneseText.MatchKey("学習・生活サポート事業")] = ["高等学校等へ進学", "中学校卒業（進学以外）", "生活保護の廃止等で対象外"],
        [JapaneseText.MatchKey("中途退学未然防止等事業")] = ["高等学校を卒業", "学校生活が安定", "退学・転学"],
        [JapaneseText.MatchKey("スクールカウンセラー配置事業")] = ["課題の解消", "卒業・転校", "医療機関・専門機関へ引き継ぎ"],
        [JapaneseText.MatchKey("社会的養護自立支援拠点事業")] = ["就職・進学して自立", "支援の年齢を超えた"],
        [JapaneseText.MatchKey("こども家庭総合相談事業")] = ["相談の終結", "児童相談所へ送致", "関係機関へ引き継ぎ"],
        [JapaneseText.MatchKey("ひとり親家庭等相談支援センター事業(就業相談・就業情報提供事業・就業支援セミナー)")] = ["就職", "転職"],
        [JapaneseText.MatchKey("ひとり親家庭等相談支援センター事業(専門相談・セミナー事業)")] = ["相談の終結"],
        [JapaneseText.MatchKey("ひとり親家庭等生活向上支援事業")] = ["資格取得", "就職", "子の年齢による対象外"],
    };

    /// <summary>The program's own reasons first, then the shared ones.</summary>
    public static IReadOnlyList<string> For(SupportProgram program) =>
        [.. ByProgram.TryGetValue(program.NameKey, out var own) ? own : [], .. Shared];
}
