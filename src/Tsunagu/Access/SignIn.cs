using Microsoft.AspNetCore.Identity;
using Tsunagu.Audit;
using Tsunagu.Data;

namespace Tsunagu.Access;

public enum SignInOutcome { Failed, Throttled, SignedIn, NeedsSecondFactor }

/// <summary>
/// Sign-in by password, the same way for every kind of failure: an unknown account, a wrong password, a locked or
/// disabled account all verify one password hash and get the same answer, so neither the message nor the time tells
/// an attacker which accounts exist. Every attempt is a security log event; a lockout is also an audit entry.
/// </summary>
public sealed class PasswordSignIn(
    SignInManager<TsunaguUser> signIn, UserManager<TsunaguUser> users, IPasswordHasher<TsunaguUser> hasher, SignInThrottle throttle,
    TsunaguDb db, TimeProvider time, ILoggerFactory logs)
{
    public const string FailedMessage =
        "メールアドレスまたはパスワードが正しくないか、アカウントが使えない状態（ロック中など）です。ロックは失敗が5回続くと15分かかります。続く場合は管理者に連絡してください。";

    public const string ThrottledMessage = "サインインの試行が続いたため、1分ほど待ってからもう一度お試しください。";

    static string? dummyHash;

    readonly ILogger log = logs.CreateLogger("Tsunagu.Security");

    public async Task<SignInOutcome> PasswordAsync(string email, string password, string? address)
    {
        if (!throttle.TryAcquire(address, email))
        {
            log.LogWarning("Sign-in throttled for {Account} from {Address}", email, address);
            return SignInOutcome.Throttled;
        }
        var user = await users.FindByEmailAsync(email);
        if (user is null || user.Disabled || await users.IsLockedOutAsync(user))
        {
            // The work a real check would do, so that the answer takes as long.
            dummyHash ??= hasher.HashPassword(new TsunaguUser(), Guid.NewGuid().ToString());
            hasher.VerifyHashedPassword(user ?? new TsunaguUser(), user?.PasswordHash ?? dummyHash, password);
            log.LogWarning("Sign-in failed for {Account} from {Address}: {Reason}", email, address,
                user is null ? "unknown account" : user.Disabled ? "disabled" : "locked out");
            return SignInOutcome.Failed;
        }
        var result = await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            log.LogInformation("Signed in: {Account} from {Address}", email, address);
            return SignInOutcome.SignedIn;
        }
        if (result.RequiresTwoFactor)
        {
            log.LogInformation("Password accepted, second factor asked: {Account} from {Address}", email, address);
            return SignInOutcome.NeedsSecondFactor;
        }
        await NoteFailureAsync(user, result, address, "password");
        return SignInOutcome.Failed;
    }

    /// <summary>The second step: a code from the authenticator app, or one of the recovery codes.</summary>
    public async Task<SignInOutcome> SecondFactorAsync(string? code, bool recovery, string? address)
    {
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (user is null)
        {
            return SignInOutcome.Failed;
        }
        if (!throttle.TryAcquire(address, user.Email))
        {
            log.LogWarning("Second factor throttled for {Account} from {Address}", user.Email, address);
            return SignInOutcome.Throttled;
        }
        var result = recovery
            ? await signIn.TwoFactorRecoveryCodeSignInAsync(Mfa.RecoveryCode(code))
            : await signIn.TwoFactorAuthenticatorSignInAsync(Mfa.Code(code), isPersistent: false, rememberClient: false);
        if (result.Succeeded)
        {
            log.LogInformation("Signed in with {Factor}: {Account} from {Address}", recovery ? "a recovery code" : "an authenticator code", user.Email, address);
            if (recovery)
            {
                db.Audit(time, user.Email!, AuditActions.MfaRecoveryUsed, subject: user.Email, after: $"残り {await users.CountRecoveryCodesAsync(user)} 個");
                await db.SaveChangesAsync();
            }
            return SignInOutcome.SignedIn;
        }
        await NoteFailureAsync(user, result, address, recovery ? "recovery code" : "authenticator code");
        return SignInOutcome.Failed;
    }

    async Task NoteFailureAsync(TsunaguUser user, Microsoft.AspNetCore.Identity.SignInResult result, string? address, string factor)
    {
        log.LogWarning("Sign-in failed for {Account} from {Address}: wrong {Factor}{Locked}", user.Email, address, factor,
            result.IsLockedOut ? ", now locked out" : "");
        if (result.IsLockedOut)
        {
            db.Audit(time, "system", AuditActions.AccountLock, subject: user.Email, after: $"{factor} の失敗が続いたため 15 分ロック");
            await db.SaveChangesAsync();
        }
    }
}
