using System.Globalization;
using System.Text;

namespace Tsunagu.Calendar;

/// <summary>Dates and times as staff type them, or as Excel stores them.</summary>
public static class Dates
{
    static readonly string[] Formats = ["yyyy-MM-dd", "yyyy/M/d", "yyyy-M-d", "yyyy.M.d", "yyyy年M月d日"];

    public static DateOnly? TryParse(string text)
    {
        var t = text.Normalize(NormalizationForm.FormKC).Trim();
        if (DateOnly.TryParseExact(t, Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }
        // An Excel date cell arrives as its serial number.
        if (t.Length == 5 && int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var serial))
        {
            return DateOnly.FromDateTime(DateTime.FromOADate(serial));
        }
        return FiscalYears.ParseEraDate(t);
    }

    public static TimeOnly? TryParseTime(string text)
    {
        var t = text.Normalize(NormalizationForm.FormKC).Trim();
        if (TimeOnly.TryParseExact(t, ["H:mm", "HH:mm", "H:mm:ss", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return time;
        }
        if (double.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var fraction) && fraction is >= 0 and < 1)
        {
            return TimeOnly.FromTimeSpan(TimeSpan.FromMinutes(Math.Round(fraction * 24 * 60)));
        }
        return null;
    }
}
