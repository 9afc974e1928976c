using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Tsunagu.Japanese;

namespace Tsunagu.Indicators;

/// <summary>A figure read from a 実績 cell: 「利用者数:303人」 → 利用者数, 303, 人.</summary>
/// <param name="Index">Where the figure's text starts in the cell, so findings can point at it.</param>
/// <param name="InNarrative">Read from a sentence (「88名 のスクールカウンセラーを配置」) rather than a label:value item.</param>
/// <param name="NumberIndex">Where the number itself starts in the cell, so a figure can be changed in place.</param>
public sealed record Figure(
    string Label, decimal Value, string? Unit, bool Approximate, CountingBasis Basis, string Text, int Index, bool InNarrative,
    int NumberIndex, int NumberLength);

public sealed record ParsedResults(IReadOnlyList<Figure> Figures, string Narrative);

/// <summary>
/// Reads the figures out of a 実績 cell. Items are separated by white space; an item is a label, a colon or white
/// space, an optional prefix (計, 合計, 延べ, 約), a number and a unit, optionally followed by 実施. Numbers with a
/// unit inside sentences are figures too, labelled from the words around them. Whatever is not an item is narrative.
/// </summary>
public static partial class FigureParser
{
    // A sign is kept, never dropped: 「利用者数:-303人」 is −303 (and the report check says a count cannot be that).
    // ▲ is the minus of Japanese accounts.
    const string Prefix = @"(?<prefix>(?:合計|計|延べ|約)*)(?<sign>[-−－▲])?";
    const string Number = @"(?<num>[0-9０-９]{1,3}(?:[,，][0-9０-９]{3})+(?:[.．][0-9０-９]+)?|[0-9０-９]+(?:[.．][0-9０-９]+)?)";
    // Longer units first, so 千円 is not read as 千 + 円 and か所 is not cut short.
    internal const string UnitWords = "か所|ヶ所|カ所|箇所|世帯|千円|万円|円|人|名|件|回|%|％|校|施設|団体|冊|部";
    const string Unit = $"(?<unit>{UnitWords})";
    const string Space = @"[\s\u3000]";

    [GeneratedRegex($@"(?<=^|{Space})(?<label>[^\s\u3000:：]+?)(?<sep>{Space}*[:：]{Space}*|{Space}+){Prefix}{Number}{Unit}?(?<done>実施)?(?={Space}|$)")]
    private static partial Regex ItemPattern();

    [GeneratedRegex($@"(?<![0-9０-９.,，．第]){Prefix}{Number}{Unit}(?<done>実施)?")]
    private static partial Regex NarrativeFigurePattern();

    /// <summary>True where the text begins with a label:value item (「対応件数:73,119件 …」).</summary>
    public static bool StartsWithItem(string text) => ItemPattern().Match(text) is { Success: true, Index: 0 };

    public static ParsedResults Parse(string text)
    {
        var figures = new List<Figure>();
        var narrative = new StringBuilder();
        var covered = new bool[text.Length];

        foreach (Match item in ItemPattern().Matches(text))
        {
            var unit = NormalizeUnit(item.Groups["unit"]);
            // "label 123" without a colon is an item only with a unit; otherwise it is just a number in a sentence.
            if (unit is null && !item.Groups["sep"].Value.Contains(':') && !item.Groups["sep"].Value.Contains('：'))
            {
                continue;
            }
            figures.Add(ToFigure(item.Groups["label"].Value, item, unit, inNarrative: false));
            Array.Fill(covered, true, item.Index, item.Length);
        }

        foreach (Match m in NarrativeFigurePattern().Matches(text))
        {
            if (covered[m.Index])
            {
                continue;
            }
            figures.Add(ToFigure(NarrativeLabel(text, m), m, NormalizeUnit(m.Groups["unit"]), inNarrative: true));
        }

        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || covered[i])
            {
                if (i > start)
                {
                    AppendNarrative(narrative, text[start..i]);
                }
                start = i + 1;
            }
        }

        figures.Sort((a, b) => a.Index.CompareTo(b.Index));
        return new ParsedResults(figures, narrative.ToString());
    }

    static void AppendNarrative(StringBuilder narrative, string part)
    {
        var trimmed = part.Trim(' ', '\u3000', '\t', '\r', '\n');
        if (trimmed.Length == 0)
        {
            return;
        }
        if (narrative.Length > 0)
        {
            narrative.Append(' ');
        }
        narrative.Append(trimmed);
    }

    static Figure ToFigure(string label, Match m, string? unit, bool inNarrative)
    {
        var prefix = m.Groups["prefix"].Value;
        var number = m.Groups["num"].Value.Normalize(NormalizationForm.FormKC).Replace(",", "");
        var value = decimal.Parse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture) * (m.Groups["sign"].Success ? -1 : 1);
        var total = prefix.Contains("延べ") || label.StartsWith("延べ", StringComparison.Ordinal);
        var numberGroup = m.Groups["num"];
        return new Figure(label, value, unit, prefix.Contains('約'), CountingBasisText.Infer(unit, total), m.Value, m.Index, inNarrative,
            numberGroup.Index, numberGroup.Length);
    }

    static string? NormalizeUnit(Group unit) => !unit.Success ? null : unit.Value == "％" ? "%" : unit.Value;

    /// <summary>
    /// Labels a figure inside a sentence: the word before a bracket (「配布(1回)」 → 配布), else the word after の
    /// (「88名 のスクールカウンセラーを配置」 → スクールカウンセラー), else the word right before the number.
    /// </summary>
    static string NarrativeLabel(string text, Match m)
    {
        var before = m.Index - 1;
        if (before >= 0 && text[before] is '(' or '（')
        {
            return WordEndingAt(text, before - 1);
        }
        var after = m.Index + m.Length;
        while (after < text.Length && JapaneseText.IsSpace(text[after]))
        {
            after++;
        }
        if (after < text.Length && text[after] == 'の')
        {
            var word = WordStartingAt(text, after + 1);
            if (word.Length > 0)
            {
                return word;
            }
        }
        return WordEndingAt(text, before);
    }

    // A "word" here is a run of kanji, katakana and Latin letters: hiragana mostly marks particles and endings.
    static bool IsWordChar(char c) =>
        (JapaneseText.IsCjkLetter(c) && c is not (>= '\u3041' and <= '\u309F')) || char.IsAsciiLetter(c);

    static string WordEndingAt(string text, int end)
    {
        var start = end;
        while (start >= 0 && IsWordChar(text[start]))
        {
            start--;
        }
        return text[(start + 1)..(end + 1)];
    }

    static string WordStartingAt(string text, int start)
    {
        var end = start;
        while (end < text.Length && IsWordChar(text[end]))
        {
            end++;
        }
        return text[start..end];
    }
}
