using Microsoft.AspNetCore.Identity;

namespace Tsunagu.Access;

/// <summary>
/// ASVS's password rules: at least 12 characters, no composition rules, and nothing on a list of common passwords
/// (49,233 of them shipped inside the executable: the closed network cannot ask a breach service). A common word
/// with digits or symbols added ("baseball2024!"), the account's own address, or the product's name are refused too.
/// </summary>
public sealed class CommonPasswordValidator : IPasswordValidator<TsunaguUser>
{
    static readonly Lazy<HashSet<string>> Common = new(Load);

    public Task<IdentityResult> ValidateAsync(UserManager<TsunaguUser> manager, TsunaguUser user, string? password)
    {
        if (string.IsNullOrEmpty(password))
        {
            return Task.FromResult(IdentityResult.Success);
        }
        var lower = password.ToLowerInvariant();
        var stem = lower.TrimEnd("0123456789!#$%&*+-=?@._ ".ToCharArray());
        var local = user.Email?.Split('@')[0].ToLowerInvariant() ?? "";
        var refused = IsCommon(lower) || (stem.Length >= 4 && IsCommon(stem)) || lower.Contains("tsunagu", StringComparison.Ordinal)
            || (local.Length >= 4 && lower.Contains(local, StringComparison.Ordinal));
        return Task.FromResult(refused
            ? IdentityResult.Failed(new IdentityError { Code = "CommonPassword", Description = "よく使われるパスワードや、それに数字・記号を足しただけのもの、メールアドレスやサービス名を含むものは使えません。" })
            : IdentityResult.Success);
    }

    public static bool IsCommon(string password) => Common.Value.Contains(password.ToLowerInvariant());

    public static int Count => Common.Value.Count;

    static HashSet<string> Load()
    {
        using var stream = typeof(CommonPasswordValidator).Assembly.GetManifestResourceStream("Tsunagu.common-passwords.txt")
            ?? throw new InvalidOperationException("The common password list is missing from the build.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                set.Add(line);
            }
        }
        return set;
    }
}
