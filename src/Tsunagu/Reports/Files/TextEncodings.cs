using System.Text;

namespace Tsunagu.Reports.Files;

/// <summary>The encodings staff files come in: UTF-8 (with or without BOM), CP932 (Shift_JIS), and UTF-16 from Excel's "Unicode text".</summary>
public static class TextEncodings
{
    /// <summary>Strict: an invalid byte is an error, never a silent replacement character.</summary>
    public static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static readonly Encoding Utf8WithBom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true, throwOnInvalidBytes: true);

    /// <summary>Strict both ways: writing a character CP932 lacks throws instead of writing '?'.</summary>
    public static Encoding Cp932 { get; } = CreateCp932();

    static Encoding CreateCp932()
    {
        // .NET carries the code-page tables but only hands them out once the provider is registered.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(932, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
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

    /// <summary>The characters of a text that CP932 cannot hold (each once, in order of appearance).</summary>
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
            Cp932.GetByteCount(element);
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
