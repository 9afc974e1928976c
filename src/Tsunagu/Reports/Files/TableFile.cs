using System.Globalization;
using System.IO.Compression;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;


namespace Tsunagu.Reports.Files;

/// <summary>A record of a table file: its line (the row number in a spreadsheet) and its fields.</summary>
/// <param name="Formulas">The columns whose cell is a formula (its last computed value is in Fields): a spreadsheet's only.</param>
public sealed record TableRecord(int Line, IReadOnlyList<string> Fields, IReadOnlyList<int>? Formulas = null)
{
    public bool IsBlank => Fields.All(f => f.Length == 0);

    /// <summary>Where a heading stands in this (header) record, matched as program names are (full-width, spaces); -1 if absent.</summary>
    public int ColumnOf(string heading) => Fields.Select(Japanese.JapaneseText.MatchKey).ToList().IndexOf(Japanese.JapaneseText.MatchKey(heading));
}

public enum TableFormat { Tsv, Csv, Xlsx }

/// <summary>Where in a file something is wrong, and what. Never quotes cell contents: they may hold personal data.</summary>
public sealed record FileError(string File, int? Line, string? Column, string Message)
{
    public override string ToString()
    {
        var at = new StringBuilder(File);
        if (Line is { } line)
        {
            at.Append(CultureInfo.InvariantCulture, $" {line}行目");
        }
        if (Column is { } column)
        {
            at.Append(CultureInfo.InvariantCulture, $" {column}列");
        }
        return $"{at}: {Message}";
    }
}

public sealed class FileErrorException(FileError error) : RefusalException(RefusalKind.Invalid, error.ToString())
{
    public FileError Error { get; } = error;
}

/// <summary>
/// What reading a table file may cost, checked before and while it is read, so that a hostile file (a 1.6 KB xlsx
/// with a cell at column 2³¹, shared strings that inflate to a gigabyte, a gigabyte of blank rows) is refused with
/// the limit it broke instead of costing the server gigabytes or minutes. Real files are far inside: the city's
/// annual table has 11 columns and 73 rows; a program's records a few thousand rows of 21 columns.
/// </summary>
public static class FileLimits
{
    /// <summary>An upload through the pages; larger files (a whole migration) go through `records import` on the server.</summary>
    public const int MaxUploadBytes = 50 * 1024 * 1024;

    public const int MaxColumns = 256;

    /// <summary>Excel's own limit; text files the same, so both formats accept and refuse alike.</summary>
    public const int MaxRows = 1_048_576;

    public const int MaxParts = 1_000;
    public const long MaxSheetBytes = 512L * 1024 * 1024;
    public const long MaxSharedStringsBytes = 64L * 1024 * 1024;

    /// <summary>Sheet XML compresses about 10:1; a part that claims more than this is a zip bomb.</summary>
    public const int MaxCompressionRatio = 200;
}

/// <summary>
/// Reads .tsv, .csv and .xlsx as a stream of records. Text files: encoding detected (BOM, UTF-8, CP932), CRLF or
/// LF, RFC 4180 quoting through CsvHelper. Spreadsheets: the first sheet through the Open XML SDK's forward reader.
/// </summary>
public sealed class TableFile
{
    public string Path { get; }
    public string Name { get; }
    public TableFormat Format { get; }

    TableFile(string path, TableFormat format)
    {
        Path = path;
        Name = System.IO.Path.GetFileName(path);
        Format = format;
    }

    public static TableFile Open(string path)
    {
        var name = System.IO.Path.GetFileName(path);
        if (!File.Exists(path))
        {
            throw new FileErrorException(new FileError(name, null, null, "ファイルが見つかりません。"));
        }
        Span<byte> magic = stackalloc byte[4];
        int read;
        try
        {
            using var stream = File.OpenRead(path);
            read = stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new FileErrorException(new FileError(name, null, null, "ファイルを読めません（読み取りの権限がないか、ほかのプログラムが使用中です）。"));
        }
        var extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
        // Content first: an .xlsx saved under another name is still a spreadsheet, a PDF is never a table.
        if (read == 4 && magic.SequenceEqual("PK\u0003\u0004"u8))
        {
            CheckPackage(path, name);
            return new TableFile(path, TableFormat.Xlsx);
        }
        if (read == 4 && magic.SequenceEqual("%PDF"u8))
        {
            throw new FileErrorException(new FileError(name, null, null,
                "PDF は表として読めません。Excel（.xlsx）か CSV・TSV で保存したファイルを指定してください。"));
        }
        return extension switch
        {
            ".csv" => new TableFile(path, TableFormat.Csv),
            ".tsv" or ".txt" or ".tab" => new TableFile(path, TableFormat.Tsv),
            ".xlsx" => throw new FileErrorException(new FileError(name, null, null, "Excel ファイルとして読めません（壊れているか、別の形式です）。")),
            _ => throw new FileErrorException(new FileError(name, null, null,
                $"対応していない形式です（{extension}）。.xlsx、.csv、.tsv のいずれかを指定してください。")),
        };
    }

    /// <summary>
    /// Looks at the zip's directory before anything is inflated: a Word file renamed .xlsx, too many parts, or a part
    /// that would inflate past its limit is refused in one line naming the file.
    /// </summary>
    static void CheckPackage(string path, string name)
    {
        FileErrorException Refuse(string message) => new(new FileError(name, null, null, message));
        try
        {
            using var zip = ZipFile.OpenRead(path);
            if (zip.Entries.Count > FileLimits.MaxParts)
            {
                throw Refuse($"Excel ファイルの部品が多すぎます（上限 {FileLimits.MaxParts:#,0}）。");
            }
            if (zip.GetEntry("xl/workbook.xml") is null)
            {
                throw Refuse(zip.GetEntry("word/document.xml") is not null
                    ? "Word の文書です。Excel（.xlsx）か CSV・TSV で保存したファイルを指定してください。"
                    : "Excel ブックではありません（xl/workbook.xml がありません）。");
            }
            foreach (var entry in zip.Entries)
            {
                var limit = entry.FullName.EndsWith("sharedStrings.xml", StringComparison.OrdinalIgnoreCase)
                    ? FileLimits.MaxSharedStringsBytes
                    : FileLimits.MaxSheetBytes;
                if (entry.Length > limit)
                {
                    throw Refuse($"Excel ファイルの中身（{entry.FullName}）が大きすぎます（展開すると {entry.Length / 1024 / 1024:#,0} MB、上限 {limit / 1024 / 1024:#,0} MB）。");
                }
                if (entry.Length > 1024 * 1024 && entry.Length > entry.CompressedLength * FileLimits.MaxCompressionRatio)
                {
                    throw Refuse($"Excel ファイルの中身（{entry.FullName}）の圧縮率が異常です（{entry.Length / Math.Max(1, entry.CompressedLength):#,0} 倍、上限 {FileLimits.MaxCompressionRatio} 倍）。");
                }
            }
        }
        catch (InvalidDataException)
        {
            throw Refuse("Excel ファイルとして読めません（zip が壊れています）。");
        }
    }

    /// <summary>How a column is named in errors: a letter in a spreadsheet, a number in a text file.</summary>
    public string ColumnName(int index) => Format == TableFormat.Xlsx ? ColumnLetter(index) : (index + 1).ToString(CultureInfo.InvariantCulture);

    public static string ColumnLetter(int index)
    {
        var letters = "";
        for (var n = index + 1; n > 0; n = (n - 1) / 26)
        {
            letters = (char)('A' + ((n - 1) % 26)) + letters;
        }
        return letters;
    }

    public FileError Error(int? line, int? column, string message) =>
        new(Name, line, column is { } c ? ColumnName(c) : null, message);

    public IEnumerable<TableRecord> ReadRecords() => Format == TableFormat.Xlsx ? ReadSpreadsheet() : ReadText();

    IEnumerable<TableRecord> ReadText()
    {
        using var stream = File.OpenRead(Path);
        var head = new byte[64 * 1024];
        var length = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (Array.IndexOf(head, (byte)0, 0, length) >= 0 && !(length >= 2 && head[0] is 0xFF or 0xFE))
        {
            throw new FileErrorException(Error(null, null, "文字の表ではありません（バイナリのデータが含まれています）。"));
        }
        var encoding = TextEncodings.Detect(head.AsSpan(0, length), complete: length < head.Length)
            ?? throw new FileErrorException(Error(null, null, "文字コードを判別できません。UTF-8 か Shift_JIS（CP932）で保存してください。"));
        stream.Position = 0;
        using var reader = new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: true);
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Delimiter = Format == TableFormat.Csv ? "," : "\t",
            HasHeaderRecord = false,
            IgnoreBlankLines = false,
            DetectDelimiter = false,
            TrimOptions = TrimOptions.None,
            Mode = CsvMode.RFC4180,
            // Tab-separated text from Word or a PDF carries stray quotes inside cells; keep them as written.
            BadDataFound = Format == TableFormat.Csv
                ? args => throw new FileErrorException(Error(args.Context.Parser?.RawRow, null,
                    "引用符（\"）の使い方が CSV の規則（RFC 4180）に合っていません。"))
                : null,
        };
        using var parser = new CsvParser(reader, config);
        while (true)
        {
            string[]? fields;
            int line;
            try
            {
                if (!parser.Read())
                {
                    yield break;
                }
                fields = parser.Record;
                var raw = parser.RawRecord.TrimEnd('\r', '\n');
                line = parser.RawRow - raw.Count(c => c == '\n');
            }
            catch (DecoderFallbackException)
            {
                throw new FileErrorException(Error(LineOfInvalidByte(encoding), null,
                    $"{encoding.WebName} として読めないバイトがあります。文字コードが途中で変わっていないか確認してください。"));
            }
            if (fields?.Length > FileLimits.MaxColumns)
            {
                throw new FileErrorException(Error(line, FileLimits.MaxColumns, $"列が多すぎます（上限 {FileLimits.MaxColumns} 列）。"));
            }
            if (line > FileLimits.MaxRows)
            {
                throw new FileErrorException(Error(line, null, $"行が多すぎます（上限 {FileLimits.MaxRows:#,0} 行）。"));
            }
            yield return new TableRecord(line, fields ?? []);
        }
    }

    /// <summary>
    /// The line of the first byte the encoding cannot read. The reader decodes ahead of the parser, so this is
    /// found by a second pass over the bytes; LF (0x0A) is never part of a multibyte character in UTF-8 or CP932.
    /// </summary>
    int? LineOfInvalidByte(Encoding encoding)
    {
        if (encoding is UnicodeEncoding)
        {
            return null;
        }
        var decoder = encoding.GetDecoder();
        var buffer = new byte[64 * 1024];
        // GetChars, not GetCharCount: only GetChars carries a character cut at the end of a buffer into the next.
        var chars = new char[encoding.GetMaxCharCount(buffer.Length)];
        var line = 1;
        using var stream = File.OpenRead(Path);
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            try
            {
                decoder.GetChars(buffer.AsSpan(0, read), chars, flush: false);
            }
            catch (DecoderFallbackException e)
            {
                return line + buffer.AsSpan(0, Math.Clamp(e.Index, 0, read)).Count((byte)'\n');
            }
            line += buffer.AsSpan(0, read).Count((byte)'\n');
        }
        return null;
    }

    IEnumerable<TableRecord> ReadSpreadsheet()
    {
        SpreadsheetDocument document;
        try
        {
            document = SpreadsheetDocument.Open(Path, isEditable: false);
        }
        catch (Exception e) when (e is OpenXmlPackageException or InvalidDataException or FileFormatException or System.Xml.XmlException or IOException)
        {
            throw new FileErrorException(Error(null, null, "Excel ファイルとして読めません（壊れているか、.xlsx 以外の形式です）。"));
        }
        // The SDK reads each part's XML as it is asked for: malformed XML, a missing or dangling part shows here.
        IEnumerator<TableRecord> rows;
        try
        {
            rows = ReadSheet(document).GetEnumerator();
        }
        catch
        {
            document.Dispose();
            throw;
        }
        using (document)
        using (rows)
        {
            while (true)
            {
                try
                {
                    if (!rows.MoveNext())
                    {
                        yield break;
                    }
                }
                catch (Exception e) when (e is OpenXmlPackageException or InvalidDataException or System.Xml.XmlException or InvalidOperationException
                                              or ArgumentOutOfRangeException or KeyNotFoundException or IOException or FormatException)
                {
                    throw new FileErrorException(Error(null, null, "Excel ファイルとして読めません（シートの XML が壊れているか、部品が欠けています）。"));
                }
                yield return rows.Current;
            }
        }
    }

    IEnumerable<TableRecord> ReadSheet(SpreadsheetDocument document)
    {
        {
            var workbook = document.WorkbookPart
                ?? throw new FileErrorException(Error(null, null, "Excel ブックにシートがありません。"));
            var firstSheet = workbook.Workbook.Sheets?.Elements<Sheet>().FirstOrDefault()
                ?? throw new FileErrorException(Error(null, null, "Excel ブックにシートがありません。"));
            if (firstSheet.State?.Value is { } state && state != SheetStateValues.Visible)
            {
                // What would be read is not what the person who saved the file saw.
                throw new FileErrorException(Error(null, null, $"最初のシート「{firstSheet.Name?.Value}」が非表示です。読み込むシートを表示して先頭に置いてください。"));
            }
            var sheet = (WorksheetPart)workbook.GetPartById(firstSheet.Id!.Value!);
            var sharedStrings = ReadSharedStrings(workbook.SharedStringTablePart);

            using var reader = OpenXmlReader.Create(sheet);
            var expectedRow = 1;
            while (reader.Read())
            {
                if (reader.ElementType != typeof(Row) || !reader.IsStartElement)
                {
                    continue;
                }
                var row = (Row)reader.LoadCurrentElement()!;
                var rowNumber = row.RowIndex?.Value is { } index ? (index <= FileLimits.MaxRows ? (int)index : int.MaxValue) : expectedRow;
                if (rowNumber > FileLimits.MaxRows)
                {
                    throw new FileErrorException(Error(null, null, $"行が多すぎます（上限 {FileLimits.MaxRows:#,0} 行）。"));
                }
                expectedRow = rowNumber + 1;
                var fields = new List<string>();
                List<int>? formulas = null;
                var nextColumn = 0;
                foreach (var cell in row.Elements<Cell>())
                {
                    var column = cell.CellReference?.Value is { } reference ? ColumnIndex(reference) : nextColumn;
                    if (column >= FileLimits.MaxColumns || column < 0)
                    {
                        throw new FileErrorException(Error(rowNumber, null, $"列が多すぎます（上限 {FileLimits.MaxColumns} 列）。"));
                    }
                    while (fields.Count < column)
                    {
                        fields.Add("");
                    }
                    fields.Add(CellText(cell, sharedStrings));
                    if (cell.CellFormula is not null)
                    {
                        (formulas ??= []).Add(column);
                    }
                    nextColumn = column + 1;
                }
                yield return new TableRecord(rowNumber, fields, formulas);
            }
        }
    }

    static List<string> ReadSharedStrings(SharedStringTablePart? part)
    {
        var strings = new List<string>();
        if (part is null)
        {
            return strings;
        }
        using var reader = OpenXmlReader.Create(part);
        while (reader.Read())
        {
            if (reader.ElementType == typeof(SharedStringItem) && reader.IsStartElement)
            {
                strings.Add(VisibleText((SharedStringItem)reader.LoadCurrentElement()!));
            }
        }
        return strings;
    }

    /// <summary>
    /// The text a person sees: plain or rich-text runs, without the phonetic guide (ふりがな, rPh) that Japanese
    /// Excel stores beside the text and InnerText would run into it.
    /// </summary>
    static string VisibleText(OpenXmlElement item)
    {
        var text = new StringBuilder();
        foreach (var child in item.ChildElements)
        {
            if (child is Text t)
            {
                text.Append(t.Text);
            }
            else if (child is Run run)
            {
                text.Append(run.Text?.Text);
            }
        }
        return text.ToString();
    }

    static string CellText(Cell cell, List<string> sharedStrings)
    {
        var value = cell.CellValue?.Text ?? "";
        if (cell.DataType?.Value == CellValues.SharedString)
        {
            return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < sharedStrings.Count
                ? sharedStrings[index]
                : "";
        }
        if (cell.DataType?.Value == CellValues.InlineString)
        {
            return cell.InlineString is { } inline ? VisibleText(inline) : "";
        }
        return value;
    }

    /// <summary>A1 → 0; a reference past <see cref="FileLimits.MaxColumns"/> (FXSHRXX1 is column 2³¹) → -1, without overflow.</summary>
    static int ColumnIndex(string reference)
    {
        var index = 0;
        foreach (var c in reference)
        {
            if (c is < 'A' or > 'Z')
            {
                break;
            }
            index = index * 26 + (c - 'A' + 1);
            if (index > FileLimits.MaxColumns)
            {
                return -1;
            }
        }
        return index - 1;
    }
}
