using Microsoft.EntityFrameworkCore;
using Tsunagu.Japanese;

namespace Tsunagu.People;

/// <summary>
/// A person likely registered twice (二重登録): the same birth date, and the same reading or the same name once 異体字 and
/// spaces are folded (髙橋 𠮷子 and 高橋 吉子). Counted twice, they inflate 実人数; found at registration, the worker
/// is asked 「同じ人ですか」, and a manager can merge two records already there.
/// </summary>
public static class Duplicates
{
    public static bool AreLikelySame(Person person, string name, string kana, DateOnly birthDate) =>
        person.BirthDate == birthDate
        && (person.KanaKey == JapaneseText.KanaKey(kana) || NameVariants.Key(person.Name) == NameVariants.Key(name));

    /// <summary>The persons of <paramref name="persons"/> (the user's scope) likely to be this one.</summary>
    public static async Task<List<Person>> FindAsync(IQueryable<Person> persons, string name, string kana, DateOnly birthDate, CancellationToken ct = default)
    {
        // Those born that day are few; the names are folded here, where the variant table is.
        var bornThatDay = await persons.AsNoTracking().Where(p => p.BirthDate == birthDate).ToListAsync(ct);
        return bornThatDay.Where(p => AreLikelySame(p, name, kana, birthDate)).OrderBy(p => p.Id).ToList();
    }
}
