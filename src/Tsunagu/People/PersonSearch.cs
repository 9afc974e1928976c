using Microsoft.EntityFrameworkCore;
using Tsunagu.Japanese;

namespace Tsunagu.People;

/// <summary>Finding a person by the beginning of the kana reading, the beginning of the name, or the birth date.</summary>
public static class PersonSearch
{
    public const int Limit = 50;

    /// <param name="codePointOrder">
    /// The database compares text by code point: the kana prefix is then also given as a range, which SQLite can
    /// search in the reading's index (its LIKE cannot: at a million persons, 31 ms instead of a few).
    /// </param>
    /// <param name="first">Persons listed before the others (the user's own cases), when given.</param>
    public static async Task<List<Person>> FindAsync(
        IQueryable<Person> persons, string? text, DateOnly? birthDate, bool codePointOrder = false, IQueryable<int>? first = null, CancellationToken ct = default)
    {
        var query = persons.AsNoTracking();
        var term = text?.Trim() ?? "";
        if (Refusal(term, birthDate) is not null || term.Length == 0)
        {
            return [];
        }
        {
            var kana = JapaneseText.KanaKey(term);
            // The name is matched as typed: names are stored exactly, so 髙 finds 髙 and not 高.
            if (!IsKana(kana))
            {
                query = query.Where(p => p.Name.StartsWith(term));
            }
            else if (codePointOrder)
            {
                // Every key that starts with the prefix lies in [prefix, prefix + the highest code point).
                var end = kana + char.ConvertFromUtf32(0x10FFFF);
                query = query.Where(p => p.KanaKey.CompareTo(kana) >= 0 && p.KanaKey.CompareTo(end) < 0);
            }
            else
            {
                query = query.Where(p => p.KanaKey.StartsWith(kana));
            }
        }
        if (birthDate is { } date)
        {
            query = query.Where(p => p.BirthDate == date);
        }
        var ordered = first is null ? query.OrderBy(p => p.KanaKey) : query.OrderByDescending(p => first.Contains(p.Id)).ThenBy(p => p.KanaKey);
        return await ordered.ThenBy(p => p.BirthDate).Take(Limit).ToListAsync(ct);
    }

    /// <summary>
    /// Why a search is not one: a birth date alone lists everyone born that day, which is how a whole program was
    /// once read out in two minutes. The reading or the name comes first; the birth date narrows it.
    /// </summary>
    public static string? Refusal(string? text, DateOnly? birthDate) =>
        string.IsNullOrWhiteSpace(text) && birthDate is not null ? "生年月日だけでは探せません。ふりがなか氏名（の始め）も入れてください。" : null;

    static bool IsKana(string text) => text.All(c => c is >= '\u3041' and <= '\u309F' or 'ー');
}
