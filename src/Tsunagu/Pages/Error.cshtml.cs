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
        _ => "エラーが発生しました",
    };

    public string Message => Status switch
    {
        404 => "指定されたページはありません。アドレスを確認してください。",
        400 => "送信された内容を処理できませんでした。画面を開き直してからもう一度お試しください。",
        403 => "この操作に必要な権限がありません。",
        413 => "送信された内容が上限を超えています。ファイルを分けてもう一度お試しください。",
        429 => "短い時間に多くの人の記録を開いたため、しばらく（1分ほど）止めています。この記録は監査担当に通知されます。",
        _ => "処理中に問題が起きました。時間をおいてもう一度お試しください。続く場合は管理者に連絡してください。",
    };

    public void OnGet()
    {
    }

    public void OnPost()
    {
    }
}
