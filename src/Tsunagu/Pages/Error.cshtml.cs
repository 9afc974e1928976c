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
        _ => "エラーが発生しました",
    };

    public string Message => Status switch
    {
        404 => "指定されたページはありません。アドレスを確認してください。",
        400 => "送信された内容を処理できませんでした。画面を開き直してからもう一度お試しください。",
        403 => "この操作に必要な権限がありません。",
        _ => "処理中に問題が起きました。時間をおいてもう一度お試しください。続く場合は管理者に連絡してください。",
    };

    public void OnGet()
    {
    }

    public void OnPost()
    {
    }
}
