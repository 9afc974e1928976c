namespace Tsunagu.Demo;

/// <summary>
/// Names for invented people: common surnames of the region (with the variant kanji real registers hold, 髙 and 﨑)
/// and given names put together from two parts, so that a large city rarely repeats a name and a birth date.
/// </summary>
public static class DemoNames
{
    public static readonly (string Name, string Kana)[] Surnames =
    [
        ("佐藤", "さとう"), ("鈴木", "すずき"), ("高橋", "たかはし"), ("髙橋", "たかはし"), ("田中", "たなか"), ("伊藤", "いとう"),
        ("渡辺", "わたなべ"), ("渡邉", "わたなべ"), ("山本", "やまもと"), ("中村", "なかむら"), ("小林", "こばやし"), ("加藤", "かとう"),
        ("吉田", "よしだ"), ("山田", "やまだ"), ("佐々木", "ささき"), ("山口", "やまぐち"), ("松本", "まつもと"), ("井上", "いのうえ"),
        ("木村", "きむら"), ("林", "はやし"), ("斎藤", "さいとう"), ("齋藤", "さいとう"), ("清水", "しみず"), ("阿部", "あべ"),
        ("千葉", "ちば"), ("菅原", "すがわら"), ("及川", "おいかわ"), ("遠藤", "えんどう"), ("大友", "おおとも"), ("庄司", "しょうじ"),
        ("熊谷", "くまがい"), ("小野寺", "おのでら"), ("今野", "こんの"), ("菊地", "きくち"), ("武田", "たけだ"), ("﨑山", "さきやま"),
    ];

    // Given names are put together from a first and a second part, so that a million people rarely share a name
    // and a birth date (the importer would rightly take two such rows for one person).
    public static readonly (string Name, string Kana)[] FirstParts =
    [
        ("陽", "はる"), ("結", "ゆ"), ("悠", "ゆう"), ("蒼", "そう"), ("湊", "みなと"), ("颯", "そう"), ("美", "み"), ("心", "こ"),
        ("琴", "こと"), ("大", "だい"), ("智", "とも"), ("優", "ゆう"), ("翔", "しょう"), ("奏", "かな"), ("凛", "りん"), ("𠮷", "よし"),
        ("千", "ち"), ("健", "けん"), ("真", "ま"), ("恵", "めぐ"),
    ];

    public static readonly (string Name, string Kana)[] SecondParts =
    [
        ("斗", "と"), ("太", "た"), ("真", "ま"), ("菜", "な"), ("衣", "い"), ("音", "ね"), ("花", "か"), ("人", "と"),
        ("希", "き"), ("生", "き"), ("也", "や"), ("子", "こ"), ("実", "み"), ("輔", "すけ"), ("郎", "ろう"),
    ];

    public static (string Name, string Kana) Draw(Random random)
    {
        var surname = Surnames[random.Next(Surnames.Length)];
        var first = FirstParts[random.Next(FirstParts.Length)];
        var second = SecondParts[random.Next(SecondParts.Length)];
        return ($"{surname.Name} {first.Name}{second.Name}", $"{surname.Kana} {first.Kana}{second.Kana}");
    }
}
