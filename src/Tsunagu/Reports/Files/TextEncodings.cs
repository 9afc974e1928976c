using System.Text;

namespace Tsunagu.Reports.Files;

/// <summary>The encodings staff files come in: UTF-8 (with or without BOM), CP932 (Shift_JIS), and UTF-16 from Excel's "Unicode text".</summary>
public static class TextEncodings
{
    /// <summary>Strict: an invalid byte is an error, never a silent replacement character.</summary>
    public static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static readonly Encoding Utf8WithBom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true, throwOnInvalidBytes: true);

    /// <summary>Strict both ways: writing a character CP932 lacks throws instead of writing '?'.</summary>
    public static Encoding Cp932 { get; } = CreateCp932(EncoderFallback.ExceptionFallback);

    /// <summary>
    /// For writing: the characters a Mac, a PDF or a JIS-mapped converter gives for 〜 − ‖ ¬ — ¢ £ are written as the
    /// Windows characters Excel shows for them; anything else CP932 lacks still throws.
    /// </summary>
    public static Encoding Cp932Writing { get; } = CreateCp932(new WindowsCounterpartFallback());

    static Encoding CreateCp932(EncoderFallback fallback)
    {
        // .NET carries the code-page tables but only hands them out once the provider is registered.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(932, fallback, DecoderFallback.ExceptionFallback);
    }

    /// <summary>
    /// JIS X 0208's characters as Unicode's JIS mapping (and macOS) gives them, and what Microsoft's CP932 mapping has in
    /// their place: the same code in Shift_JIS, so a Windows reader sees the character the writer meant.
    /// </summary>
    public static readonly IReadOnlyDictionary<char, char> WindowsCounterparts = new Dictionary<char, char>
    {
        ['\u301C'] = '\uFF5E', // 〜 WAVE DASH → ～ FULLWIDTH TILDE
        ['\u2212'] = '\uFF0D', // − MINUS SIGN → － FULLWIDTH HYPHEN-MINUS
        ['\u2016'] = '\u2225', // ‖ DOUBLE VERTICAL LINE → ∥ PARALLEL TO
        ['\u00AC'] = '\uFFE2', // ¬ NOT SIGN → ￢ FULLWIDTH NOT SIGN
        ['\u2014'] = '\u2015', // — EM DASH → ― HORIZONTAL BAR
        ['\u00A2'] = '\uFFE0', // ¢ CENT SIGN → ￠
        ['\u00A3'] = '\uFFE1', // £ POUND SIGN → ￡
    };

    sealed class WindowsCounterpartFallback : EncoderFallback
    {
        public override int MaxCharCount => 1;

        public override EncoderFallbackBuffer CreateFallbackBuffer() => new Buffer();

        sealed class Buffer : EncoderFallbackBuffer
        {
            char replacement;
            bool pending;

            public override bool Fallback(char charUnknown, int index)
            {
                if (!WindowsCounterparts.TryGetValue(charUnknown, out replacement))
                {
                    throw new EncoderFallbackException($"CP932 has no character for U+{(int)charUnknown:X4} (index {index}).");
                }
                pending = true;
                return true;
            }

            public override bool Fallback(char charUnknownHigh, char charUnknownLow, int index) =>
                throw new EncoderFallbackException($"CP932 has no character for U+{char.ConvertToUtf32(charUnknownHigh, charUnknownLow):X4} (index {index}).");

            public override char GetNextChar()
            {
                if (!pending)
                {
                    return '\0';
                }
                pending = false;
                return replacement;
            }

            public override bool MovePrevious() => false;

            public override int Remaining => pending ? 1 : 0;

            public override void Reset() => pending = false;
        }
    }

    /// <summary>
    /// 機種依存文字: characters CP932 holds only in its vendor rows (NEC's row 13 — ① Ⅰ ㈱ ㍉ — and the NEC- and IBM-
    /// selected kanji — 髙 﨑), which JIS X 0208, a Mac's Shift_JIS or a mail in ISO-2022-JP shows as something else or not at all.
    /// </summary>
    public static IEnumerable<char> PlatformDependent(string text)
    {
        var bytes = new byte[4];
        var seen = new HashSet<char>();
        foreach (var c in text)
        {
            if (c < 0x80 || char.IsSurrogate(c) || !seen.Add(c))
            {
                continue;
            }
            int written;
            try
            {
                written = Cp932.GetBytes([c], 0, 1, bytes, 0);
            }
            catch (EncoderFallbackException)
            {
                continue;
            }
            if (written == 2 && bytes[0] is 0x87 or 0xED or 0xEE or 0xFA or 0xFB or 0xFC)
            {
                yield return c;
            }
        }
    }

    /// <summary>Decides from the first bytes: a BOM if there is one, else UTF-8 if they are valid UTF-8, else CP932.</summary>
    public static Encoding? Detect(ReadOnlySpan<byte> head, bool complete)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return Utf8;
        }
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return new UnicodeEncoding(bigEndian: false, byteOrderMark: true, throwOnInvalidBytes: true);
        }
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return new UnicodeEncoding(bigEndian: true, byteOrderMark: true, throwOnInvalidBytes: true);
        }
        if (Decodes(Utf8, head, complete))
        {
            return Utf8;
        }
        return Decodes(Cp932, head, complete) ? Cp932 : null;
    }

    static bool Decodes(Encoding encoding, ReadOnlySpan<byte> bytes, bool complete)
    {
        try
        {
            // flush: false lets a character cut at the end of the sample pass; the full read checks it later.
            var decoder = encoding.GetDecoder();
            Span<char> chars = new char[encoding.GetMaxCharCount(bytes.Length)];
            decoder.GetChars(bytes, chars, flush: complete);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>The characters of a text that CP932 cannot hold, even as a Windows counterpart (each once, in order of appearance).</summary>
    public static IEnumerable<string> NotInCp932(string text)
    {
        var seen = new HashSet<string>();
        var enumerator = System.Globalization.StringInfo.GetTextElementEnumerator(text);
        while (enumerator.MoveNext())
        {
            var element = enumerator.GetTextElement();
            if (!CanEncode(element) && seen.Add(element))
            {
                yield return element;
            }
        }
    }

    static bool CanEncode(string element)
    {
        try
        {
            Cp932Writing.GetByteCount(element);
            return true;
        }
        catch (EncoderFallbackException)
        {
            return false;
        }
    }

    public static string Describe(string element) =>
        $"「{element}」({string.Join(" ", element.EnumerateRunes().Select(r => $"U+{r.Value:X4}"))})";
}
