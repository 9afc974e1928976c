using System.Text;

namespace Tsunagu.Japanese;

/// <summary>
/// 異体字: the variant forms of kanji that the same family's name is written in on different documents (髙橋 on the
/// 住民票, 高橋 on a school roll). Only for finding likely duplicates: a name is always stored and shown as given.
/// The list is the variants common in Japanese surnames and given names (the 戸籍統一文字 pairs staff meet most), each
/// folded to its everyday form; the compatibility ideographs are folded by NFKC before it.
/// </summary>
public static class NameVariants
{
    // Each entry: the everyday form, then its variants.
    static readonly string[] Groups =
    [
        "高髙", "崎﨑嵜碕", "吉𠮷", "斉齋齊斎", "辺邊邉", "沢澤", "浜濱濵", "島嶋嶌", "広廣", "桜櫻", "徳德悳", "瀬瀨", "槙槇",
        "富冨", "薮藪", "竜龍", "国國", "真眞", "恵惠", "栄榮", "弥彌", "寿壽", "実實", "与與", "児兒", "浅淺", "関關",
        "鉄鐵", "増增", "曽曾", "荘莊", "伝傳", "蔵藏", "会會", "亜亞", "来來", "礼禮", "万萬", "黒黑", "円圓", "条條",
        "将將", "静靜", "晋晉", "館舘", "穂穗", "淵渕", "峰峯", "柳栁", "桧檜", "郎郞", "恒恆", "巌巖", "凛凜", "桑桒",
        "芦蘆", "鴎鷗", "杉椙", "渓溪",
    ];

    static readonly Dictionary<int, int> ToEveryday = Build();

    static Dictionary<int, int> Build()
    {
        var map = new Dictionary<int, int>();
        foreach (var group in Groups)
        {
            var runes = group.Normalize(NormalizationForm.FormKC).EnumerateRunes().Select(r => r.Value).ToList();
            foreach (var variant in runes.Skip(1).Where(v => v != runes[0]))
            {
                map[variant] = runes[0];
            }
        }
        return map;
    }

    /// <summary>
    /// The key two names are compared by: NFKC, variants folded to the everyday form, without spaces (「髙橋　𠮷子」 and
    /// 「高橋吉子」 have the same key).
    /// </summary>
    public static string Key(string name)
    {
        var key = new StringBuilder(name.Length);
        foreach (var rune in name.Normalize(NormalizationForm.FormKC).EnumerateRunes())
        {
            if (!Rune.IsWhiteSpace(rune))
            {
                key.Append(char.ConvertFromUtf32(ToEveryday.GetValueOrDefault(rune.Value, rune.Value)));
            }
        }
        return key.ToString();
    }
}
