using System.IO.Compression;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Tsunagu.Calendar;
using Tsunagu.Indicators;
using Tsunagu.Reports.Files;

namespace Tsunagu.Reports;

/// <summary>One sheet of a workbook: its name, the row repeated at the top of each printed page, and its rows, streamed.</summary>
sealed record XlsxSheet(string Name, uint? PrintTitleRow, Func<Stream, CancellationToken, Task> Write);

/// <summary>
/// The report as a workbook a person prints: title, header, wrapped text, column widths by content, a Japanese
/// font, A4 landscape fitted to the page width, the header repeated on every page. Rows are written with the
/// Open XML SDK's forward writer with inline strings straight into the zip, so memory stays flat on a long table.
/// </summary>
static class XlsxReportWriter
{
    const string Font = "游ゴシック";
    public const uint TitleStyle = 1, HeaderStyle = 2, BodyStyle = 3;

    /// <summary>The earliest time a zip can hold (1980-01-01, MS-DOS's epoch), given to every entry.</summary>
    static readonly DateTimeOffset ReproducibleTime = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static Task WriteAsync(ReportTable table, bool previousYear, Stream output, CancellationToken ct)
    {
        var head = table.Head;
        string[] lines =
        [
            .. head.Title is { } title ? [title] : Array.Empty<string>(),
            .. ReportView.PublicationLines(head),
            .. previousYear ? [ReportView.PreviousYearNote(head.FiscalYear)] : Array.Empty<string>(),
        ];
        // The heading's lines, a blank row, then the header: as the city's file has its title.
        var headerRow = lines.Length == 0 ? 1u : (uint)lines.Length + 2;
        return WriteWorkbookAsync(output, [new XlsxSheet(FiscalYears.Label(head.FiscalYear), headerRow,
            (stream, token) => WriteSheetAsync(table, lines, headerRow, previousYear, stream, token))], ct);
    }

    /// <summary>
    /// A workbook of the given sheets, the same bytes for the same rows. The SDK's package keeps every part in memory
    /// until it is closed (400 MiB for a 100,000-row sheet, dotnet/Open-XML-SDK#807), and cannot write to a write-only
    /// package. So the SDK builds the small parts (workbook, styles, relationships, content types) around empty sheets,
    /// and each sheet is streamed by the SDK's OpenXmlWriter straight into the zip entry that replaces it.
    /// </summary>
    public static async Task WriteWorkbookAsync(Stream output, IReadOnlyList<XlsxSheet> sheets, CancellationToken ct)
    {
        using var skeleton = new MemoryStream();
        var sheetEntries = new Dictionary<string, XlsxSheet>();
        using (var document = SpreadsheetDocument.Create(skeleton, SpreadsheetDocumentType.Workbook))
        {
            // Relationship ids named here: the SDK's own are random, and an export must be the same bytes each time.
            var workbookPart = document.AddWorkbookPart();
            document.ChangeIdOfPart(workbookPart, "rId1");
            var sheetRefs = new Sheets();
            var printTitles = new DefinedNames();
            for (var i = 0; i < sheets.Count; i++)
            {
                var sheetPart = workbookPart.AddNewPart<WorksheetPart>($"rId{i + 1}");
                sheetPart.Worksheet = new Worksheet(new SheetData());
                sheetEntries[sheetPart.Uri.OriginalString.TrimStart('/')] = sheets[i];
                sheetRefs.Append(new Sheet { Name = sheets[i].Name, SheetId = (uint)i + 1, Id = $"rId{i + 1}" });
                if (sheets[i].PrintTitleRow is { } row)
                {
                    printTitles.Append(new DefinedName($"'{sheets[i].Name}'!${row}:${row}") { Name = "_xlnm.Print_Titles", LocalSheetId = (uint)i });
                }
            }
            workbookPart.AddNewPart<WorkbookStylesPart>($"rId{sheets.Count + 1}").Stylesheet = Stylesheet();
            workbookPart.Workbook = printTitles.HasChildren ? new Workbook(sheetRefs, printTitles) : new Workbook(sheetRefs);
        }

        skeleton.Position = 0;
        using var source = new ZipArchive(skeleton, ZipArchiveMode.Read);
        using var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var entry in source.Entries)
        {
            var copy = target.CreateEntry(entry.FullName, CompressionLevel.Optimal);
            // The zip's clock reads the same for every export, so the same report is the same file (a second export,
            // or one from a restored backup, compares byte for byte with the first).
            copy.LastWriteTime = ReproducibleTime;
            await using var to = copy.Open();
            if (sheetEntries.TryGetValue(entry.FullName, out var sheet))
            {
                await sheet.Write(to, ct);
            }
            else
            {
                await using var from = entry.Open();
                await from.CopyToAsync(to, ct);
            }
        }
    }

    static async Task WriteSheetAsync(ReportTable table, string[] lines, uint headerRow, bool previousYear, Stream stream, CancellationToken ct)
    {
        var head = table.Head;
        using var writer = OpenXmlWriter.Create(stream);
        writer.WriteStartDocument();
        writer.WriteStartElement(new Worksheet());
        writer.WriteElement(new SheetProperties(new PageSetupProperties { FitToPage = true }));
        writer.WriteElement(new SheetViews(new SheetView(
            new Pane
            {
                VerticalSplit = headerRow,
                TopLeftCell = $"A{headerRow + 1}",
                ActivePane = PaneValues.BottomLeft,
                State = PaneStateValues.Frozen,
            })
        { WorkbookViewId = 0 }));
        var columns = new Columns();
        for (var i = 0; i < head.Columns.Count; i++)
        {
            columns.Append(new Column { Min = (uint)i + 1, Max = (uint)i + 1, Width = ReportView.Width(head.Columns[i].Role), CustomWidth = true });
        }
        writer.WriteElement(columns);

        writer.WriteStartElement(new SheetData());
        for (var i = 0; i < lines.Length; i++)
        {
            var style = i == 0 && head.Title is not null ? TitleStyle : 0u;
            writer.WriteElement(new Row(TextCell($"A{i + 1}", lines[i], style)) { RowIndex = (uint)i + 1 });
        }
        writer.WriteElement(new Row(head.Columns.Select((c, i) => TextCell($"{TableFile.ColumnLetter(i)}{headerRow}", c.Header, HeaderStyle)))
        { RowIndex = headerRow });
        var rowIndex = headerRow;
        await foreach (var program in table.Programs().WithCancellation(ct))
        {
            rowIndex++;
            var cells = head.Columns.Select(c => (Text: ReportView.Printed(program, c.Role, previousYear), Width: ReportView.Width(c.Role))).ToList();
            writer.WriteElement(new Row(cells.Select((c, i) => TextCell($"{TableFile.ColumnLetter(i)}{rowIndex}", c.Text, BodyStyle)))
            {
                RowIndex = rowIndex,
                Height = RowHeight(cells),
                CustomHeight = true,
            });
        }
        writer.WriteEndElement();

        if (lines.Length > 0)
        {
            // Each heading line spans the table, so a long correction's reason prints across the page, not in column A.
            var last = TableFile.ColumnLetter(head.Columns.Count - 1);
            writer.WriteElement(new MergeCells(lines.Select((_, i) => new MergeCell { Reference = $"A{i + 1}:{last}{i + 1}" })) { Count = (uint)lines.Length });
        }
        WritePrintSetup(writer);
        writer.WriteEndElement();
        writer.Close();
    }

    /// <summary>A4 landscape, fitted to the page's width, centred, page numbers in the footer.</summary>
    public static void WritePrintSetup(OpenXmlWriter writer)
    {
        writer.WriteElement(new PrintOptions { HorizontalCentered = true });
        writer.WriteElement(new PageMargins { Left = 0.4, Right = 0.4, Top = 0.6, Bottom = 0.6, Header = 0.3, Footer = 0.3 });
        writer.WriteElement(new PageSetup
        {
            PaperSize = 9, // A4
            Orientation = OrientationValues.Landscape,
            FitToWidth = 1,
            FitToHeight = 0,
        });
        writer.WriteElement(new HeaderFooter(new OddFooter("&C&P / &N")));
    }

    /// <summary>A plain sheet of data: the first row the header, no title, no merged cell; a decimal is a number cell, anything else text.</summary>
    public static void WritePlainSheet(Stream stream, double[] widths, List<object[]> rows)
    {
        using var writer = OpenXmlWriter.Create(stream);
        writer.WriteStartDocument();
        writer.WriteStartElement(new Worksheet());
        writer.WriteElement(new SheetProperties(new PageSetupProperties { FitToPage = true }));
        writer.WriteElement(new SheetViews(new SheetView(
            new Pane { VerticalSplit = 1, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen })
        { WorkbookViewId = 0 }));
        writer.WriteElement(new Columns(widths.Select((w, i) => new Column { Min = (uint)i + 1, Max = (uint)i + 1, Width = w, CustomWidth = true })));
        writer.WriteStartElement(new SheetData());
        for (var r = 0; r < rows.Count; r++)
        {
            var index = (uint)r + 1;
            writer.WriteElement(new Row(rows[r].Select((value, c) =>
            {
                var reference = $"{TableFile.ColumnLetter(c)}{index}";
                return value is decimal number
                    ? new Cell { CellReference = reference, DataType = CellValues.Number, CellValue = new CellValue(FigureValues.Plain(number)) }
                    : TextCell(reference, (string)value, r == 0 ? HeaderStyle : 0u);
            }))
            { RowIndex = index });
        }
        writer.WriteEndElement();
        WritePrintSetup(writer);
        writer.WriteEndElement();
        writer.Close();
    }

    const double LineHeight = 15; // points per line of 10pt 游ゴシック, with its generous leading

    /// <summary>
    /// Neither Excel nor LibreOffice grows a row to fit wrapped text when it opens a file, so the height is set
    /// here: the most lines any cell of the row needs, counting a full-width character as two width units.
    /// </summary>
    static double RowHeight(IEnumerable<(string Text, double Width)> cells)
    {
        var lines = 1;
        foreach (var (text, width) in cells)
        {
            var perLine = Math.Max(1, (int)width - 1);
            var needed = text.Split('\n').Sum(line =>
                Math.Max(1, (int)Math.Ceiling(line.EnumerateRunes().Sum(r => r.Value < 0x80 ? 1 : 2) / (double)perLine)));
            lines = Math.Max(lines, needed);
        }
        return lines * LineHeight + 4;
    }

    public static Cell TextCell(string reference, string text, uint style) => new()
    {
        CellReference = reference,
        DataType = CellValues.InlineString,
        StyleIndex = style,
        InlineString = new InlineString(new Text(text) { Space = SpaceProcessingModeValues.Preserve }),
    };

    static Stylesheet Stylesheet()
    {
        static Font Font(double size, bool bold)
        {
            var font = new Font();
            if (bold)
            {
                font.Append(new Bold());
            }
            font.Append(new FontSize { Val = size }, new FontName { Val = XlsxReportWriter.Font }, new FontFamilyNumbering { Val = 3 },
                new FontCharSet { Val = 128 }); // SHIFTJIS_CHARSET: Excel picks the Japanese face
            return font;
        }

        var thin = new BorderPropertiesType[] { new LeftBorder(), new RightBorder(), new TopBorder(), new BottomBorder() };
        foreach (var side in thin)
        {
            side.Style = BorderStyleValues.Thin;
            side.Append(new Color { Indexed = 64 });
        }

        return new Stylesheet(
            new Fonts(Font(10, false), Font(14, true), Font(10, true)) { Count = 3 },
            new Fills(
                new Fill(new PatternFill { PatternType = PatternValues.None }),
                new Fill(new PatternFill { PatternType = PatternValues.Gray125 }),
                new Fill(new PatternFill(new ForegroundColor { Rgb = "FFE6E6E6" }) { PatternType = PatternValues.Solid }))
            { Count = 3 },
            new Borders(
                new Border(new LeftBorder(), new RightBorder(), new TopBorder(), new BottomBorder(), new DiagonalBorder()),
                new Border(thin[0], thin[1], thin[2], thin[3], new DiagonalBorder()))
            { Count = 2 },
            new CellStyleFormats(new CellFormat { FontId = 0, FillId = 0, BorderId = 0 }) { Count = 1 },
            new CellFormats(
                new CellFormat { FontId = 0, FillId = 0, BorderId = 0 },
                new CellFormat { FontId = 1, FillId = 0, BorderId = 0, ApplyFont = true },
                new CellFormat(new Alignment { WrapText = true, Vertical = VerticalAlignmentValues.Center, Horizontal = HorizontalAlignmentValues.Center })
                { FontId = 2, FillId = 2, BorderId = 1, ApplyFont = true, ApplyFill = true, ApplyBorder = true, ApplyAlignment = true },
                new CellFormat(new Alignment { WrapText = true, Vertical = VerticalAlignmentValues.Top })
                { FontId = 0, FillId = 0, BorderId = 1, ApplyBorder = true, ApplyAlignment = true })
            { Count = 4 });
    }
}
