using System.Globalization;
using Tsunagu.Calendar;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Calendar;

public class FiscalYearTests
{
    [Theory]
    [InlineData("2019-04-30", "平成", 31, "平成31年4月30日")]
    [InlineData("2019-05-01", "令和", 1, "令和元年5月1日")]
    [InlineData("1989-01-07", "昭和", 64, "昭和64年1月7日")]
    [InlineData("1989-01-08", "平成", 1, "平成元年1月8日")]
    [InlineData("2025-03-31", "令和", 7, "令和7年3月31日")]
    public void EraOf_EraBoundaries_GiveTheProclaimedEra(string date, string era, int year, string formatted)
    {
        var d = DateOnly.Parse(date, CultureInfo.InvariantCulture);
        Assert.Equal((era, year), FiscalYears.EraOf(d));
        Assert.Equal(formatted, FiscalYears.FormatDate(d));
    }

    [Theory]
    [InlineData("2025-03-31", 2024)]
    [InlineData("2025-04-01", 2025)]
    [InlineData("2024-04-01", 2024)]
    [InlineData("2024-01-15", 2023)]
    public void Of_March31AndApril1_FallInDifferentFiscalYears(string date, int fiscalYear) =>
        Assert.Equal(fiscalYear, FiscalYears.Of(DateOnly.Parse(date, CultureInfo.InvariantCulture)));

    [Fact]
    public void InJapan_ShowsAStoredMomentInJapanTime_WhateverTheServersZone()
    {
        // 19:00 UTC on 26 November is already the 27th in Japan: a server set to UTC must not print the 26th.
        var moment = new DateTimeOffset(2026, 11, 26, 19, 0, 0, TimeSpan.Zero).InJapan();
        Assert.Equal((new DateTime(2026, 11, 27, 4, 0, 0), TimeSpan.FromHours(9)), (moment.DateTime, moment.Offset));
        Assert.Equal("令和8年11月27日", FiscalYears.FormatDate(DateOnly.FromDateTime(moment.DateTime)));
    }

    [Fact]
    public void StartAndEnd_CoverApril1ToMarch31()
    {
        Assert.Equal(new DateOnly(2024, 4, 1), FiscalYears.Start(2024));
        Assert.Equal(new DateOnly(2025, 3, 31), FiscalYears.End(2024));
    }

    [Theory]
    [InlineData(2024, "令和6年度")]
    [InlineData(2019, "令和元年度")]
    [InlineData(2018, "平成30年度")]
    [InlineData(1989, "平成元年度")]
    [InlineData(1988, "昭和63年度")]
    public void Label_FiscalYear_IsNamedAsOfficesWriteIt(int fiscalYear, string label) =>
        Assert.Equal(label, FiscalYears.Label(fiscalYear));

    [Theory]
    [InlineData("主な施策8事業の令和6年度実績", 2024)]
    [InlineData("主な施策８事業の令和６年度実績", 2024)]
    [InlineData("令和元年度 実績", 2019)]
    [InlineData("平成31年度実績", 2019)]
    [InlineData("平成30年度", 2018)]
    [InlineData("2023年度の実績", 2023)]
    [InlineData("２０２２年度", 2022)]
    [InlineData("主な施策の実績", null)]
    public void FindIn_TitleText_ReadsTheFiscalYear(string text, int? fiscalYear) =>
        Assert.Equal(fiscalYear, FiscalYears.FindIn(text));

    [Fact]
    public void Current_IsJapanTime_WhateverTheServersZone()
    {
        // 23:59 on 31 March in Japan is 14:59 UTC: still FY2024. One minute later, in Japan, it is FY2025.
        Assert.Equal(2024, CityClock.CurrentFiscalYear(new FixedTime(new DateTimeOffset(2025, 3, 31, 14, 59, 0, TimeSpan.Zero))));
        Assert.Equal(2025, CityClock.CurrentFiscalYear(new FixedTime(new DateTimeOffset(2025, 3, 31, 15, 0, 0, TimeSpan.Zero))));
    }
}
