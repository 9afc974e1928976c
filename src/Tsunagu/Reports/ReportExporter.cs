using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;
using Tsunagu.Calendar;
using Tsunagu.Reports.Files;

namespace Tsunagu.Reports;

public enum ExportFormat { Tsv, Csv, Xlsx, Json, Html }

public enum TextEncoding { Utf8, Cp932 }

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
    public static async Task WriteAsync(ReportTable table, ExportFormat format, TextEncoding encoding, Stream output, CancellationToken ct = default)
    {
        if (encoding == TextEncoding.Cp932 && format is not (ExportFormat.Csv or ExportFormat.Tsv))
        {
            throw new RefusalException(RefusalKind.Invalid, "Shift_JIS（cp932）で書き出せるのは csv と tsv だけです。");
        }
        switch (format)
        {
            case ExportFormat.Tsv:
            case ExportFormat.Csv:
                if (encoding == TextEncoding.Cp932)
                {
                    await EnsureCp932Async(table, ct);
                }
                await WriteDelimitedAsync(table, format, encoding, output, ct);
                break;
            case ExportFormat.Xlsx:
                await XlsxReportWriter.WriteAsync(table, output, ct);
                break;
            case ExportFormat.Json:
                await WriteJsonAsync(table, output, ct);
                break;
            case ExportFormat.Html:
                await WriteHtmlAsync(table, output, ct);
                break;
        }
    }

    static async Task EnsureCp932Async(ReportTable table, CancellationToken ct)
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
            foreach (var column in table.Head.Columns)
            {
                Check(program.Cell(column.Role), $"{program.Code} {column.Header}");
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

    /// <summary>The one CSV configuration of exports read by people's spreadsheets: formula injection neutralised.</summary>
    public static CsvConfiguration SpreadsheetSafe(CsvConfiguration config)
    {
        config.InjectionOptions = InjectionOptions.Escape;
        config.InjectionCharacters = FormulaStarts;
        return config;
    }

    static async Task WriteDelimitedAsync(ReportTable table, ExportFormat format, TextEncoding encoding, Stream output, CancellationToken ct)
    {
        var tsv = format == ExportFormat.Tsv;
        // CSV goes to Excel: UTF-8 with a BOM so it opens as UTF-8, CRLF as RFC 4180 says. TSV is the plain text of
        // the published table: UTF-8 without BOM and LF, as the city's file came.
        var textEncoding = encoding == TextEncoding.Cp932 ? TextEncodings.Cp932 : tsv ? TextEncodings.Utf8 : TextEncodings.Utf8WithBom;
        await using var writer = new StreamWriter(output, textEncoding, bufferSize: 64 * 1024, leaveOpen: true);
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
                csv.WriteField(program.Cell(column.Role));
            }
            await csv.NextRecordAsync();
        }
        await csv.FlushAsync();
    }

    static async Task WriteJsonAsync(ReportTable table, Stream output, CancellationToken ct)
    {
        await using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = ReportTable.Json.Encoder });
        var head = table.Head;
        json.WriteStartObject();
        json.WriteNumber("fiscalYear", head.FiscalYear);
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

    public static async Task<string> ToJsonAsync(ReportTable table, CancellationToken ct = default)
    {
        using var buffer = new MemoryStream();
        await WriteJsonAsync(table, buffer, ct);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    static async Task WriteHtmlAsync(ReportTable table, Stream output, CancellationToken ct)
    {
        await using var html = new StreamWriter(output, TextEncodings.Utf8, bufferSize: 64 * 1024, leaveOpen: true);
        var head = table.Head;
        var year = FiscalYears.LabelWithWestern(head.FiscalYear);
        var title = head.Title ?? year;
        await html.WriteAsync($$"""
            <!DOCTYPE html>
            <html lang="ja">
            <head>
            <meta charset="utf-8">
            <title>{{E(title)}}</title>
            <style>
            @page { size: A4 landscape; margin: 12mm; }
            body { font-family: "Noto Sans CJK JP", "Yu Gothic", "Hiragino Sans", "Meiryo", sans-serif; font-size: 10pt; color: #000; }
            h1 { font-size: 14pt; margin: 0 0 4pt; }
            p.meta { margin: 0 0 8pt; font-size: 9pt; }
            table { border-collapse: collapse; width: 100%; }
            th, td { border: 1px solid #000; padding: 3pt 4pt; vertical-align: top; text-align: left; white-space: pre-wrap; }
            th { background: #e6e6e6; }
            thead { display: table-header-group; }
            tr { page-break-inside: avoid; }
            </style>
            </head>
            <body>
            <h1>{{E(title)}}</h1>
            <p class="meta">{{E(year)}}・{{E(head.Status.Japanese())}}{{(head.PublishedVersion is { } v ? $"・公表版 第{v}版" : "")}}</p>
            <table>
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
                var cell = E(program.Cell(column.Role));
                await html.WriteAsync(column.Role == ReportColumnRole.Program ? $"<th scope=\"row\">{cell}</th>" : $"<td>{cell}</td>");
            }
            await html.WriteAsync("</tr>\n");
        }
        await html.WriteAsync("</tbody>\n</table>\n</body>\n</html>\n");
    }

    static string E(string text) => WebUtility.HtmlEncode(text);
}
