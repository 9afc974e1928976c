using System.Security.Claims;
using System.Text;
using QRCoder;

namespace Tsunagu.Access;

/// <summary>Who must use a second factor (configuration section <c>Security</c>).</summary>
public sealed class SecuritySettings
{
    /// <summary>Roles that must use an authenticator besides those that always must (see <see cref="Mfa.AlwaysRequired"/>).</summary>
    public string[] MfaAlsoFor { get; set; } = [];

    /// <summary>A session ends this long after sign-in, whatever the activity (the idle timeout is 30 minutes).</summary>
    public TimeSpan AbsoluteSessionLifetime { get; set; } = TimeSpan.FromHours(8);
}

/// <summary>
/// The second factor: TOTP through ASP.NET Core Identity's authenticator provider, with recovery codes. The QR code
/// is drawn here (QRCoder, as a PNG in the page), so the secret never leaves Tsunagu for a drawing service.
/// </summary>
public static class Mfa
{
    public const string MustEnrolClaim = "tsunagu:must-enrol-mfa";
    public const int RecoveryCodes = 10;

    /// <summary>Every role that sees persons, accounts or the access log.</summary>
    public static readonly string[] AlwaysRequired = [Roles.Admin, Roles.Auditor, Roles.Caseworker, Roles.Manager];

    public static bool IsRequired(ClaimsIdentity identity, SecuritySettings settings) =>
        AlwaysRequired.Concat(settings.MfaAlsoFor).Any(role => identity.HasClaim(ClaimTypes.Role, role));

    /// <summary>The otpauth address authenticator apps read from the QR code (Google's Key Uri Format).</summary>
    public static string AuthenticatorUri(string email, string key) =>
        $"otpauth://totp/{Uri.EscapeDataString("Tsunagu:" + email)}?secret={key}&issuer=Tsunagu&digits=6";

    /// <summary>The QR code of the address as a data: URL (the content security policy allows data: images only).</summary>
    public static string QrCodeDataUrl(string uri)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        return "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(5));
    }

    /// <summary>The key in groups of four, for typing into an app by hand.</summary>
    public static string Readable(string key)
    {
        var text = new StringBuilder();
        for (var i = 0; i < key.Length; i += 4)
        {
            text.Append(i == 0 ? "" : " ").Append(key.AsSpan(i, Math.Min(4, key.Length - i)));
        }
        return text.ToString().ToLowerInvariant();
    }

    /// <summary>A six-digit code as people type it: spaces and full-width digits as a phone shows them (「１２３ ４５６」).</summary>
    public static string Code(string? typed) => new((typed ?? "").Normalize(NormalizationForm.FormKC).Where(char.IsAsciiDigit).ToArray());

    /// <summary>A recovery code as typed: full-width letters and surrounding spaces forgiven.</summary>
    public static string RecoveryCode(string? typed) => (typed ?? "").Normalize(NormalizationForm.FormKC).Trim();
}
