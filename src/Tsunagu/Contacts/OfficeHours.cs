using System.Linq.Expressions;

namespace Tsunagu.Contacts;

/// <summary>Hours a contact may be counted by: the evening and Saturday hours some programs keep open.</summary>
public enum TimeBand
{
    WeekdayEvening = 0, // 夜間 (weekdays from 17:15)
    Saturday = 1,       // 土曜
    OutsideHours = 2,   // 時間外 (outside 8:30–17:15 on weekdays, and weekends)
}

/// <summary>
/// The city's office hours (開庁時間): 8:30 to 17:15 on weekdays. The one home of those times and of what each
/// <see cref="TimeBand"/> means: a contact's own flags, the figures' filters (in SQL), the breakdown cells and the
/// contact-facts triggers read them here. The triggers' SQL files carry the same two times; a test holds them to these.
/// </summary>
public static class OfficeHours
{
    public static readonly TimeOnly Opens = new(8, 30);
    public static readonly TimeOnly Closes = new(17, 15);

    /// <summary>From closing time on (a contact without a time is not).</summary>
    public static bool IsEvening(TimeOnly? time) => time >= Closes;

    /// <summary>Before opening time (a contact without a time is not).</summary>
    public static bool IsEarly(TimeOnly? time) => time < Opens;

    public static bool IsIn(TimeBand band, DayOfWeek day, TimeOnly? time) => IsIn(band, day, IsEvening(time), IsEarly(time));

    /// <summary>The same, for a contact already reduced to its day and whether it was evening or early (a fact cell).</summary>
    public static bool IsIn(TimeBand band, DayOfWeek day, bool evening, bool early) => band switch
    {
        TimeBand.WeekdayEvening => day is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && evening,
        TimeBand.Saturday => day == DayOfWeek.Saturday,
        _ => day is DayOfWeek.Saturday or DayOfWeek.Sunday || evening || early,
    };

    /// <summary>
    /// Contacts in any of <paramref name="bands"/>, as a condition the database evaluates: the same meaning as
    /// <see cref="IsIn(TimeBand, DayOfWeek, TimeOnly?)"/>, written so that EF translates it on both providers.
    /// </summary>
    public static Expression<Func<Contact, bool>> InAny(IReadOnlyCollection<TimeBand> bands)
    {
        bool evening = bands.Contains(TimeBand.WeekdayEvening), saturday = bands.Contains(TimeBand.Saturday), outside = bands.Contains(TimeBand.OutsideHours);
        return c =>
            (evening && c.Date.DayOfWeek != DayOfWeek.Saturday && c.Date.DayOfWeek != DayOfWeek.Sunday && c.Time >= Closes)
            || (saturday && c.Date.DayOfWeek == DayOfWeek.Saturday)
            || (outside && (c.Date.DayOfWeek == DayOfWeek.Saturday || c.Date.DayOfWeek == DayOfWeek.Sunday || c.Time < Opens || c.Time >= Closes));
    }

    public static string Japanese(this TimeBand band) => band switch
    {
        TimeBand.WeekdayEvening => "夜間",
        TimeBand.Saturday => "土曜",
        _ => "時間外",
    };
}
