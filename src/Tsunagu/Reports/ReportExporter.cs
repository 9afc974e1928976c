using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;
using Tsunagu.Calendar;
using Tsunagu.Reports.Files;

namespace Tsunagu.Reports;

/// <summary>
/// The table as staff print it (xlsx, csv, html; tsv reproduces the imported file), as data (json), and its figures as
/// machine-readable open data, one row per figure (figures-csv, figures-xlsx).
/// </summary>
public enum ExportFormat { Tsv, Csv, Xlsx, Json, Html, FiguresCsv, FiguresXlsx }

public enum TextEncoding { Utf8, Cp932 }

/// <summary>
/// How an export is written: the text encoding (csv and tsv), whether 実績 cells carry 【前年度】, the city it is of, and
/// for figures whether only those the table prints (what was published: the public site's open data) or every count.
/// </summary>
public sealed record ExportOptions(City City, TextEncoding Encoding = TextEncoding.Utf8, bool PreviousYear = true, bool PrintedFiguresOnly = false);

public static class ExportFormats
{
    /// <summary>The name on the command line, in a URL and as the file's extension stem: csv, figures-csv.</summary>
    public static string Name(this ExportFormat format) => format switch
    {
        ExportFormat.FiguresCsv => "figures-csv",
        ExportFormat.FiguresXlsx => "figures-xlsx",
        _ => format.ToString().ToLowerInvariant(),
    };

    public static IEnumerable<string> Names => Enum.GetValues<ExportFormat>().Select(Name);

    /// <summary>The format of a name; null for a name there is no format of (never a default in its place).</summary>
    public static ExportFormat? Parse(string? name) =>
        Enum.GetValues<ExportFormat>().Cast<ExportFormat?>().FirstOrDefault(f => string.Equals(f!.Value.Name(), name?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>Why a name is no format, for the page's message and the API's 400.</summary>
    public static string Unknown(string? name) => $"形式「{name}」では書き出せません。{string.Join("・", Names)} のいずれかです。";

    /// <summary>The names an encoding goes by on the command line, the page and the API.</summary>
    public static readonly string[] EncodingNames = ["utf-8", "utf8", "cp932", "shift_jis", "sjis"];

    /// <summary>UTF-8 when none is named; null for a name that is none of <see cref="EncodingNames"/>.</summary>
    public static TextEncoding? ParseEncoding(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        null or "utf-8" or "utf8" => TextEncoding.Utf8,
        "cp932" or "shift_jis" or "sjis" => TextEncoding.Cp932,
        _ => null,
    };

    public static string Extension(this ExportFormat format) => format switch
    {
        ExportFormat.FiguresCsv => "csv",
        ExportFormat.FiguresXlsx => "xlsx",
        _ => format.Name(),
    };

    public static string ContentType(this ExportFormat format, TextEncoding encoding) => (format, encoding) switch
    {
        (ExportFormat.Csv or ExportFormat.FiguresCsv, TextEncoding.Cp932) => "text/csv; charset=shift_jis",
        (ExportFormat.Csv or ExportFormat.FiguresCsv, _) => "text/csv; charset=utf-8",
        (ExportFormat.Tsv, TextEncoding.Cp932) => "text/tab-separated-values; charset=shift_jis",
        (ExportFormat.Tsv, _) => "text/tab-separated-values; charset=utf-8",
        (ExportFormat.Xlsx or ExportFormat.FiguresXlsx, _) => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (ExportFormat.Json, _) => "application/json; charset=utf-8",
        _ => "text/html; charset=utf-8",
    };

    /// <summary>令和6年度_実績報告_公表版第2版.xlsx, 令和6年度_実績数値.csv.</summary>
    public static string FileName(this ExportFormat format, int fiscalYear, int? version, TextEncoding encoding) =>
        $"{FiscalYears.Label(fiscalYear)}_{(format is ExportFormat.FiguresCsv or ExportFormat.FiguresXlsx ? "実績数値" : "実績報告")}" +
        $"{(version is { } n ? $"_公表版第{n}版" : "")}{(encoding == TextEncoding.Cp932 ? "_sjis" : "")}.{format.Extension()}";
}

/// <summary>A character CP932 cannot hold, and where it stands; reported instead of writing '?'.</summary>
public sealed record UnencodableCharacter(string Character, string Where)
{
    public override string ToString() => $"{TextEncodings.Describe(Character)} {Where}";
}

public sealed class UnencodableException(IReadOnlyList<UnencodableCharacter> characters) : RefusalException(RefusalKind.Invalid,
    "Shift_JIS（CP932）で表せない文字があるため書き出しませんでした:" + Environment.NewLine +
    string.Join(Environment.NewLine, characters.Select(c => "  " + c)))
{
    public IReadOnlyList<UnencodableCharacter> Characters { get; } = characters;
}

/// <summary>Writes a report in each format staff use. Every writer streams the programs: memory stays flat.</summary>
public static class ReportExporter
{
    public static async Task WriteAsync(ReportTable table, ExportFormat format, ExportOptions options, Stream output, CancellationToken ct = default)
    {
        if (options.Encoding == TextEncoding.Cp932 && format is not (ExportFormat.Csv or ExportFormat.Tsv or ExportFormat.FiguresCsv))
        {
            throw new RefusalException(RefusalKind.Invalid, "Shift_JIS（cp932）で書き出せるのは csv、tsv、figures-csv だけです。", "encoding");
        }
        // The tsv is the imported table again, cell for cell: nothing added.
        var previousYear = options.PreviousYear && format != ExportFormat.Tsv;
        if (options.Encoding == TextEncoding.Cp932)
        {
            await EnsureCp932Async(table, format, previousYear, ct);
        }
        switch (format)
        {
            case ExportFormat.Tsv:
            case ExportFormat.Csv:
                await WriteDelimitedAsync(table, format, options.Encoding, previousYear, output, ct);
                break;
            case ExportFormat.Xlsx:
                await XlsxReportWriter.WriteAsync(table, previousYear, output, ct);
                break;
            case ExportFormat.Json:
                await WriteJsonAsync(table, options.City, output, ct);
                break;
            case ExportFormat.Html:
                await WriteHtmlAsync(table, previousYear, output, ct);
                break;
            case ExportFormat.FiguresCsv:
                await FigureRows.WriteCsvAsync(table, options, output, ct);
                break;
            case ExportFormat.FiguresXlsx:
                await FigureRows.WriteXlsxAsync(table, options, output, ct);
                break;
        }
    }

    static async Task EnsureCp932Async(ReportTable table, ExportFormat format, bool previousYear, CancellationToken ct)
    {
        var found = new List<UnencodableCharacter>();
        void Check(string text, string where) =>
            found.AddRange(TextEncodings.NotInCp932(text).Select(c => new UnencodableCharacter(c, where)));

        Check(table.Head.Title ?? "", "タイトル");
        foreach (var column in table.Head.Columns)
        {
            Check(column.Header, "見出し");
        }
        await foreach (var program in table.Programs().WithCancellation(ct))
        {
            if (format == ExportFormat.FiguresCsv)
            {
                Check(program.Name, $"{program.Code} 事業名");
                foreach (var figure in program.Figures)
                {
                    Check(figure.Label + figure.Unit + figure.Key + figure.NumeratorKey + figure.DenominatorKey, $"{program.Code} 指標「{figure.Key}」");
                }
                continue;
            }
            foreach (var column in table.Head.Columns)
            {
                Check(ReportView.Printed(program, column.Role, previousYear), $"{program.Code} {column.Header}");
            }
        }
        if (found.Count > 0)
        {
            throw new UnencodableException(found);
        }
    }

    /// <summary>
    /// What Excel and LibreOffice read as the start of a formula (OWASP's CSV injection list, with the full-width
    /// forms Excel also accepts). A cell starting so is written with a leading ' and listed by the report check.
    /// </summary>
    public static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];

    public static bool StartsLikeAFormula(string? text) => text is { Length: > 0 } && FormulaStarts.Contains(text[0]);

    /// <summary>A text cell a spreadsheet will not run: a leading ', as CsvHelper's escape writes it.</summary>
    public static string SpreadsheetText(string text) => StartsLikeAFormula(text) ? "'" + text : text;

    /// <summary>The one CSV configuration of exports read by people's spreadsheets: formula injection neutralised.</summary>
    public static CsvConfiguration SpreadsheetSafe(CsvConfiguration config)
    {
        config.InjectionOptions = InjectionOptions.Escape;
        config.InjectionCharacters = FormulaStarts;
        return config;
    }

    /// <summary>The text encoding of a delimited file: CSV goes to Excel (UTF-8 with a BOM, so it opens as UTF-8); TSV is plain UTF-8.</summary>
    public static Encoding Delimited(TextEncoding encoding, bool tsv) =>
        encoding == TextEncoding.Cp932 ? TextEncodings.Cp932Writing : tsv ? TextEncodings.Utf8 : TextEncodings.Utf8WithBom;

    static async Task WriteDelimitedAsync(ReportTable table, ExportFormat format, TextEncoding encoding, bool previousYear, Stream output, CancellationToken ct)
    {
        var tsv = format == ExportFormat.Tsv;
        // CRLF for the CSV as RFC 4180 says. TSV is the plain text of the published table: LF, as the city's file came.
        await using var writer = new StreamWriter(output, Delimited(encoding, tsv), bufferSize: 64 * 1024, leaveOpen: true);
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Delimiter = tsv ? "\t" : ",",
            NewLine = tsv ? "\n" : "\r\n",
            // Quote only what must be quoted, so a cell with a leading space is written as it was published.
            ShouldQuote = args => args.Field is { Length: > 0 } f &&
                (f.Contains('"') || f.Contains(args.Row.Configuration.Delimiter) || f.Contains('\n') || f.Contains('\r')),
        };
        SpreadsheetSafe(config);
        await using var csv = new CsvWriter(writer, config, leaveOpen: true);
        if (table.Head.Title is { } title)
        {
            csv.WriteField(title);
            await csv.NextRecordAsync();
            await csv.NextRecordAsync();
        }
        foreach (var column in table.Head.Columns)
        {
            csv.WriteField(column.Header);
        }
        await csv.NextRecordAsync();
        await foreach (var program in table.Programs().WithCancellation(ct))
        {
            foreach (var column in table.Head.Columns)
            {
                csv.WriteField(ReportView.Printed(program, column.Role, previousYear));
            }
            await csv.NextRecordAsync();
        }
        await csv.FlushAsync();
    }

    /// <summary>
    /// The report as data: the city's code, the time its content stands at (its last change, or the version's
    /// publication), the published versions, and per program the cells verbatim, the bureaus, every figure with its key,
    /// whether the 実績 cell prints it and a rate's parts, and last year's values.
    /// </summary>
    static async Task WriteJsonAsync(ReportTable table, City? city, Stream output, CancellationToken ct)
    {
        await using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = ReportTable.Json.Encoder });
        var head = table.Head;
        json.WriteStartObject();
        json.WriteNumber("fiscalYear", head.FiscalYear);
        json.WriteString("fiscalYearLabel", FiscalYears.Label(head.FiscalYear));
        json.WriteString("cityCode", city?.Code);
        json.WriteString("cityName", city?.Name);
        json.WriteString("title", head.Title);
        json.WritePropertyName("status");
        JsonSerializer.Serialize(json, head.Status, ReportTable.Json);
        if (head.PublishedVersion is { } version)
        {
            json.WriteNumber("publishedVersion", version);
        }
        else
        {
            json.WriteNull("publishedVersion");
        }
        if (head.AsOf is { } asOf)
        {
            json.WriteString("asOf", asOf);
        }
        else
        {
            json.WriteNull("asOf");
        }
        json.WritePropertyName("publications");
        JsonSerializer.Serialize(json, head.Publications, ReportTable.Json);
        json.WritePropertyName("columns");
        JsonSerializer.Serialize(json, head.Columns, ReportTable.Json);
        json.WriteStartArray("programs");
        await foreach (var program in table.Programs().WithCancellation(ct))
        {
            JsonSerializer.Serialize(json, program, ReportTable.Json);
            if (json.BytesPending > 64 * 1024)
            {
                await json.FlushAsync(ct);
            }
        }
        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(ct);
    }

    /// <summary>
    /// The export written whole to a temporary file (deleted when closed), positioned at its start: a refusal (a character
    /// Shift_JIS lacks) is then the caller's answer, never a download broken off halfway.
    /// </summary>
    public static async Task<FileStream> ToTemporaryFileAsync(ReportTable table, ExportFormat format, ExportOptions options, CancellationToken ct)
    {
        var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
        try
        {
            await WriteAsync(table, format, options, file, ct);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
        file.Position = 0;
        return file;
    }

    /// <summary>The JSON of a table as a published version keeps it (no city: an export names the city configured when it is made).</summary>
    public static async Task<string> ToJsonAsync(ReportTable table, CancellationToken ct = default)
    {
        using var buffer = new MemoryStream();
        await WriteJsonAsync(table, null, buffer, ct);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    static async Task WriteHtmlAsync(ReportTable table, bool previousYear, Stream output, CancellationToken ct)
    {
        await using var html = new StreamWriter(output, TextEncodings.Utf8, bufferSize: 64 * 1024, leaveOpen: true);
        var head = table.Head;
        var year = FiscalYears.LabelWithWestern(head.FiscalYear);
        var title = head.Title ?? year;
        var total = head.Columns.Sum(c => ReportView.Width(c.Role));
        var notes = new[] { $"{year}・{head.Status.Japanese()}" }
            .Concat(ReportView.PublicationLines(head))
            .Concat(previousYear ? [ReportView.PreviousYearNote(head.FiscalYear)] : []);
        await html.WriteAsync($$"""
            <!DOCTYPE html>
            <html lang="ja">
            <head>
            <meta charset="utf-8">
            <title>{{E(title)}}</title>
            <style>
            @page { size: A4 landscape; margin: 12mm 12mm 14mm; @bottom-center { content: counter(page) " / " counter(pages); font-size: 8pt; } }
            body { font-family: "Noto Sans CJK JP", "Yu Gothic", "Hiragino Sans", "Meiryo", sans-serif; font-size: 10pt; color: #000; }
            h1 { font-size: 14pt; margin: 0 0 4pt; }
            ul.meta { list-style: none; margin: 0 0 8pt; padding: 0; font-size: 9pt; }
            table { border-collapse: collapse; width: 100%; table-layout: fixed; }
            th, td { border: 1px solid #000; padding: 3pt 4pt; vertical-align: top; text-align: left; white-space: pre-wrap; overflow-wrap: anywhere; }
            th { background: #e6e6e6; }
            thead { display: table-header-group; }
            tr { page-break-inside: avoid; }
            </style>
            </head>
            <body>
            <h1>{{E(title)}}</h1>
            <ul class="meta">{{string.Concat(notes.Select(n => $"<li>{E(n)}</li>"))}}</ul>
            <table>
            <colgroup>{{string.Concat(head.Columns.Select(c => $"<col style=\"width: {ReportView.Width(c.Role) / total * 100:0.#}%\">"))}}</colgroup>
            <thead><tr>
            """);
        foreach (var column in head.Columns)
        {
            await html.WriteAsync($"<th scope=\"col\">{E(column.Header)}</th>");
        }
        await html.WriteAsync("</tr></thead>\n<tbody>\n");
        await foreach (var program in table.Programs().WithCancellation(ct))
        {
            await html.WriteAsync("<tr>");
            foreach (var column in head.Columns)
            {
                var text = program.Cell(column.Role);
                var cell = column.Role == ReportColumnRole.Results && previousYear
                    ? string.Concat(ReportView.WithPreviousYear(text, program).Select(s => E(s.Text) + (s.Previous is { } p ? $"<span class=\"prev\">{E(p)}</span>" : "")))
                    : E(text);
                await html.WriteAsync(column.Role == ReportColumnRole.Program ? $"<th scope=\"row\">{cell}</th>" : $"<td>{cell}</td>");
            }
            await html.WriteAsync("</tr>\n");
        }
        await html.WriteAsync("</tbody>\n</table>\n</body>\n</html>\n");
    }

    static string E(string text) => WebUtility.HtmlEncode(text);
}
