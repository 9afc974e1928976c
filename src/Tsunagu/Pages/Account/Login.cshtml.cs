using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tsunagu.Access;

namespace Tsunagu.Pages.Account;

public class LoginModel(SignInManager<TsunaguUser> signIn, ILogger<LoginModel> log) : PageModel
{
    [BindProperty]
    public string Email { get; set; } = "";

    [BindProperty]
    public string Password { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var result = await signIn.PasswordSignInAsync(Email, Password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
        }
        // Which of e-mail or password was wrong is not said: it would tell an attacker which accounts exist.
        Error = result.IsLockedOut
            ? "サインインの失敗が続いたため、このアカウントは一時的にロックされています。15分後にもう一度お試しいただくか、管理者に連絡してください。"
            : "メールアドレスまたはパスワードが正しくありません。";
        log.LogWarning("Sign-in failed (locked out: {LockedOut})", result.IsLockedOut);
        return Page();
    }
}
