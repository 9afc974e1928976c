using Tsunagu.Calendar;

namespace Tsunagu.Tests.Calendar;

public class WorkingDaysTests
{
    [Theory]
    [InlineData("2024-05-02", 1, "2024-05-07")] // Golden Week: 3–6 May (the 6th a substitute holiday)
    [InlineData("2024-12-27", 1, "2025-01-06")] // the year-end closure (29 Dec – 3 Jan) and a weekend
    [InlineData("2026-09-18", 1, "2026-09-24")] // Silver Week: 敬老の日, 国民の休日, 秋分の日
    [InlineData("2024-06-20", 5, "2024-06-27")] // an ordinary week
    [InlineData("2027-03-19", 1, "2027-03-23")] // 春分の日 on a Sunday: Monday the 22nd is its substitute
    public void ADeadlineInWorkingDays_SkipsWeekendsHolidaysAndTheYearEnd(string from, int days, string due) =>
        Assert.Equal(DateOnly.Parse(due, System.Globalization.CultureInfo.InvariantCulture), WorkingDays.Add(DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), days));

    [Fact]
    public void TheShippedList_CoversTheYearsInUse_AndNoMore()
    {
        Assert.True(WorkingDays.Covers(new DateOnly(2023, 1, 1)));
        Assert.True(WorkingDays.Covers(new DateOnly(2027, 12, 31)));
        Assert.False(WorkingDays.Covers(new DateOnly(2028, 1, 1)));
        Assert.True(WorkingDays.IsHoliday(new DateOnly(2025, 11, 24)));
        Assert.False(WorkingDays.IsWorkingDay(new DateOnly(2025, 1, 2)));
        Assert.True(WorkingDays.IsWorkingDay(new DateOnly(2025, 1, 6)));
    }
}
