using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tsunagu.Audit;

/// <summary>
/// One change to a figure, an evaluation, a report's status or an account: who, when, what, before and after.
/// Written in the same transaction as the change itself. Holds no personal data of the people supported: reports
/// and accounts only.
/// </summary>
public class AuditEntry : IChainedRow
{
    public long Id { get; set; }
    public long Sequence { get; set; }
    public string? Hash { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }

    /// <summary>What happened: report.import, report.status, report.correct, evaluation.update, figure.update, account.*.</summary>
    public required string Action { get; set; }

    public int? FiscalYear { get; set; }
    public string? ProgramCode { get; set; }

    /// <summary>What was changed within the program or account: 実績に対する評価, 利用者数, a role.</summary>
    public string? Subject { get; set; }

    public string? Before { get; set; }
    public string? After { get; set; }
    public string? Reason { get; set; }

    public object?[] Content() => [Actor, Action, FiscalYear, ProgramCode, Subject, Before, After, Reason];
}

/// <summary>The one way to write an audit entry: added to the context, saved with the change it records.</summary>
public static class AuditTrail
{
    public static AuditEntry Audit(this Data.TsunaguDb db, TimeProvider time, string actor, string action, int? fiscalYear = null,
        string? programCode = null, string? subject = null, string? before = null, string? after = null, string? reason = null)
    {
        var entry = new AuditEntry
        {
            At = time.GetUtcNow(),
            Actor = actor,
            Action = action,
            FiscalYear = fiscalYear,
            ProgramCode = programCode,
            Subject = subject,
            Before = before,
            After = after,
            Reason = reason,
        };
        db.AuditEntries.Add(entry);
        return entry;
    }
}

public static class AuditActions
{
    public const string ReportImport = "report.import";
    public const string ReportStatus = "report.status";
    public const string ReportCorrect = "report.correct";
    public const string EvaluationUpdate = "evaluation.update";
    public const string FigureUpdate = "figure.update";
    public const string CellUpdate = "cell.update";
    public const string IndicatorDefine = "indicator.define";
    public const string IndicatorCompute = "indicator.compute";
    public const string AccountCreate = "account.create";
    public const string AccountRole = "account.role";
    public const string AccountName = "account.name";
    public const string AccountPassword = "account.password";
    public const string AccountLock = "account.lock";
    public const string AccountAssign = "account.assign";
    public const string AccountUnassign = "account.unassign";
    public const string MfaEnable = "mfa.enable";
    public const string MfaRecoveryCodes = "mfa.recovery-codes";
    public const string MfaRecoveryUsed = "mfa.recovery-used";
    public const string MfaReset = "mfa.reset";
    public const string AccountDisable = "account.disable";
    public const string AccountEnable = "account.enable";
    public const string SessionEnd = "session.end";
    public const string AccessLogView = "accesslog.view";
    public const string AccessLogExport = "accesslog.export";
    public const string GrantRequest = "grant.request";
    public const string GrantApprove = "grant.approve";
    public const string GrantReject = "grant.reject";

    // Events of people's records: shown to the program's own staff and to auditors, never on report pages.
    public const string RecordsImport = "records.import";
    public const string ContactCorrect = "contact.correct";
    public const string ContactWithdraw = "contact.withdraw";
    public const string EnrollmentEnd = "enrollment.end";
    public const string EnrollmentStart = "enrollment.start";
    public const string EnrollmentTransfer = "enrollment.transfer";
    public const string PersonMerge = "person.merge";
    public const string PersonUnmerge = "person.unmerge";
    public const string PersonRestrict = "person.restrict";
    public const string PersonUnrestrict = "person.unrestrict";
    public const string RestrictionName = "restriction.name";
    public const string RestrictionUnname = "restriction.unname";
    public const string EnrollmentShare = "enrollment.share";
    public const string EnrollmentClosureApprove = "enrollment.closure-approve";
    public const string PlanWrite = "plan.write";
    public const string PlanApprove = "plan.approve";
    public const string PlanReturn = "plan.return";
    public const string PlanReview = "plan.review";
    public const string EnrollmentUnshare = "enrollment.unshare";
    public const string OutcomeRecord = "outcome.record";
    public const string OutcomeWithdraw = "outcome.withdraw";
    public const string AttendanceCorrect = "attendance.correct";
    public const string SubsidyWithdraw = "subsidy.withdraw";
    public const string ReferralWithdraw = "referral.withdraw";
    public const string HouseholdCircumstances = "household.circumstances";
    public const string PersonContactDetails = "person.contact-details";
    public const string AttachmentAdd = "attachment.add";
    public const string CatalogueSave = "catalogue.save";
    public const string CampaignSave = "campaign.save";
    public const string CampaignApprove = "campaign.approve";
    public const string CampaignQueue = "campaign.queue";
    public const string RestrictedMatch = "person.restricted-match";
    public const string AttachmentWithdraw = "attachment.withdraw";
    public const string HouseholdConsent = "household.consent";
    public const string HouseholdConsentWithdraw = "household.consent-withdraw";
    public const string ReferralSend = "referral.send";
    public const string ReferralAccept = "referral.accept";
    public const string ReferralDecline = "referral.decline";
    public const string SubsidyDecide = "subsidy.decide";
    public const string PlacementAdd = "placement.add";
    public const string PlacementRemove = "placement.remove";
    public const string DistributionAdd = "distribution.add";
    public const string DisclosureCopy = "disclosure.copy";
    public const string SchoolsLoad = "schools.load";
    public const string OfficeAdd = "office.add";
    public const string OfficesLoad = "offices.load";
    public const string KeysRotate = "keys.rotate";
    public const string KeysReseal = "keys.reseal";
    public const string RetentionDelete = "retention.delete";

    /// <summary>
    /// What happened to reports and figures: the only events a program's page shows to everyone who reads reports.
    /// Everything else names a person, an account or a record's reason.
    /// </summary>
    public static readonly string[] Report = [ReportImport, ReportStatus, ReportCorrect, EvaluationUpdate, FigureUpdate, CellUpdate, IndicatorDefine, IndicatorCompute];

    public static string Japanese(string action) => action switch
    {
        ReportImport => "取り込み",
        ReportStatus => "状態の変更",
        ReportCorrect => "公表後の訂正",
        EvaluationUpdate => "評価の編集",
        FigureUpdate => "数値の編集",
        CellUpdate => "表の編集",
        IndicatorDefine => "指標の定義",
        IndicatorCompute => "記録からの集計",
        AccountCreate => "アカウント作成",
        AccountRole => "権限の変更",
        AccountName => "氏名の変更",
        AccountPassword => "パスワード変更",
        AccountLock => "アカウントのロック",
        AccountAssign => "事業への割り当て",
        AccountUnassign => "事業の割り当て解除",
        MfaEnable => "二要素認証の登録",
        MfaRecoveryCodes => "回復コードの再発行",
        MfaRecoveryUsed => "回復コードでのサインイン",
        MfaReset => "二要素認証の解除",
        AccountDisable => "アカウントの停止",
        AccountEnable => "アカウントの再開",
        SessionEnd => "セッションの終了",
        AccessLogView => "閲覧記録の閲覧",
        AccessLogExport => "閲覧記録の書き出し",
        GrantRequest => "権限付与の依頼",
        GrantApprove => "権限付与の承認",
        GrantReject => "権限付与の却下",
        RecordsImport => "記録の取り込み",
        ContactCorrect => "支援記録の訂正",
        ContactWithdraw => "支援記録の取消",
        EnrollmentEnd => "支援の終了",
        EnrollmentStart => "事業への登録（再登録）",
        EnrollmentTransfer => "担当替え",
        PersonMerge => "二重登録の統合",
        PersonUnmerge => "統合の取り消し",
        PersonRestrict => "閲覧制限",
        PersonUnrestrict => "閲覧制限の解除",
        RestrictionName => "閲覧制限の記録を見る職員の追加",
        RestrictionUnname => "閲覧制限の記録を見る職員の削除",
        EnrollmentShare => "他の事業所との共有",
        EnrollmentClosureApprove => "終結の承認",
        PlanWrite => "支援計画の作成",
        PlanApprove => "支援計画の承認",
        PlanReturn => "支援計画の差し戻し",
        PlanReview => "支援計画の見直し",
        EnrollmentUnshare => "他の事業所との共有の終了",
        OutcomeRecord => "進路・結果の記録",
        OutcomeWithdraw => "進路・結果の取消",
        AttendanceCorrect => "出席の訂正",
        SubsidyWithdraw => "補助金申請の取消",
        ReferralWithdraw => "依頼の取り下げ",
        HouseholdCircumstances => "世帯の状況の変更",
        PersonContactDetails => "連絡先の変更",
        AttachmentAdd => "書類の添付",
        CatalogueSave => "支援制度の編集",
        CampaignSave => "お知らせの編集",
        KeysRotate => "鍵の更新",
        KeysReseal => "記録の封じ直し",
        RetentionDelete => "保存年限による削除",
        CampaignApprove => "お知らせの承認",
        CampaignQueue => "お知らせの送付",
        RestrictedMatch => "閲覧制限の記録と一致した登録の拒否",
        AttachmentWithdraw => "添付書類の取消",
        HouseholdConsent => "連絡方法の同意",
        HouseholdConsentWithdraw => "連絡方法の同意の撤回",
        ReferralSend => "依頼の送付",
        ReferralAccept => "依頼の受理",
        ReferralDecline => "依頼の辞退",
        SubsidyDecide => "補助金の決定",
        PlacementAdd => "配置の追加",
        PlacementRemove => "配置の取り消し",
        DistributionAdd => "配布の記録",
        DisclosureCopy => "開示用の写しの作成",
        SchoolsLoad => "学校一覧の読み込み",
        OfficeAdd => "事業所の追加",
        OfficesLoad => "事業所一覧の読み込み",
        _ => action,
    };
}

public sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("audit_entries");
        builder.HasIndex(a => new { a.ProgramCode, a.FiscalYear });
        builder.HasIndex(a => a.At);
        builder.HasIndex(a => a.Sequence).IsUnique();
        builder.Property(a => a.Hash).HasMaxLength(64);
    }
}
