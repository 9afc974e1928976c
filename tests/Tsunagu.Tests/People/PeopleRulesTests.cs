using System.Globalization;
using Tsunagu.Contacts;
using Tsunagu.Japanese;
using Tsunagu.People;
using Tsunagu.Places;

namespace Tsunagu.Tests.People;

public class PeopleRulesTests
{
    [Theory]
    [InlineData("2012-04-01", 2018, 1)] // a 1 April birthday belongs to the earlier grade
    [InlineData("2012-04-02", 2018, 0)]
    [InlineData("2012-04-02", 2019, 1)]
    [InlineData("2013-03-31", 2019, 1)]
    [InlineData("2009-06-15", 2024, 9)] // 中3 in FY2024
    [InlineData("2010-04-01", 2024, 9)]
    [InlineData("2010-04-02", 2024, 8)]
    public void SchoolGrade_AprilBoundary_FollowsTheSchoolYear(string birthDate, int fiscalYear, int grade) =>
        Assert.Equal(grade, SchoolGrade.Of(DateOnly.Parse(birthDate, CultureInfo.InvariantCulture), fiscalYear));

    [Theory]
    [InlineData(-1, "未就学")]
    [InlineData(0, "未就学")]
    [InlineData(1, "小1")]
    [InlineData(6, "小6")]
    [InlineData(7, "中1")]
    [InlineData(9, "中3")]
    [InlineData(12, "高3")]
    [InlineData(13, "高校卒業後")]
    public void SchoolGrade_Label_NamesTheGrade(int grade, string label) =>
        Assert.Equal(label, SchoolGrade.Label(new DateOnly(2010, 4, 2), 2016 + grade));

    [Theory]
    [InlineData("041009", true)] // 仙台市
    [InlineData("041017", true)] // 青葉区
    [InlineData("041025", true)]
    [InlineData("041033", true)]
    [InlineData("041041", true)]
    [InlineData("041050", true)] // 泉区: 11 - 1 = 10 gives check digit 0
    [InlineData("041018", false)]
    [InlineData("04101", false)]
    [InlineData("０４１０１７", false)]
    public void MunicipalityCode_CheckDigit_IsVerified(string code, bool valid) =>
        Assert.Equal(valid, MunicipalityCode.IsValid(code));

    [Theory]
    [InlineData("タカハシ ヨシコ", "たかはしよしこ")]
    [InlineData("ﾀｶﾊｼ", "たかはし")]
    [InlineData("たかはし　よしこ", "たかはしよしこ")]
    public void KanaKey_FoldsKatakanaHalfWidthAndSpaces(string kana, string key) => Assert.Equal(key, JapaneseText.KanaKey(kana));

    [Theory]
    [InlineData("2024-06-15", "10:00", true, false, true)]  // a Saturday
    [InlineData("2024-06-16", "10:00", true, false, false)] // a Sunday
    [InlineData("2024-06-17", "17:30", true, true, false)]  // a weekday evening
    [InlineData("2024-06-17", "17:14", false, false, false)]
    [InlineData("2024-06-17", "08:00", true, false, false)] // before the office opens
    [InlineData("2024-06-17", null, false, false, false)]
    public void Contact_OfficeHours_EveningsAndSaturdaysAreRecognised(string date, string? time, bool outside, bool evening, bool saturday)
    {
        var contact = new Contact { Date = DateOnly.Parse(date, CultureInfo.InvariantCulture), Time = time is null ? null : TimeOnly.Parse(time, CultureInfo.InvariantCulture) };
        Assert.Equal((outside, evening, saturday), (contact.IsOutsideOfficeHours, contact.IsWeekdayEvening, contact.IsSaturday));
    }
}
