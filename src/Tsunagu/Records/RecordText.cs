using Tsunagu.Japanese;
using Tsunagu.People;
using Tsunagu.Programs;

namespace Tsunagu.Records;

/// <summary>The words staff read for the record types.</summary>
public static class RecordText
{
    public static string Japanese(this ContactKind kind) => kind switch
    {
        ContactKind.Consultation => "相談",
        ContactKind.HomeVisit => "家庭訪問",
        ContactKind.Accompaniment => "同行支援",
        ContactKind.Counselling => "カウンセリング",
        ContactKind.StudySession => "学習支援",
        ContactKind.Information => "情報提供",
        ContactKind.StaffAdvice => "教職員への助言",
        _ => kind.ToString(),
    };

    public static string Japanese(this ContactChannel channel) => channel switch
    {
        ContactChannel.Visit => "来所",
        ContactChannel.Phone => "電話",
        ContactChannel.Email => "メール",
        ContactChannel.Home => "訪問",
        ContactChannel.Online => "オンライン",
        ContactChannel.School => "学校",
        _ => channel.ToString(),
    };

    public static string Japanese(this NoteProvenance provenance) => provenance switch
    {
        NoteProvenance.PersonSaid => "本人・家族の話",
        NoteProvenance.ThirdPartySaid => "第三者の話",
        NoteProvenance.AgencySaid => "関係機関からの情報",
        NoteProvenance.StaffAssessment => "職員の所見",
        _ => provenance.ToString(),
    };

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

    public static string Japanese(this ReferralStatus status) => status switch
    {
        ReferralStatus.Sent => "依頼中",
        ReferralStatus.Accepted => "受理",
        ReferralStatus.Declined => "不受理",
        ReferralStatus.Closed => "完了",
        _ => status.ToString(),
    };

    public static string Japanese(this PersonRole role) => role switch
    {
        PersonRole.Child => "児童・生徒",
        PersonRole.Guardian => "保護者",
        PersonRole.YoungAdult => "若者",
        _ => role.ToString(),
    };

    public static string Japanese(this OutcomeKind kind) => kind switch
    {
        OutcomeKind.EnteredHighSchool => "高等学校に進学",
        OutcomeKind.EnteredSecondaryUpper => "中等教育学校後期課程に進学",
        OutcomeKind.EnteredSpecialNeedsUpper => "特別支援学校高等部に進学",
        OutcomeKind.EnteredTechnicalCollege => "高等専門学校に進学",
        OutcomeKind.EnteredVocationalUpper => "専修学校高等課程に進学",
        OutcomeKind.FinishedJuniorHigh => "中学校卒業（進路未定など）",
        OutcomeKind.Promoted => "進級",
        OutcomeKind.Graduated => "卒業",
        OutcomeKind.DroppedOut => "中途退学",
        OutcomeKind.Employed => "就職",
        _ => "その他",
    };

    /// <summary>課程 of a high school, as the 高校進学率 definition counts them.</summary>
    public static readonly string[] HighSchoolCourses = ["全日制", "定時制", "通信制"];

    public static string Japanese(this HouseholdCircumstances circumstances)
    {
        var words = new List<string>();
        if (circumstances.HasFlag(HouseholdCircumstances.SingleMother)) { words.Add("ひとり親（母子）"); }
        if (circumstances.HasFlag(HouseholdCircumstances.SingleFather)) { words.Add("ひとり親（父子）"); }
        if (circumstances.HasFlag(HouseholdCircumstances.PublicAssistance)) { words.Add("生活保護"); }
        if (circumstances.HasFlag(HouseholdCircumstances.Hardship)) { words.Add("生活困窮"); }
        if (circumstances.HasFlag(HouseholdCircumstances.ChildRearingAllowance)) { words.Add("児童扶養手当"); }
        if (circumstances.HasFlag(HouseholdCircumstances.CareLeaver)) { words.Add("社会的養護経験"); }
        return string.Join("・", words);
    }
}

/// <summary>
/// Each program's own categories of contact. Kept by program name until planning staff edit them as data:
/// school counselling uses MEXT's 主訴 list; the ward family consultations their three kinds; the specialist
/// consultations their three specialists.
/// </summary>
public static class ContactCategories
{
    static readonly Dictionary<string, string[]> ByProgram = new()
    {
        [JapaneseText.MatchKey("スクールカウンセラー配置事業")] =
            ["不登校", "いじめ", "暴力行為", "児童虐待", "友人関係", "非行・不良行為", "家庭の問題", "教職員との関係", "心身の健康・保健", "学業・進路", "発達障害等", "その他"],
        [JapaneseText.MatchKey("こども家庭総合相談事業")] = ["女性相談", "ひとり親家庭相談", "母子保健"],
        [JapaneseText.MatchKey("ひとり親家庭等相談支援センター事業(専門相談・セミナー事業)")] = ["弁護士相談", "家計相談", "養育費相談"],
        [JapaneseText.MatchKey("ひとり親家庭等相談支援センター事業(就業相談・就業情報提供事業・就業支援セミナー)")] = ["就業相談", "就業情報提供"],
    };

    public static IReadOnlyList<string> For(SupportProgram program) =>
        ByProgram.TryGetValue(program.NameKey, out var categories) ? categories : [];
}

public static class SessionText
{
    public static string Japanese(SessionKind kind) => kind switch
    {
        SessionKind.StudySession => "学習会",
        SessionKind.Ibasho => "居場所",
        SessionKind.OnlineClass => "オンライン教室",
        SessionKind.EmploymentSeminar => "就業支援セミナー",
        SessionKind.SpecialistSeminar => "専門セミナー",
        _ => kind.ToString(),
    };
}
