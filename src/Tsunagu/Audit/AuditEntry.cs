namespace Tsunagu.Audit;

/// <summary>
/// One change to a figure, an evaluation, a report's status or an account: who, when, what, before and after.
/// Written in the same transaction as the change itself. Holds no personal data of the people supported: reports
/// and accounts only.
/// </summary>
public class AuditEntry
{
    public long Id { get; set; }
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
    public const string AccountPassword = "account.password";
    public const string AccountLock = "account.lock";

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
        AccountPassword => "パスワード変更",
        AccountLock => "アカウントのロック",
        _ => action,
    };
}
