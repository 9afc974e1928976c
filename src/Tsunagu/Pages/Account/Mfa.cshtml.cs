using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tsunagu.Access;

namespace Tsunagu.Pages.Account;

/// <summary>The second step of signing in: the six digits of the authenticator app, or a recovery code.</summary>
public class MfaModel(PasswordSignIn signIn, SignInManager<TsunaguUser> manager) : PageModel
{
    [BindProperty]
    public string? Code { get; set; }

    [BindProperty]
    public bool Recovery { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync() =>
        await manager.GetTwoFactorAuthenticationUserAsync() is null ? Redirect("/account/login") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        switch (await signIn.SecondFactorAsync(Code, Recovery, HttpContext.Connection.RemoteIpAddress?.ToString()))
        {
            case SignInOutcome.SignedIn:
                return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
            case SignInOutcome.Throttled:
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                Error = PasswordSignIn.ThrottledMessage;
                return Page();
            default:
                if (await manager.GetTwoFactorAuthenticationUserAsync() is null)
                {
                    return Redirect("/account/login");
                }
                Error = Recovery ? "回復コードが正しくないか、使用済みです。" : "確認コードが正しくありません。アプリに表示されている最新の6桁を入れてください。";
                return Page();
        }
    }
}
