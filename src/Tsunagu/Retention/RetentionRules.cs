using System.Globalization;
using Tsunagu.Calendar;

namespace Tsunagu.Retention;

/// <summary>
/// 保存年限: how many years a program's records of a person are kept after the person's support in it ended —
/// <c>Retention:Years</c> for every program, <c>Retention:Programs:{code}</c> for one. A program with neither keeps its
/// records: nothing is deleted that the city has not decided to delete.
/// </summary>
public sealed class RetentionRules
{
    const int MaxYears = 100;

    readonly int? everyProgram;
    readonly Dictionary<string, int> byProgram;

    RetentionRules(int? everyProgram, Dictionary<string, int> byProgram) => (this.everyProgram, this.byProgram) = (everyProgram, byProgram);

    public static RetentionRules From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Retention");
        var byProgram = section.GetSection("Programs").GetChildren()
            .ToDictionary(c => c.Key, c => Years(c.Value, $"Retention:Programs:{c.Key}"), StringComparer.OrdinalIgnoreCase);
        return new RetentionRules(section["Years"] is { Length: > 0 } every ? Years(every, "Retention:Years") : null, byProgram);
    }

    static int Years(string? text, string key) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var years) && years is >= 1 and <= MaxYears
            ? years
            : throw new RefusalException(RefusalKind.Invalid, $"{key} は 1〜{MaxYears} の年数で指定してください（指定値: {text}）。");

    /// <summary>The program codes named in the settings, to check against the programs there are.</summary>
    public IEnumerable<string> NamedPrograms => byProgram.Keys;

    public int? YearsFor(string programCode) => byProgram.TryGetValue(programCode, out var years) ? years : everyProgram;

    /// <summary>
    /// The first day a period that ended on <paramref name="end"/> may be deleted: the years are counted from 1 April of
    /// the fiscal year after the one it ended in (完結の日の属する年度の翌年度の4月1日から起算), as the city's 文書管理規程
    /// counts a file's keeping. Ended 31 March 2020 (FY2019), five years: from 1 April 2025; ended 1 April 2020: 2026.
    /// </summary>
    public static DateOnly DueFrom(DateOnly end, int years) => FiscalYears.Start(FiscalYears.Of(end) + 1 + years);

    /// <summary>Periods that ended before this day are due on <paramref name="today"/> (the inverse of <see cref="DueFrom"/>).</summary>
    public static DateOnly EndedBefore(DateOnly today, int years) => FiscalYears.Start(FiscalYears.Of(today) - years);
}
