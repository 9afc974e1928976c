using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tsunagu.Access;

namespace Tsunagu.Pages.Account;

public class LoginModel(PasswordSignIn signIn) : PageModel
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
        var next = Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/";
        switch (await signIn.PasswordAsync(Email.Trim(), Password, HttpContext.Connection.RemoteIpAddress?.ToString()))
        {
            case SignInOutcome.SignedIn:
                return LocalRedirect(next);
            case SignInOutcome.NeedsSecondFactor:
                return LocalRedirect($"/account/mfa?returnUrl={Uri.EscapeDataString(next)}");
            case SignInOutcome.Throttled:
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                Error = PasswordSignIn.ThrottledMessage;
                return Page();
            default:
                // One message whatever was wrong: which of them would tell an attacker which accounts exist.
                Error = PasswordSignIn.FailedMessage;
                return Page();
        }
    }
}
