using System.Globalization;
using Tsunagu.Calendar;

namespace Tsunagu.Tests.Calendar;

/// <summary>Dates as staff type them, in a records file or a form (Calendar/Dates).</summary>
public class DatesTests
{
    [Theory]
    [InlineData("2024-06-15", "2024-06-15")]
    [InlineData("2024/6/5", "2024-06-05")]
    [InlineData("２０２４／６／５", "2024-06-05")]
    [InlineData("令和6年6月15日", "2024-06-15")]
    [InlineData("令和元年5月1日", "2019-05-01")]
    [InlineData("平成31年4月30日", "2019-04-30")]
    [InlineData("45458", "2024-06-15")] // an Excel date serial
    [InlineData("R6.4.1", "2024-04-01")]
    [InlineData("Ｈ２３．６．１５", "2011-06-15")]
    [InlineData("h21/6/15", "2009-06-15")]
    [InlineData("令和6.4.1", "2024-04-01")]
    [InlineData("S64.1.7", "1989-01-07")]
    public void Dates_AsStaffTypeThem_AreRead(string text, string date) => Assert.Equal(DateOnly.Parse(date, CultureInfo.InvariantCulture), Dates.TryParse(text));

    [Theory]
    [InlineData("平成31年5月1日")] // that day was 令和元年
    [InlineData("2024-02-30")]
    [InlineData("令和6年13月1日")]
    [InlineData("きのう")]
    [InlineData("H31.5.1")] // 令和元年 by then
    [InlineData("R6.4-1")]
    [InlineData("X6.4.1")]
    public void Dates_ThatDoNotExist_AreRefused(string text) => Assert.Null(Dates.TryParse(text));
}
