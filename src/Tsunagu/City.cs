namespace Tsunagu;

/// <summary>
/// The city Tsunagu runs for (configuration City:Name and City:Code): named on the public pages and in every open-data
/// file, by its 全国地方公共団体コード — six digits, the last a check digit, so a mistyped code is refused rather than
/// published.
/// </summary>
public sealed record City(string Name, string Code)
{
    public static City From(IConfiguration configuration)
    {
        var code = configuration["City:Code"] ?? "041009";
        if (!IsLocalGovernmentCode(code))
        {
            throw new RefusalException(RefusalKind.Invalid,
                $"設定 City:Code「{code}」は全国地方公共団体コードではありません（6桁の数字で、6桁目は検査数字です。例: 仙台市 041009）。");
        }
        return new City(configuration["City:Name"] ?? "仙台市", code);
    }

    /// <summary>総務省's check digit: 11 − (the first five digits weighted 6, 5, 4, 3, 2, mod 11), its last digit.</summary>
    public static bool IsLocalGovernmentCode(string code)
    {
        if (code.Length != 6 || !code.All(char.IsAsciiDigit))
        {
            return false;
        }
        var sum = 0;
        for (var i = 0; i < 5; i++)
        {
            sum += (code[i] - '0') * (6 - i);
        }
        return (11 - sum % 11) % 10 == code[5] - '0';
    }
}
