using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Tsunagu.Calendar;

/// <summary>
/// Japanese eras and the city's fiscal year (年度, 1 April – 31 March), stored as the Western year it starts in.
/// </summary>
public static partial class FiscalYears
{
    // Era start dates from the imperial proclamations; the table is short and fixed, and avoids depending on
    // the ICU data behind JapaneseCalendar, which differs between machines.
    static readonly (string Name, char Letter, DateOnly Start)[] Eras =
    [
        ("令和", 'R', new DateOnly(2019, 5, 1)),
        ("平成", 'H', new DateOnly(1989, 1, 8)),
        ("昭和", 'S', new DateOnly(1926, 12, 25)),
        ("大正", 'T', new DateOnly(1912, 7, 30)),
        ("明治", 'M', new DateOnly(1868, 1, 25)),
    ];

    /// <summary>The fiscal years that can be named: from 明治 (its first full year) to the last whose 31 March exists.</summary>
    public const int First = 1868, Last = 9998;

    public static bool CanName(int fiscalYear) => fiscalYear is >= First and <= Last;

    public static int Of(DateOnly date) => date.Month >= 4 ? date.Year : date.Year - 1;

    public static DateOnly Start(int fiscalYear) => new(fiscalYear, 4, 1);

    public static DateOnly End(int fiscalYear) => new(fiscalYear + 1, 3, 31);

    /// <summary>The era and year of a date: 2019-04-30 is 平成31年, 2019-05-01 is 令和元年.</summary>
    public static (string Era, int Year) EraOf(DateOnly date)
    {
        foreach (var (name, _, start) in Eras)
        {
            if (date >= start)
            {
                return (name, date.Year - start.Year + 1);
            }
        }
        throw new ArgumentOutOfRangeException(nameof(date), date, "Dates before 明治 are not supported.");
    }

    /// <summary>令和6年5月1日.</summary>
    public static string FormatDate(DateOnly date)
    {
        if (date < Eras[^1].Start)
        {
            // Before 明治 no era is shown: a wrong date already stored (0001-01-01) still lists, and can be corrected.
            return $"{date.Year}年{date.Month}月{date.Day}日";
        }
        var (era, year) = EraOf(date);
        return $"{era}{YearNumber(year)}年{date.Month}月{date.Day}日";
    }

    /// <summary>
    /// 令和6年度. A fiscal year takes the era in force at the end of the calendar year it starts in, which is how
    /// offices name FY2019 (令和元年度) and FY1989 (平成元年度).
    /// </summary>
    public static string Label(int fiscalYear)
    {
        var (era, year) = EraOf(new DateOnly(fiscalYear, 12, 31));
        return $"{era}{YearNumber(year)}年度";
    }

    /// <summary>令和6年度（2024年度）, where space allows both.</summary>
    public static string LabelWithWestern(int fiscalYear) => $"{Label(fiscalYear)}（{fiscalYear}年度）";

    static string YearNumber(int year) => year == 1 ? "元" : year.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Finds the first fiscal year written in a text: 令和6年度, 令和元年度, 平成31年度, 2024年度 (full-width digits too).
    /// A bare era year (令和6年) counts as that fiscal year as well, since titles are written both ways.
    /// </summary>
    public static int? FindIn(string text)
    {
        var normalized = text.Normalize(NormalizationForm.FormKC);
        var era = EraYearPattern().Match(normalized);
        if (era.Success)
        {
            var start = Eras.First(e => e.Name == era.Groups["era"].Value).Start;
            var n = era.Groups["year"].Value == "元" ? 1 : int.Parse(era.Groups["year"].Value, CultureInfo.InvariantCulture);
            return start.Year + n - 1;
        }
        var western = WesternYearPattern().Match(normalized);
        return western.Success ? int.Parse(western.Groups["year"].Value, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>令和6年6月15日, 平成21年6月15日 (after NFKC); null if the text is not such a date or the date does not exist.</summary>
    public static DateOnly? ParseEraDate(string text)
    {
        var m = EraDatePattern().Match(text);
        if (!m.Success)
        {
            return null;
        }
        var era = m.Groups["era"].Value is { Length: 1 } letter ? Eras.First(e => e.Letter == char.ToUpperInvariant(letter[0])).Name : m.Groups["era"].Value;
        var start = Eras.First(e => e.Name == era).Start;
        var year = start.Year + (m.Groups["year"].Value == "元" ? 1 : int.Parse(m.Groups["year"].Value, CultureInfo.InvariantCulture)) - 1;
        var month = int.Parse(m.Groups["month"].Value, CultureInfo.InvariantCulture);
        var day = int.Parse(m.Groups["day"].Value, CultureInfo.InvariantCulture);
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return null;
        }
        var date = new DateOnly(year, month, day);
        // 平成31年5月1日 does not exist: that day is 令和元年5月1日.
        return EraOf(date).Era == era ? date : null;
    }

    // 令和6年4月1日, and as forms are often filled from a 住民票 or a school's roll: R6.4.1, H23/6/15, 令和6.4.1.
    [GeneratedRegex(@"^(?<era>令和|平成|昭和|大正|明治|[RHSTMrhstm])(?<year>元|\d{1,2})(?:年(?<month>\d{1,2})月(?<day>\d{1,2})日|(?<sep>[./-])(?<month>\d{1,2})\k<sep>(?<day>\d{1,2}))$")]
    private static partial Regex EraDatePattern();

    [GeneratedRegex(@"(?<era>令和|平成|昭和|大正|明治)\s*(?<year>元|\d{1,2})\s*年")]
    private static partial Regex EraYearPattern();

    [GeneratedRegex(@"(?<![\d])(?<year>(19|20)\d{2})(?![\d])\s*年?度?")]
    private static partial Regex WesternYearPattern();
}
