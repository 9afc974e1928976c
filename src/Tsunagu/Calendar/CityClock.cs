namespace Tsunagu.Calendar;

/// <summary>
/// The city's clock: what day and fiscal year it is in Japan, from the one TimeProvider the application has (tests
/// move it). Apart from <see cref="FiscalYears"/>, which only calculates.
/// </summary>
public static class CityClock
{
    /// <summary>
    /// Japan time, whatever zone the server runs in, so that 31 March 23:30 is still the old
    /// fiscal year on a server set to UTC.
    /// </summary>
    public static readonly TimeZoneInfo Japan = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");

    public static DateTime Now(TimeProvider time) => TimeZoneInfo.ConvertTime(time.GetUtcNow(), Japan).DateTime;

    /// <summary>A stored moment as staff read it: Japan time, whatever time zone the server runs in.</summary>
    public static DateTimeOffset InJapan(this DateTimeOffset moment) => TimeZoneInfo.ConvertTime(moment, Japan);

    /// <summary>The day a stored moment fell on in Japan (a plan written, a referral sent).</summary>
    public static DateOnly DayInJapan(this DateTimeOffset moment) => DateOnly.FromDateTime(moment.InJapan().DateTime);

    public static DateOnly Today(TimeProvider time) => DateOnly.FromDateTime(Now(time));

    /// <summary>
    /// The moment a day begins in Japan (no daylight saving: always +09:00), for filters by day. In UTC, as every
    /// stored moment is: SQLite compares them as numbers, and PostgreSQL's timestamptz takes only UTC from Npgsql.
    /// </summary>
    public static DateTimeOffset StartInJapan(DateOnly day) => new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(9)).ToUniversalTime();

    /// <summary>The fiscal year under way in Japan.</summary>
    public static int CurrentFiscalYear(TimeProvider time) => FiscalYears.Of(Today(time));

    /// <summary>The years Tsunagu keeps records and reports of: from FY2000 to next year (plans are made ahead).</summary>
    public static (int First, int Last) FiscalYearRange(TimeProvider time) => (2000, CurrentFiscalYear(time) + 1);

    public static bool IsInFiscalYearRange(int fiscalYear, TimeProvider time) => FiscalYearRange(time) is var (first, last) && fiscalYear >= first && fiscalYear <= last;
}
