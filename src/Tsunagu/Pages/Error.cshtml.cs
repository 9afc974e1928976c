using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Tsunagu.Pages;

[IgnoreAntiforgeryToken]
public class ErrorModel : PageModel
{
    [BindProperty(SupportsGet = true)]
    public int? Status { get; set; }

    public string Heading => Status switch
    {
        404 => "ページが見つかりません",
        400 => "要求を処理できません",
        403 => "権限がありません",
        413 => "ファイルが大きすぎます",
        429 => "操作が続いたため一時的に止めています",
        503 => "データベースを使えません",
        _ => "エラーが発生しました",
    };

    public string Message => Status switch
    {
        404 => "指定されたページはありません。アドレスを確認してください。",
        400 => "送信された内容を処理できませんでした。画面を開き直してからもう一度お試しください。",
        403 => "この操作に必要な権限がありません。",
        413 => $"送信された内容が上限（{Tsunagu.Reports.Files.FileLimits.MaxUploadBytes / 1024 / 1024} MB）を超えています。ファイルを分けてもう一度お試しください。",
        429 => "短い時間に多くの人の記録を開いたため、しばらく（1分ほど）止めています。この記録は監査担当に通知されます。",
        503 => $"{Fault ?? "データベースに接続できないか、書き込めません。"}この操作は保存されていません。管理者に連絡してください。",
        _ => "処理中に問題が起きました。時間をおいてもう一度お試しください。続く場合は管理者に連絡してください。",
    };

    /// <summary>What the database said, for a 503 (<see cref="Data.DatabaseFault"/>): no person is in it.</summary>
    string? Fault => HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Error is { } error
        ? Data.DatabaseFault.Describe(error)
        : null;

    // After an exception the handler re-executes this page with the failure's status already set (413 for an upload
    // over the limit); a status page passes it as ?status=.
    public void OnGet() => Status ??= Response.StatusCode >= 400 ? Response.StatusCode : null;

    public void OnPost() => OnGet();
}
