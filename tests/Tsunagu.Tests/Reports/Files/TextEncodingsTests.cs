using System.Text;
using Tsunagu.Reports.Files;

namespace Tsunagu.Tests.Reports.Files;

public class TextEncodingsTests
{
    const string Sample = "事業名\t実績\n学習・生活サポート事業\t利用者数:303人\n髙橋さん\n";

    [Fact]
    public void Detect_Utf8WithoutBom_IsUtf8() =>
        Assert.Equal(65001, TextEncodings.Detect(Encoding.UTF8.GetBytes(Sample), complete: true)!.CodePage);

    [Fact]
    public void Detect_Utf8WithBom_IsUtf8() =>
        Assert.Equal(65001, TextEncodings.Detect([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Sample)], complete: true)!.CodePage);

    [Fact]
    public void Detect_Cp932_IsCp932() =>
        Assert.Equal(932, TextEncodings.Detect(TextEncodings.Cp932.GetBytes(Sample), complete: true)!.CodePage);

    [Fact]
    public void Detect_Utf16WithBom_IsUtf16() =>
        Assert.Equal(1200, TextEncodings.Detect(new UnicodeEncoding(false, true).GetPreamble().Concat(Encoding.Unicode.GetBytes(Sample)).ToArray(), complete: true)!.CodePage);

    [Fact]
    public void Detect_SampleCutInsideACharacter_IsStillUtf8()
    {
        var bytes = Encoding.UTF8.GetBytes(Sample);
        // The sample ends one byte into the three bytes of 「事」: only a complete file would make that an error.
        var cut = bytes[..(Encoding.UTF8.GetByteCount("事業名\t実績\n") + 1)];
        Assert.Equal(65001, TextEncodings.Detect(cut, complete: false)!.CodePage);
        Assert.NotEqual(65001, TextEncodings.Detect(cut, complete: true)?.CodePage);
    }

    [Fact]
    public void NotInCp932_ListsEachMissingCharacterOnce_ButNotTheOnesWrittenAsTheirWindowsCounterparts()
    {
        // 〜 is written as ～ (the same Shift_JIS code); 髙 and ① are in CP932's vendor rows.
        Assert.Equal(["𠮷", "ḿ"], TextEncodings.NotInCp932("𠮷野家の𠮷田さん〜髙橋さん～①ḿḿ"));
        Assert.Equal("「𠮷」(U+20BB7)", TextEncodings.Describe("𠮷"));
    }

    [Fact]
    public void PlatformDependent_FindsCharactersOfCp932sVendorRowsOnly()
    {
        Assert.Equal(['①', '㈱', 'Ⅲ', '髙', '﨑'], TextEncodings.PlatformDependent("①番 ㈱つなぐ Ⅲ期 髙橋 山﨑 ～ 高橋 (1) （株）"));
    }
}
