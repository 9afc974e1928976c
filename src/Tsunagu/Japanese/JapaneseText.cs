using System.Text;

namespace Tsunagu.Japanese;

/// <summary>Small text rules for Japanese office documents.</summary>
public static class JapaneseText
{
    /// <summary>Kanji, hiragana and katakana (with ー and 々), not punctuation such as ・ or 、.</summary>
    public static bool IsCjkLetter(char c) =>
        c is (>= '\u4E00' and <= '\u9FFF') or (>= '\u3400' and <= '\u4DBF') or (>= '\uF900' and <= '\uFAFF')
            or (>= '\u3041' and <= '\u309F') or (>= '\u30A1' and <= '\u30FA') or '\u30FC' or '\u3005' or '\u3006'
            || char.IsSurrogate(c); // CJK extension B and beyond (𠮷) are outside the BMP

    public static bool IsSpace(char c) => c is ' ' or '\u3000' or '\t';

    /// <summary>
    /// The key a reading is searched by: NFKC (half-width kana and full-width letters folded), katakana as
    /// hiragana, without spaces. Only for matching; the reading itself is kept as entered.
    /// </summary>
    public static string KanaKey(string kana) => string.Concat(Hiragana(kana).Where(c => !char.IsWhiteSpace(c)));

    /// <summary>
    /// A reading as the screens show it: in hiragana, whatever script it was typed in (half-width and full-width
    /// katakana folded), its spaces kept. The stored reading stays as typed; this is only how it reads.
    /// </summary>
    public static string Hiragana(string kana)
    {
        var folded = kana.Normalize(NormalizationForm.FormKC);
        var shown = new StringBuilder(folded.Length);
        foreach (var c in folded)
        {
            shown.Append(c is >= '\u30A1' and <= '\u30F6' ? (char)(c - 0x60) : c);
        }
        return shown.ToString();
    }

    /// <summary>
    /// The key a program name is matched by: NFKC (full-width letters, digits and brackets folded) and without
    /// the spaces that PDF extraction leaves where a line wrapped, i.e. any space next to a non-ASCII character.
    /// </summary>
    public static string MatchKey(string text)
    {
        var normalized = text.Normalize(NormalizationForm.FormKC).Trim();
        var key = new StringBuilder(normalized.Length);
        for (var i = 0; i < normalized.Length; i++)
        {
            var c = normalized[i];
            if (char.IsWhiteSpace(c))
            {
                var end = i;
                while (end < normalized.Length && char.IsWhiteSpace(normalized[end]))
                {
                    end++;
                }
                var before = normalized[i - 1];
                var after = normalized[end];
                if (before < 0x80 && after < 0x80)
                {
                    key.Append(' ');
                }
                i = end - 1;
                continue;
            }
            key.Append(c);
        }
        return key.ToString();
    }

    /// <summary>
    /// The text without the spaces PDF extraction leaves between two Japanese characters (「事 業」 → 「事業」,
    /// 「事業・ 就業」 → 「事業・就業」); a space next to ASCII (「こども若者局 (各区役所)」) stays.
    /// </summary>
    public static string FoldWrapSpaces(string text)
    {
        var folded = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (IsSpace(text[i]) && i > 0 && text[i - 1] >= 0x80)
            {
                var end = i;
                while (end < text.Length && IsSpace(text[end]))
                {
                    end++;
                }
                if (end < text.Length && text[end] >= 0x80)
                {
                    i = end - 1;
                    continue;
                }
            }
            folded.Append(text[i]);
        }
        return folded.ToString().Trim();
    }

    /// <summary>A short excerpt around a position, for findings: 「…への 配布(1…」.</summary>
    public static string Excerpt(string text, int index, int length, int context = 8)
    {
        var start = Math.Max(0, index - context);
        var end = Math.Min(text.Length, index + length + context);
        // Never cut a surrogate pair in half.
        if (start > 0 && char.IsLowSurrogate(text[start]))
        {
            start--;
        }
        if (end < text.Length && char.IsLowSurrogate(text[end]))
        {
            end++;
        }
        return (start > 0 ? "…" : "") + text[start..end] + (end < text.Length ? "…" : "");
    }
}
