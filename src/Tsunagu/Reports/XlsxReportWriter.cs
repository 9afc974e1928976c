using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

using Tsunagu.Reports.Files;

namespace Tsunagu.Reports;

/// <summary>
/// The report as a workbook a person prints: title, header, wrapped text, column widths by content, a Japanese
/// font, A4 landscape fitted to the page width, the header repeated on every page. Rows are written with the
/// Open XML SDK's forward writer and inline strings, so memory stays flat on a long table.
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

    public static async Task WriteAsync(ReportTable table, Stream output, CancellationToken ct)
    {
        // The zip package needs a seekable stream; standard output is not one.
        if (!output.CanSeek)
        {
            var temp = Path.GetTempFileName();
            try
            {
                await using (var file = File.Create(temp))
                {
                    await WriteAsync(table, file, ct);
                }
                await using var read = File.OpenRead(temp);
                await read.CopyToAsync(output, ct);
            }
            finally
            {
                File.Delete(temp);
            }
            return;
        }

        var head = table.Head;
        var sheetName = FiscalYears.FiscalYear.Label(head.FiscalYear);
        using var document = SpreadsheetDocument.Create(output, SpreadsheetDocumentType.Workbook);
        var workbookPart = document.AddWorkbookPart();
        var styles = workbookPart.AddNewPart<WorkbookStylesPart>();
        styles.Stylesheet = Stylesheet();
        var sheetPart = workbookPart.AddNewPart<WorksheetPart>();

        var headerRow = head.Title is null ? 1u : 3u;
        var lastColumn = TableFile.ColumnLetter(head.Columns.Count - 1);

        using (var writer = OpenXmlWriter.Create(sheetPart))
        {
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
                writer.WriteElement(new Row(TextCell($"A1", title, TitleStyle)) { RowIndex = 1 });
            }
            writer.WriteElement(new Row(head.Columns.Select((c, i) => TextCell($"{TableFile.ColumnLetter(i)}{headerRow}", c.Header, HeaderStyle)))
            { RowIndex = headerRow });
            var rowIndex = headerRow;
            await foreach (var program in table.Programs().WithCancellation(ct))
            {
                rowIndex++;
                writer.WriteElement(new Row(head.Columns.Select((c, i) =>
                    TextCell($"{TableFile.ColumnLetter(i)}{rowIndex}", program.Cell(c.Role), BodyStyle)))
                { RowIndex = rowIndex });
            }
            writer.WriteEndElement();

            if (head.Title is not null)
            {
                writer.WriteElement(new MergeCells(new MergeCell { Reference = $"A1:{lastColumn}1" }) { Count = 1 });
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
        }

        workbookPart.Workbook = new Workbook(
            new Sheets(new Sheet { Name = sheetName, SheetId = 1, Id = workbookPart.GetIdOfPart(sheetPart) }),
            new DefinedNames(new DefinedName($"'{sheetName}'!${headerRow}:${headerRow}") { Name = "_xlnm.Print_Titles", LocalSheetId = 0 }));
        workbookPart.Workbook.Save();
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
