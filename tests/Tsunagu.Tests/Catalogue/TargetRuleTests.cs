using Microsoft.EntityFrameworkCore;
using Tsunagu.Catalogue;
using Tsunagu.Japanese;
using Tsunagu.People;
using Tsunagu.Records;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Catalogue;

/// <summary>A window's targeting rule: checked when written, evaluated set-based against the records on a day.</summary>
public class TargetRuleTests
{
    static readonly Tsunagu.Programs.SupportProgram[] Programs =
    [
        new() { Id = 1, Code = "P001", Name = "学習・生活サポート事業", NameKey = "学習・生活サポート事業" },
        new() { Id = 8, Code = "P008", Name = "ひとり親家庭等生活向上支援事業", NameKey = "ひとり親家庭等生活向上支援事業" },
    ];

    [Theory]
    [InlineData("学年=中3; 事業=学習・生活サポート事業", "事業=学習・生活サポート事業; 学年=中3")]
    [InlineData("世帯＝ひとり親；子の年齢＝０〜１７", "子の年齢=0-17; 世帯=ひとり親")]
    [InlineData("区=泉区,青葉区", "区=泉区,青葉区")]
    [InlineData("事業=P008", "事業=P008")]
    public void ARule_IsReadInTheScreensWords_AndStoredInAFixedOrder(string typed, string stored) =>
        Assert.Equal(stored, TargetRule.Parse(typed, Programs).Text);

    [Theory]
    [InlineData("年収=300万円", "「年収」は使えません。使える項目: 事業、学年、子の年齢、世帯、区")]
    [InlineData("学年=中4", "学年「中4」はありません。使える値: 小1、小2")]
    [InlineData("区=仙台区", "区「仙台区」はありません。")]
    [InlineData("子の年齢=17-0", "子の年齢は「0-17」のように")]
    [InlineData("世帯", "条件「世帯」は「項目=値」の形で書いてください。")]
    [InlineData("事業=学習支援", "事業「学習支援」はありません。")]
    public void AWrongRule_IsRefusedByItsFieldAndWord(string typed, string message)
    {
        var refused = Assert.Throws<RecordInputException>(() => TargetRule.Parse(typed, Programs));
        Assert.Equal("target", refused.Field);
        Assert.Contains(message, refused.Message);
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task ARule_NamesTheHouseholdsOfItsMembers_OnTheDay_EachOnce(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        using (var files = new TempFolder())
        {
            await CliRun.RunOkAsync(database, "report", "import", Seed.Write(files.Path, "seed.tsv", Seed.Bytes()));
        }
        Dictionary<string, int> households;
        await using (var db = database.NewDb())
        {
            var p001 = await db.Programs.SingleAsync(p => p.Code == "P001");
            Household Household(HouseholdCircumstances circumstances, string ward) => new() { Circumstances = circumstances, WardCode = ward };
            Person Child(Household household, DateOnly born) =>
                new() { Name = "子", Kana = "こ", KanaKey = JapaneseText.KanaKey("こ"), BirthDate = born, Role = PersonRole.Child, Household = household };
            var single = Household(HouseholdCircumstances.SingleMother, "041050");
            var hardship = Household(HouseholdCircumstances.Hardship, "041017");
            var allowance = Household(HouseholdCircumstances.ChildRearingAllowance, "041017");
            var twins = Household(HouseholdCircumstances.None, "041025");
            var grownUp = Household(HouseholdCircumstances.SingleFather, "041033");
            var left = Household(HouseholdCircumstances.None, "041041");
            // 中3 in FY2024: born 2 April 2009 to 1 April 2010.
            var pupil = Child(single, new DateOnly(2010, 4, 1));
            var twinA = Child(twins, new DateOnly(2009, 4, 2));
            var twinB = Child(twins, new DateOnly(2009, 4, 2));
            var leaver = Child(left, new DateOnly(2009, 9, 1));
            db.Persons.AddRange(pupil, Child(hardship, new DateOnly(2009, 5, 5)), Child(allowance, new DateOnly(2006, 4, 2)), twinA, twinB,
                Child(grownUp, new DateOnly(2006, 6, 1)), leaver, Child(single, new DateOnly(2010, 4, 2)));
            db.Enrollments.AddRange(
                new Enrollment { Person = pupil, ProgramId = p001.Id, From = new DateOnly(2024, 4, 10) },
                new Enrollment { Person = twinA, ProgramId = p001.Id, From = new DateOnly(2024, 4, 10) },
                new Enrollment { Person = twinB, ProgramId = p001.Id, From = new DateOnly(2024, 4, 10) },
                new Enrollment { Person = leaver, ProgramId = p001.Id, From = new DateOnly(2024, 4, 10), To = new DateOnly(2024, 5, 31), Status = EnrollmentStatus.Ended });
            await db.SaveChangesAsync();
            households = new() { ["single"] = single.Id, ["hardship"] = hardship.Id, ["allowance"] = allowance.Id, ["twins"] = twins.Id, ["grownUp"] = grownUp.Id, ["left"] = left.Id };
        }
        await using var check = database.NewDb();
        var programs = await check.Programs.AsNoTracking().ToListAsync();
        async Task<string[]> NamedAsync(string rule, DateOnly on)
        {
            var ids = await TargetRule.Parse(rule, programs).Households(check, on).Select(h => h.Id).ToListAsync();
            return [.. households.Where(h => ids.Contains(h.Value)).Select(h => h.Key).Order(StringComparer.Ordinal)];
        }
        var june = new DateOnly(2024, 6, 20);

        Assert.Equal(["single", "twins"], await NamedAsync("事業=学習・生活サポート事業; 学年=中3", june));
        // Still enrolled in May, the leaver's household was named then.
        Assert.Equal(["left", "single", "twins"], await NamedAsync("事業=学習・生活サポート事業; 学年=中3", new DateOnly(2024, 5, 1)));
        Assert.Equal(["hardship", "left", "single", "twins"], await NamedAsync("学年=中3", june));
        Assert.Equal(["allowance"], await NamedAsync("学年=高3; 世帯=生活保護,児童扶養手当", june));
        // 18 on 20 June 2024: born 1 June 2006 is past 17.
        Assert.Equal(["single"], await NamedAsync("世帯=ひとり親; 子の年齢=0-17", june));
        Assert.Equal(["grownUp", "single"], await NamedAsync("世帯=ひとり親; 子の年齢=0-18", june));
        Assert.Equal(["single"], await NamedAsync("区=泉区", june));
        Assert.Equal(6, await TargetRule.Parse("", programs).Households(check, june).CountAsync());
    }
}
