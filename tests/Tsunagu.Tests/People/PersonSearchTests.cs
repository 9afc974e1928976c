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
        var found = await PersonSearch.FindAsync(db.Persons, new PersonQuery("ｻﾄｳ", null), db.ComparesTextByCodePoint);

        Assert.Equal(["さとう", "さとうんこ", "さとうー", "さとう𠮷"], found.Select(p => p.KanaKey).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("タカハシ ヨシコ", "たかはし よしこ")]
    [InlineData("ﾀｶﾊｼ ﾖｼｺ", "たかはし よしこ")]
    [InlineData("たかはし　よしこ", "たかはし よしこ")] // NFKC: the full-width space as any other
    [InlineData("ヴァイオリン", "ゔぁいおりん")]
    public void AReading_IsShownInHiragana_WithItsSpaces(string typed, string shown) =>
        Assert.Equal(shown, Tsunagu.Japanese.JapaneseText.Hiragana(typed));
}
