using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using OtpNet;
using Tsunagu.Data;

namespace Tsunagu.Access;

/// <summary>
/// Identity's authenticator codes are good as often as they are typed within their window; a code seen over a
/// shoulder or by a proxy could be used again. Here a code is good once: the time step it matched is kept on the
/// account, and a code of that step or an earlier one is refused (ASVS 5.0 V6.5). The codes are RFC 6238 as
/// Identity's (SHA-1, six digits, 30 seconds), checked by Otp.NET, which says which step matched; one step either
/// side is allowed for the phone's clock and the typing.
/// </summary>
public sealed class SingleUseAuthenticatorTokenProvider : AuthenticatorTokenProvider<TsunaguUser>
{
    /// <summary>
    /// An account with the second factor on always needs it, even when its key cannot be read (a lost key ring):
    /// Identity would otherwise see no usable factor and sign the password alone in. Fail closed; an administrator
    /// resets the factor.
    /// </summary>
    public override Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<TsunaguUser> manager, TsunaguUser user) =>
        manager.GetTwoFactorEnabledAsync(user);

    public override async Task<bool> ValidateAsync(string purpose, string token, UserManager<TsunaguUser> manager, TsunaguUser user)
    {
        var key = await manager.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key) || token is not { Length: 6 } || !token.All(char.IsAsciiDigit))
        {
            return false;
        }
        var totp = new Totp(Base32Encoding.ToBytes(key));
        if (!totp.VerifyTotp(token, out var step, VerificationWindow.RfcSpecifiedNetworkDelay) || step <= (user.LastAuthenticatorStep ?? 0))
        {
            return false;
        }
        user.LastAuthenticatorStep = step;
        // Two sign-ins racing with one code: the account's concurrency stamp lets only the first update through.
        return (await manager.UpdateAsync(user)).Succeeded;
    }
}

/// <summary>
/// The account store, with the second factor's secrets kept as they should be in the database: recovery codes as
/// salted PBKDF2 hashes (a code is shown once and only ever compared), the authenticator key encrypted with ASP.NET
/// Core Data Protection (it must be read to check a code). A copy of the database alone gives neither.
/// </summary>
public sealed class TsunaguUserStore(TsunaguDb db, IDataProtectionProvider protection, IdentityErrorDescriber? describer = null)
    : UserStore<TsunaguUser, IdentityRole, TsunaguDb>(db, describer)
{
    /// <summary>Where Identity's store keeps an account's recovery codes (a user token of its own provider).</summary>
    public const string Provider = "[AspNetUserStore]";
    public const string RecoveryCodesName = "RecoveryCodes";
    const int Iterations = 10_000;

    readonly IDataProtector keys = protection.CreateProtector("Tsunagu.AuthenticatorKey");

    public override Task SetAuthenticatorKeyAsync(TsunaguUser user, string key, CancellationToken cancellationToken) =>
        base.SetAuthenticatorKeyAsync(user, keys.Protect(key), cancellationToken);

    public override async Task<string?> GetAuthenticatorKeyAsync(TsunaguUser user, CancellationToken cancellationToken)
    {
        var stored = await base.GetAuthenticatorKeyAsync(user, cancellationToken);
        if (stored is null)
        {
            return null;
        }
        try
        {
            return keys.Unprotect(stored);
        }
        catch (CryptographicException) when (IsBase32Key(stored))
        {
            // Written before keys were protected: still the owner's key (it is protected at the next reset).
            return stored;
        }
        catch (CryptographicException)
        {
            // Under a key ring that is gone: no code can match, and the sign-in still asks for one (fail closed).
            return null;
        }
    }

    static bool IsBase32Key(string value) => value.Length is 16 or 32 && value.All(c => c is >= 'A' and <= 'Z' or >= '2' and <= '7');

    public override Task ReplaceCodesAsync(TsunaguUser user, IEnumerable<string> recoveryCodes, CancellationToken cancellationToken) =>
        SetTokenAsync(user, Provider, RecoveryCodesName, string.Join(";", recoveryCodes.Select(Hash)), cancellationToken);

    public override async Task<bool> RedeemCodeAsync(TsunaguUser user, string code, CancellationToken cancellationToken)
    {
        var hashes = await HashesAsync(user, cancellationToken);
        var match = hashes.FirstOrDefault(h => Matches(h, code));
        if (match is null)
        {
            return false;
        }
        await SetTokenAsync(user, Provider, RecoveryCodesName, string.Join(";", hashes.Where(h => h != match)), cancellationToken);
        return true;
    }

    public override async Task<int> CountCodesAsync(TsunaguUser user, CancellationToken cancellationToken) =>
        (await HashesAsync(user, cancellationToken)).Count;

    async Task<List<string>> HashesAsync(TsunaguUser user, CancellationToken ct) =>
        [.. ((await GetTokenAsync(user, Provider, RecoveryCodesName, ct)) ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries)];

    static string Hash(string code)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        return $"{Convert.ToBase64String(salt)}:{Convert.ToBase64String(Derive(code, salt))}";
    }

    static bool Matches(string stored, string code)
    {
        var parts = stored.Split(':');
        if (parts.Length == 1)
        {
            // A code issued before codes were hashed: compared as it was stored, and gone once used.
            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(stored), Encoding.UTF8.GetBytes(code));
        }
        return parts.Length == 2 && CryptographicOperations.FixedTimeEquals(Derive(code, Convert.FromBase64String(parts[0])), Convert.FromBase64String(parts[1]));
    }

    static byte[] Derive(string code, byte[] salt) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(code), salt, Iterations, HashAlgorithmName.SHA256, 32);
}
