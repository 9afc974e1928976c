using System.IO.Compression;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Tsunagu.Calendar;
using Tsunagu.Reports.Files;

namespace Tsunagu.Reports;

/// <summary>
/// The report as a workbook a person prints: title, header, wrapped text, column widths by content, a Japanese
/// font, A4 landscape fitted to the page width, the header repeated on every page. Rows are written with the
/// Open XML SDK's forward writer with inline strings straight into the zip, so memory stays flat on a long table.
/// </summary>
static class XlsxReportWriter
{
    const string Font = "游ゴシック";
    const uint TitleStyle = 1, HeaderStyle = 2, BodyStyle = 3;

    static double Width(ReportColumnRole role) => role switch
    {
        ReportColumnRole.Program => 24,
        ReportColumnRole.Overview => 50,
        ReportColumnRole.Results => 30,
        ReportColumnRole.Evaluation => 50,
        _ => 16,
    };

    /// <summary>The earliest time a zip can hold (1980-01-01, MS-DOS's epoch), given to every entry.</summary>
    static readonly DateTimeOffset ReproducibleTime = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task WriteAsync(ReportTable table, Stream output, CancellationToken ct)
    {
        var head = table.Head;
        var sheetName = FiscalYears.Label(head.FiscalYear);
        var headerRow = head.Title is null ? 1u : 3u;

        // The SDK's package keeps every part in memory until it is closed (400 MiB for a 100,000-row sheet,
        // dotnet/Open-XML-SDK#807), and cannot write to a write-only package. So the SDK builds the small parts
        // (workbook, styles, relationships, content types) around an empty sheet, and the sheet itself is streamed
        // by the SDK's OpenXmlWriter straight into the zip entry that replaces it.
        using var skeleton = new MemoryStream();
        string sheetEntry;
        using (var document = SpreadsheetDocument.Create(skeleton, SpreadsheetDocumentType.Workbook))
        {
            // Relationship ids named here: the SDK's own are random, and an export must be the same bytes each time.
            var workbookPart = document.AddWorkbookPart();
            document.ChangeIdOfPart(workbookPart, "rId1");
            var sheetPart = workbookPart.AddNewPart<WorksheetPart>("rId1");
            sheetPart.Worksheet = new Worksheet(new SheetData());
            sheetEntry = sheetPart.Uri.OriginalString.TrimStart('/');
            workbookPart.AddNewPart<WorkbookStylesPart>("rId2").Stylesheet = Stylesheet();
            workbookPart.Workbook = new Workbook(
                new Sheets(new Sheet { Name = sheetName, SheetId = 1, Id = workbookPart.GetIdOfPart(sheetPart) }),
                new DefinedNames(new DefinedName($"'{sheetName}'!${headerRow}:${headerRow}") { Name = "_xlnm.Print_Titles", LocalSheetId = 0 }));
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
            if (entry.FullName == sheetEntry)
            {
                await WriteSheetAsync(table, headerRow, to, ct);
            }
            else
            {
                await using var from = entry.Open();
                await from.CopyToAsync(to, ct);
            }
        }
    }

    static async Task WriteSheetAsync(ReportTable table, uint headerRow, Stream stream, CancellationToken ct)
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
            columns.Append(new Column { Min = (uint)i + 1, Max = (uint)i + 1, Width = Width(head.Columns[i].Role), CustomWidth = true });
        }
        writer.WriteElement(columns);

        writer.WriteStartElement(new SheetData());
        if (head.Title is { } title)
        {
            writer.WriteElement(new Row(TextCell("A1", title, TitleStyle)) { RowIndex = 1 });
        }
        writer.WriteElement(new Row(head.Columns.Select((c, i) => TextCell($"{TableFile.ColumnLetter(i)}{headerRow}", c.Header, HeaderStyle)))
        { RowIndex = headerRow });
        var rowIndex = headerRow;
        await foreach (var program in table.Programs().WithCancellation(ct))
        {
            rowIndex++;
            writer.WriteElement(new Row(head.Columns.Select((c, i) =>
                TextCell($"{TableFile.ColumnLetter(i)}{rowIndex}", program.Cell(c.Role), BodyStyle)))
            {
                RowIndex = rowIndex,
                Height = RowHeight(head.Columns.Select(c => (program.Cell(c.Role), Width(c.Role)))),
                CustomHeight = true,
            });
        }
        writer.WriteEndElement();

        if (head.Title is not null)
        {
            writer.WriteElement(new MergeCells(new MergeCell { Reference = $"A1:{TableFile.ColumnLetter(head.Columns.Count - 1)}1" }) { Count = 1 });
        }
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

    static Cell TextCell(string reference, string text, uint style) => new()
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
