using Microsoft.EntityFrameworkCore;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;
using Tsunagu.Calendar;
using Tsunagu.Data;
using Tsunagu.People;
using Tsunagu.Site;

namespace Tsunagu.Notices;

/// <summary>What one print run wrote.</summary>
public sealed record PrintSummary(int Letters, string? File);

/// <summary>
/// 郵送のお知らせ as a print-ready A4 PDF, one letter a page, printed at the city hall (paper never crosses to the
/// internet tier, so its address block may carry the guardian's name): the address block where a 長3 window envelope
/// (窓空き封筒) shows it when the page is folded in three, the date in 和暦, the city and where to ask, the window's title
/// and the notice's words. The font (IPAex Gothic) ships inside Tsunagu and is embedded in the file, so the printer
/// needs no Japanese font of its own. Drawn with PDFsharp; the lines are broken here, character by character, since
/// Japanese has no spaces to break at (decision 0016).
/// </summary>
public sealed class PaperLetters(TsunaguDb db, TimeProvider time, IConfiguration configuration)
{
    public const int LimitMax = 5_000;
    const string Family = "IPAexGothic";
    static readonly double Mm = 72 / 25.4;

    /// <summary>
    /// Writes up to <paramref name="limit"/> waiting paper notices to <paramref name="path"/> and marks them sent (handed
    /// to the post), in one transaction: a failure writes no file and marks nothing. The file is refused if it exists —
    /// a printed batch is never overwritten.
    /// </summary>
    public async Task<PrintSummary> PrintAsync(string path, int limit, CancellationToken ct = default)
    {
        if (File.Exists(path))
        {
            throw new RefusalException(RefusalKind.Conflict, $"{path} はすでにあります。印刷済みの束を上書きしないよう、別の名前を指定してください。");
        }
        if (!Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(path))))
        {
            throw new RefusalException(RefusalKind.Invalid, $"{Path.GetDirectoryName(Path.GetFullPath(path))} というフォルダーはありません。");
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var ids = await db.Deliveries.Where(d => d.Channel == ReachChannel.Paper && d.Status == DeliveryStatus.Queued)
            .OrderBy(d => d.Id).Take(Math.Clamp(limit, 1, LimitMax)).Select(d => d.Id).ToListAsync(ct);
        // Marked as this batch's, re-checking each is still waiting under its row lock: a second print run at the same
        // moment, or a withdrawal committed in between, takes the letter out of this batch, which prints only its own.
        var batch = Guid.NewGuid();
        var now = time.GetUtcNow();
        await db.Deliveries.Where(d => ids.Contains(d.Id) && d.Status == DeliveryStatus.Queued).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Status, DeliveryStatus.Sent).SetProperty(d => d.SentAt, now).SetProperty(d => d.LeaseOwner, batch)
            .SetProperty(d => d.Attempts, d => d.Attempts + 1), ct);
        var letters = await db.Deliveries.AsNoTracking().Where(d => d.LeaseOwner == batch).OrderBy(d => d.Id).ToListAsync(ct);
        if (letters.Count == 0)
        {
            return new PrintSummary(0, null);
        }
        var partial = path + ".partial";
        try
        {
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write))
            {
                Write(letters, file, PublicSettings.From(configuration), now.DayInJapan());
            }
            File.Move(partial, path);
        }
        catch
        {
            if (File.Exists(partial))
            {
                File.Delete(partial);
            }
            throw;
        }
        await transaction.CommitAsync(ct);
        return new PrintSummary(letters.Count, path);
    }

    /// <summary>The letters as one PDF, a page each.</summary>
    public static void Write(IReadOnlyList<Delivery> letters, Stream output, PublicSettings site, DateOnly day)
    {
        UseShippedFont();
        using var document = new PdfDocument();
        document.Info.Title = $"{site.CityName} お知らせ（郵送）";
        document.Info.Creator = "Tsunagu";
        var small = new XFont(Family, 10);
        var body = new XFont(Family, 11);
        var name = new XFont(Family, 14);
        var title = new XFont(Family, 15);
        foreach (var letter in letters)
        {
            var page = document.AddPage();
            page.Size = PdfSharp.PageSize.A4;
            using var g = XGraphics.FromPdfPage(page);
            // The address block: a 長3 window (about 90 × 45 mm, 23 mm from the left and 13 mm from the top).
            var lines = letter.Address.Split('\n');
            var y = 20 * Mm;
            foreach (var line in lines[..^1])
            {
                foreach (var part in Wrap(g, line, small, 85 * Mm))
                {
                    g.DrawString(part, small, XBrushes.Black, 25 * Mm, y);
                    y += 5 * Mm;
                }
            }
            g.DrawString(lines[^1], name, XBrushes.Black, 30 * Mm, y + 3 * Mm);
            // The city, the day, and the window's title.
            var right = page.Width.Point - 20 * Mm;
            g.DrawString(FiscalYears.FormatDate(day), small, XBrushes.Black, new XRect(0, 20 * Mm, right, 5 * Mm), XStringFormats.TopRight);
            g.DrawString(site.CityName, small, XBrushes.Black, new XRect(0, 26 * Mm, right, 5 * Mm), XStringFormats.TopRight);
            g.DrawString(letter.Subject, title, XBrushes.Black, new XRect(20 * Mm, 85 * Mm, page.Width.Point - 40 * Mm, 8 * Mm), XStringFormats.TopCenter);
            y = 105 * Mm;
            foreach (var paragraph in letter.Message.Split('\n'))
            {
                foreach (var part in Wrap(g, paragraph, body, page.Width.Point - 50 * Mm))
                {
                    g.DrawString(part, body, XBrushes.Black, 25 * Mm, y);
                    y += 6.5 * Mm;
                }
            }
        }
        document.Save(output);
    }

    /// <summary>
    /// A line broken to a width, a character at a time; a 、 or 。 that would open a line stays on the one before (the
    /// least of 禁則処理). Latin runs such as a URL are broken too: a width is a width.
    /// </summary>
    internal static IEnumerable<string> Wrap(XGraphics g, string text, XFont font, double width)
    {
        if (text.Length == 0)
        {
            yield return "";
            yield break;
        }
        var line = new System.Text.StringBuilder();
        foreach (var c in text)
        {
            if (line.Length > 0 && g.MeasureString(line.ToString() + c, font).Width > width && c is not ('、' or '。' or '」' or '）'))
            {
                yield return line.ToString();
                line.Clear();
            }
            line.Append(c);
        }
        yield return line.ToString();
    }

    static readonly Lock FontLock = new();

    /// <summary>PDFsharp finds fonts through one resolver per process: ours serves the shipped IPAex Gothic, for every face.</summary>
    static void UseShippedFont()
    {
        lock (FontLock)
        {
            if (GlobalFontSettings.FontResolver is not ShippedFont)
            {
                GlobalFontSettings.FontResolver = new ShippedFont();
            }
        }
    }

    sealed class ShippedFont : IFontResolver
    {
        static readonly Lazy<byte[]> Bytes = new(() =>
        {
            using var stream = typeof(PaperLetters).Assembly.GetManifestResourceStream("Tsunagu.Fonts.ipaexg.ttf")
                ?? throw new InvalidOperationException("The IPAex Gothic font is missing from the build.");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        });

        public FontResolverInfo ResolveTypeface(string familyName, bool bold, bool italic) => new(Family);

        public byte[] GetFont(string faceName) => Bytes.Value;
    }
}
