using Tsunagu.People;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.People;

public class PersonSearchTests
{
    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task KanaPrefix_FindsExactlyTheReadingsThatBeginWithIt(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using (var setup = database.NewDb())
        {
            foreach (var kana in new[] { "さとう", "さとうー", "さとうんこ", "さとう𠮷", "さとえ", "さと", "あさとう" })
            {
                setup.Persons.Add(new Person { Name = kana, Kana = kana, KanaKey = kana, BirthDate = new DateOnly(2010, 1, 1) });
            }
            await setup.SaveChangesAsync();
        }
        await using var db = database.NewDb();

        // Half-width katakana typed, the reading's key compared; on SQLite also as an index range.
        var found = await PersonSearch.FindAsync(db.Persons, new PersonQuery("ｻﾄｳ", null));

        // Listed in the order of the code points on both databases (PostgreSQL's column collation is "C").
        Assert.Equal(["さとう", "さとうんこ", "さとうー", "さとう𠮷"], found.Select(p => p.KanaKey));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task NamePrefix_FindsTheNamesThatBeginWithIt_AsTyped(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using (var setup = database.NewDb())
        {
            foreach (var name in new[] { "佐藤 花子", "佐藤花子", "佐藤", "佐々木 一郎", "加佐藤 次郎", "佐籐 三郎", "佐藤𠮷 四郎" })
            {
                setup.Persons.Add(new Person { Name = name, Kana = "さとう", KanaKey = "さとう", BirthDate = new DateOnly(2010, 1, 1) });
            }
            await setup.SaveChangesAsync();
        }
        await using var db = database.NewDb();

        var found = await PersonSearch.FindAsync(db.Persons, new PersonQuery("佐藤", null));

        Assert.Equal(["佐藤", "佐藤 花子", "佐藤花子", "佐藤𠮷 四郎"], found.Select(p => p.Name));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task TheUsersOwnCases_ComeFirst_EvenWhenAPageOfOthersPrecedesThemByReading(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        int own;
        await using (var setup = database.NewDb())
        {
            for (var i = 0; i < PersonSearch.Limit + 10; i++)
            {
                setup.Persons.Add(new Person { Name = $"佐藤 {i:00}", Kana = "さとう あ", KanaKey = "さとう あ", BirthDate = new DateOnly(2000, 1, 1).AddDays(i) });
            }
            var mine = new Person { Name = "佐藤 最後", Kana = "さとう ん", KanaKey = "さとう ん", BirthDate = new DateOnly(2010, 1, 1) };
            setup.Persons.Add(mine);
            await setup.SaveChangesAsync();
            own = mine.Id;
        }
        await using var db = database.NewDb();

        var found = await PersonSearch.FindAsync(db.Persons, new PersonQuery("さとう", null), first: db.Persons.Where(p => p.Id == own).Select(p => p.Id));

        Assert.Equal(["佐藤 最後", .. Enumerable.Range(0, PersonSearch.Limit - 1).Select(i => $"佐藤 {i:00}")], found.Select(p => p.Name));
    }

    [Theory]
    [InlineData("タカハシ ヨシコ", "たかはし よしこ")]
    [InlineData("ﾀｶﾊｼ ﾖｼｺ", "たかはし よしこ")]
    [InlineData("たかはし　よしこ", "たかはし よしこ")] // NFKC: the full-width space as any other
    [InlineData("ヴァイオリン", "ゔぁいおりん")]
    public void AReading_IsShownInHiragana_WithItsSpaces(string typed, string shown) =>
        Assert.Equal(shown, Tsunagu.Japanese.JapaneseText.Hiragana(typed));
}
