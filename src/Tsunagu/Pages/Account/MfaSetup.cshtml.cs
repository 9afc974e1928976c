using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tsunagu.Access;
using Tsunagu.Audit;
using Tsunagu.Data;

namespace Tsunagu.Pages.Account;

/// <summary>
/// Registering an authenticator app: the key as a QR code and as text, a first code to prove it works, then the
/// recovery codes, shown once. Required at first sign-in for the roles that see persons, accounts or the access log.
/// </summary>
public class MfaSetupModel(UserManager<TsunaguUser> users, SignInManager<TsunaguUser> signIn, TsunaguDb db, TimeProvider time, ILogger<MfaSetupModel> log) : PageModel
{
    [BindProperty]
    public string? Code { get; set; }

    public string Key { get; private set; } = "";
    public string QrCode { get; private set; } = "";
    public bool Enabled { get; private set; }
    public IReadOnlyList<string> RecoveryCodes { get; private set; } = [];
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() is null ? Challenge() : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (await LoadAsync() is not { } user)
        {
            return Challenge();
        }
        if (Enabled)
        {
            return Page();
        }
        if (!await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, Mfa.Code(Code)))
        {
            Error = "確認コードが正しくありません。アプリに表示されている最新の6桁を入れてください。";
            return Page();
        }
        await users.SetTwoFactorEnabledAsync(user, true);
        RecoveryCodes = [.. await users.GenerateNewTwoFactorRecoveryCodesAsync(user, Mfa.RecoveryCodes) ?? []];
        db.Audit(time, user.Email!, AuditActions.MfaEnable, subject: user.Email);
        await db.SaveChangesAsync();
        log.LogInformation("Second factor registered by {Account} from {Address}", user.Email, HttpContext.Connection.RemoteIpAddress?.ToString());
        // The session's claims lose the enrolment gate.
        await signIn.RefreshSignInAsync(user);
        Enabled = true;
        return Page();
    }

    /// <summary>New recovery codes (the old ones stop working), after proving the app once more.</summary>
    public async Task<IActionResult> OnPostRecoveryAsync()
    {
        if (await LoadAsync() is not { } user)
        {
            return Challenge();
        }
        if (!Enabled || !await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, Mfa.Code(Code)))
        {
            Error = "確認コードが正しくありません。";
            return Page();
        }
        RecoveryCodes = [.. await users.GenerateNewTwoFactorRecoveryCodesAsync(user, Mfa.RecoveryCodes) ?? []];
        db.Audit(time, user.Email!, AuditActions.MfaRecoveryCodes, subject: user.Email);
        await db.SaveChangesAsync();
        return Page();
    }

    async Task<TsunaguUser?> LoadAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return null;
        }
        Enabled = user.TwoFactorEnabled;
        if (!Enabled)
        {
            var key = await users.GetAuthenticatorKeyAsync(user);
            if (string.IsNullOrEmpty(key))
            {
                await users.ResetAuthenticatorKeyAsync(user);
                key = await users.GetAuthenticatorKeyAsync(user);
            }
            Key = key!;
            QrCode = Mfa.QrCodeDataUrl(Mfa.AuthenticatorUri(user.Email!, Key));
        }
        return user;
    }
}
