using Microsoft.EntityFrameworkCore;
using Tsunagu.Japanese;

namespace Tsunagu.People;

/// <summary>
/// What a worker searches by: the beginning of the reading or the name, the birth date, the end of a telephone number
/// (the caller's number, or its last four digits), part of an address. Those given must all match.
/// </summary>
public sealed record PersonQuery(string? Q, DateOnly? BirthDate, string? Phone = null, string? Address = null)
{
    public bool IsEmpty => string.IsNullOrWhiteSpace(Q) && string.IsNullOrWhiteSpace(Phone) && string.IsNullOrWhiteSpace(Address);
}

/// <summary>Finding a person by the beginning of the kana reading or the name, the birth date, the telephone, the address.</summary>
public static class PersonSearch
{
    public const int Limit = 50;

    /// <summary>The fewest digits of a telephone number and characters of an address a search takes.</summary>
    public const int PhoneDigitsMin = 4;
    public const int AddressMin = 4;

    /// <param name="first">Persons listed before the others (the user's own cases), when given.</param>
    /// <param name="households">The households whose address the user may read (<c>RecordScope.HouseholdsAsync</c>); none when not given.</param>
    public static async Task<List<Person>> FindAsync(IQueryable<Person> persons, PersonQuery terms,
        IQueryable<int>? first = null, IQueryable<Household>? households = null, CancellationToken ct = default)
    {
        var query = persons.AsNoTracking();
        var term = terms.Q?.Trim() ?? "";
        if (Refusal(terms) is not null || terms.IsEmpty)
        {
            return [];
        }
        var byName = false;
        if (term.Length > 0)
        {
            // A prefix is searched as the range of keys it begins, [prefix, prefix + the highest code point): both
            // databases compare these columns by code point (SQLite's BINARY, PostgreSQL's "C": PersonConfiguration),
            // so the range is exactly the index's. LIKE reads no index on SQLite, nor on PostgreSQL under a linguistic
            // collation: at a million persons every search read them all (bench load: 190 ms at p95).
            var kana = JapaneseText.KanaKey(term);
            byName = !IsKana(kana);
            // The name is matched as typed: names are stored exactly, so 髙 finds 髙 and not 高.
            var start = byName ? term : kana;
            var end = start + Highest;
            query = byName
                ? query.Where(p => p.Name.CompareTo(start) >= 0 && p.Name.CompareTo(end) < 0)
                : query.Where(p => p.KanaKey.CompareTo(start) >= 0 && p.KanaKey.CompareTo(end) < 0);
        }
        if (terms.BirthDate is { } date)
        {
            query = query.Where(p => p.BirthDate == date);
        }
        if (ContactDetailsRules.PhoneKey(terms.Phone) is { Length: > 0 } phone)
        {
            query = query.Where(p => p.PhoneKey!.EndsWith(phone));
        }
        if (ContactDetailsRules.AddressKey(terms.Address) is { } address)
        {
            query = households is null ? query.Where(p => false)
                : query.Where(p => households.Any(h => h.Id == p.HouseholdId && h.AddressKey!.Contains(address)));
        }
        // The user's own cases and the rest are asked apart: ordered by "is it mine" first, the database had to read
        // every match (10,000 for a common surname in a city of a million) before it could list 50; each half now
        // reads in its index's order and stops at the page. A name's results are listed by the name for that reason.
        IQueryable<Person> Page(IQueryable<Person> q) =>
            (byName ? q.OrderBy(p => p.Name) : q.OrderBy(p => p.KanaKey)).ThenBy(p => p.BirthDate).Take(Limit);
        var own = first is null ? [] : await Page(query.Where(p => first.Contains(p.Id))).ToListAsync(ct);
        var ownIds = own.Select(p => p.Id).ToHashSet();
        var others = await Page(query).ToListAsync(ct);
        return [.. own, .. others.Where(p => !ownIds.Contains(p.Id)).Take(Limit - own.Count)];
    }

    /// <summary>The highest code point: every text beginning with a prefix sorts before the prefix followed by it.</summary>
    static readonly string Highest = char.ConvertFromUtf32(0x10FFFF);

    /// <summary>
    /// Why a search is not one: a birth date alone lists everyone born that day, which is how a whole program was
    /// once read out in two minutes. The reading or the name (or a telephone or an address) comes first; the birth date
    /// narrows it.
    /// An address search needs a number for the same reason: 「仙台市青葉」 would list a ward, day by day of birth.
    /// </summary>
    public static string? Refusal(PersonQuery terms) =>
        terms.IsEmpty && terms.BirthDate is not null ? "生年月日だけでは探せません。ふりがなか氏名（の始め）、電話番号、住所のどれかも入れてください。"
        : !string.IsNullOrWhiteSpace(terms.Phone) && ContactDetailsRules.PhoneKey(terms.Phone)!.Length < PhoneDigitsMin
            ? $"電話番号は{PhoneDigitsMin}桁以上入れてください（末尾の{PhoneDigitsMin}桁でも探せます）。"
        : !string.IsNullOrWhiteSpace(terms.Address) && ContactDetailsRules.AddressKey(terms.Address) is { } key && (key.Length < AddressMin || !key.Any(char.IsAsciiDigit))
            ? $"住所は町名と番地（数字）まで、{AddressMin}文字以上入れてください（例 一番町1-2）。"
        : null;

    /// <summary>The term a <see cref="Refusal"/> is about, as the API names it.</summary>
    public static string RefusedField(PersonQuery terms) =>
        terms.IsEmpty ? "q" : !string.IsNullOrWhiteSpace(terms.Phone) && ContactDetailsRules.PhoneKey(terms.Phone)!.Length < PhoneDigitsMin ? "phone" : "address";

    static bool IsKana(string text) => text.All(c => c is >= '\u3041' and <= '\u309F' or 'ー');
}
