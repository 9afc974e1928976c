using System.Globalization;

namespace Tsunagu.Calendar;

/// <summary>
/// The city hall's working days (開庁日): not Saturday or Sunday, not a national holiday (国民の祝日・休日, from the
/// Cabinet Office's list shipped as Calendar/Data/holidays.csv in its own format, so next year's list is dropped in
/// as published), and not the year-end closure of 29 December to 3 January (行政機関の休日に関する法律).
/// </summary>
public static class WorkingDays
{
    static readonly Lazy<(HashSet<DateOnly> Days, int First, int Last)> Holidays = new(Load);

    static (HashSet<DateOnly>, int, int) Load()
    {
        using var stream = typeof(WorkingDays).Assembly.GetManifestResourceStream("Tsunagu.CityData.holidays.csv")
            ?? throw new InvalidOperationException("holidays.csv is missing from the build.");
        using var reader = new StreamReader(stream);
        var days = new HashSet<DateOnly>();
        reader.ReadLine();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                days.Add(DateOnly.ParseExact(line.Split(',')[0], "yyyy/M/d", CultureInfo.InvariantCulture));
            }
        }
        return (days, days.Min().Year, days.Max().Year);
    }

    /// <summary>Whether the shipped list has the day's year; outside it only weekends and the year end are known.</summary>
    public static bool Covers(DateOnly day) => day.Year >= Holidays.Value.First && day.Year <= Holidays.Value.Last;

    public static bool IsHoliday(DateOnly day) => Holidays.Value.Days.Contains(day);

    public static bool IsWorkingDay(DateOnly day) =>
        day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)
        && !IsHoliday(day)
        && !(day is { Month: 12, Day: >= 29 } or { Month: 1, Day: <= 3 });

    /// <summary>The working day <paramref name="count"/> working days after <paramref name="day"/> (a deadline "within N 開庁日").</summary>
    public static DateOnly Add(DateOnly day, int count)
    {
        var result = day;
        for (var added = 0; added < count;)
        {
            result = result.AddDays(1);
            if (IsWorkingDay(result))
            {
                added++;
            }
        }
        return result;
    }
}
