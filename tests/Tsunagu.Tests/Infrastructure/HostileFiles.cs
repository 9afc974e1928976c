using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Tsunagu.Tests.Infrastructure;

/// <summary>
/// Files made to hurt a reader: written part by part, so each is exactly the hostile thing it is named after.
/// Kept as code, not as binary fixtures, so what each one is can be read here.
/// </summary>
public static class HostileFiles
{
    const string Header = "氏名,ふりがな,生年月日";

    static readonly string ContentTypes = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
          <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
          <Default Extension="xml" ContentType="application/xml"/>
          <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
          <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
          <Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
          <Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
        </Types>
        """;

    const string RootRels = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
          <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
        </Relationships>
        """;

    static string Workbook(string firstSheetState = "visible") => $"""
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
          <sheets><sheet name="旧データ" sheetId="1" state="{firstSheetState}" r:id="rId1"/><sheet name="記録" sheetId="2" r:id="rId2"/></sheets>
        </workbook>
        """;

    const string WorkbookRels = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
          <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
          <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>
          <Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
        </Relationships>
        """;

    static string Sheet(string rows) =>
        $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>""";

    static string InlineRow(int r, params string[] cells) =>
        $"""<row r="{r}">{string.Concat(cells.Select((c, i) => $"""<c r="{(char)('A' + i)}{r}" t="inlineStr"><is><t>{c}</t></is></c>"""))}</row>""";

    static readonly string GoodRows = InlineRow(1, "氏名", "ふりがな", "生年月日") + InlineRow(2, "山田 一郎", "やまだ いちろう", "2010-04-01");

    /// <summary>A workbook of the given parts; a part given as a writer is streamed (for the large ones).</summary>
    static void Zip(string path, IReadOnlyDictionary<string, object> parts)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, content) in parts)
        {
            using var stream = zip.CreateEntry(name, CompressionLevel.SmallestSize).Open();
            if (content is string text)
            {
                stream.Write(Encoding.UTF8.GetBytes(text));
            }
            else
            {
                ((Action<Stream>)content)(stream);
            }
        }
    }

    static Dictionary<string, object> Book(object sheet1, object? sheet2 = null, string state = "visible", object? sharedStrings = null)
    {
        var parts = new Dictionary<string, object>
        {
            ["[Content_Types].xml"] = ContentTypes,
            ["_rels/.rels"] = RootRels,
            ["xl/workbook.xml"] = Workbook(state),
            ["xl/_rels/workbook.xml.rels"] = WorkbookRels,
            ["xl/worksheets/sheet1.xml"] = sheet1,
            ["xl/worksheets/sheet2.xml"] = sheet2 ?? Sheet(GoodRows),
        };
        parts["xl/sharedStrings.xml"] = sharedStrings ?? """<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>""";
        return parts;
    }

    static Action<Stream> Repeated(string head, string unit, long bytes, string tail) => stream =>
    {
        stream.Write(Encoding.UTF8.GetBytes(head));
        var block = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(unit, 64 * 1024 / unit.Length)));
        for (long written = 0; written < bytes; written += block.Length)
        {
            stream.Write(block);
        }
        stream.Write(Encoding.UTF8.GetBytes(tail));
    };

    /// <summary>A workbook whose first sheet has these rows (inline strings; a cell given as "=…" is a formula with a cached value).</summary>
    public static void Workbook(string path, params string[][] rows) => Zip(path, Book(Sheet(string.Concat(rows.Select((cells, i) =>
        $"<row r=\"{i + 1}\">" + string.Concat(cells.Select((c, j) => c.StartsWith('=')
            ? $"<c r=\"{(char)('A' + j)}{i + 1}\" t=\"str\"><f>{System.Security.SecurityElement.Escape(c[1..])}</f><v>x</v></c>"
            : $"<c r=\"{(char)('A' + j)}{i + 1}\" t=\"inlineStr\"><is><t>{c}</t></is></c>")) + "</row>")))));

    /// <summary>Each hostile file (or only the one named), by name, with the words its refusal must contain.</summary>
    public static IReadOnlyList<(string Name, string Refusal)> WriteAll(string folder, string? only = null)
    {
        var files = new List<(string, string)>();
        void Add(string name, string refusal, Action<string> write)
        {
            if (only is not null && name != only)
            {
                return;
            }
            write(Path.Combine(folder, name));
            files.Add((name, refusal));
        }

        Add("column-2-31.xlsx", "列が多すぎます（上限 256 列）", p => Zip(p, Book(Sheet("""<row r="1"><c r="FXSHRXX1" t="inlineStr"><is><t>x</t></is></c></row>"""))));
        Add("shared-strings-1gb.xlsx", "sharedStrings.xml）が大きすぎます", p => Zip(p, Book(Sheet(GoodRows), sharedStrings:
            Repeated("""<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">""", "<si><t>あ</t></si>", 80L * 1024 * 1024, "</sst>"))));
        Add("blank-rows.xlsx", "圧縮率が異常です", p => Zip(p, Book(
            Repeated("""<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>""", "<row/>", 32L * 1024 * 1024, "</sheetData></worksheet>"))));
        Add("renamed.xlsx", "Word の文書です", p => Zip(p, new Dictionary<string, object>
        {
            ["[Content_Types].xml"] = ContentTypes,
            ["_rels/.rels"] = RootRels,
            ["word/document.xml"] = "<w:document/>",
        }));
        Add("malformed-xml.xlsx", "Excel ファイルとして読めません", p => Zip(p, Book("""<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>氏名""")));
        Add("missing-part.xlsx", "Excel ファイルとして読めません", p =>
        {
            var parts = Book(Sheet(GoodRows));
            parts.Remove("xl/worksheets/sheet1.xml");
            Zip(p, parts);
        });
        Add("not-a-zip.xlsx", "Excel ファイルとして読めません", p => File.WriteAllBytes(p, [.. "PK\u0003\u0004"u8, .. new byte[100]]));
        Add("hidden-first-sheet.xlsx", "最初のシート「旧データ」が非表示です", p => Zip(p, Book(Sheet(GoodRows), state: "hidden")));
        Add("formula.xlsx", "数式のセルです", p => Zip(p, Book(Sheet(
            InlineRow(1, "氏名", "ふりがな", "生年月日") + """<row r="2"><c r="A2" t="inlineStr"><is><t>山田 一郎</t></is></c><c r="B2" t="inlineStr"><is><t>やまだ いちろう</t></is></c><c r="C2"><f>DATE(2010,4,1)</f><v>40269</v></c></row>"""))));
        Add("too-many-columns.csv", "列が多すぎます（上限 256 列）", p => File.WriteAllText(p, Header + new string(',', 300) + "\r\n", new UTF8Encoding(false)));
        Add("nul-after-64k.csv", "使えない文字（U+0000）", p =>
        {
            var rows = new StringBuilder(Header + ",記録日,本人・家族の話\r\n");
            for (var i = 0; Encoding.UTF8.GetByteCount(rows.ToString()) < 70 * 1024; i++)
            {
                rows.Append(CultureInfo.InvariantCulture, $"山田 {i}郎,やまだ {i}ろう,2010-04-01,2024-06-01,ふつうの記録\r\n");
            }
            rows.Append("山田 末郎,やまだ すえろう,2010-04-01,2024-06-01,ここに\0NUL\r\n");
            File.WriteAllText(p, rows.ToString(), new UTF8Encoding(false));
        });
        Add("short-rows.csv", "生年月日: 空です。", p => File.WriteAllText(p, Header + "\r\n山田 一郎,やまだ いちろう\r\n", new UTF8Encoding(false)));
        return files;
    }
}
