using System.ServiceModel.Syndication;
using System.Text;
using System.Xml;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Calendar;
using Tsunagu.Catalogue;
using Tsunagu.Data;
using Tsunagu.Reports;

namespace Tsunagu.Site;

/// <summary>Where the public site stands: the city it is for and the address it is served at (for feeds and calendars).</summary>
public sealed record PublicSettings(string CityName, string CityCode, Uri BaseUrl, string License)
{
    public static PublicSettings From(IConfiguration configuration) => From(configuration, City.From(configuration));

    static PublicSettings From(IConfiguration configuration, City city) => new(
        city.Name,
        city.Code,
        new Uri((configuration["Public:BaseUrl"] ?? "https://www.city.example.jp/kosodate-shien/").TrimEnd('/') + "/"),
        // 総務省's open-data guidance recommends CC BY; the city states its own terms here.
        configuration["Public:License"] ?? "クリエイティブ・コモンズ 表示 4.0 国際（CC BY 4.0）");
}

/// <summary>What a build wrote.</summary>
public sealed record PublicSiteSummary(int Schemes, int Windows, int Tables, IReadOnlyList<string> Files);

/// <summary>One file of the site: its type and its bytes.</summary>
public sealed record SiteFile(string ContentType, byte[] Body);

/// <summary>
/// The public site of the support catalogue, as static files for the city's web server on the internet tier: an index
/// by life situation, a page per system with its windows, the published annual tables, an iCalendar feed and an Atom
/// feed of the windows, and the catalogue as open data (JSON, CSV). It reads the catalogue, the programs' names and
/// the published snapshots of the reports — nothing of a person, household or contact.
/// </summary>
public sealed class PublicSite(TsunaguDb db, ReportReader reports, TimeProvider time, IConfiguration configuration)
{
    readonly PublicSettings settings = PublicSettings.From(configuration);

    /// <summary>Marks a folder as the site's: a rebuild may clear it, and clears nothing else.</summary>
    const string Marker = ".tsunagu-public-site";

    /// <summary>
    /// Writes the site into <paramref name="folder"/> (made if missing), as `public build` does. A folder of an earlier
    /// build is emptied first, so that a renamed or ended system's page does not stay behind; any other folder with
    /// files in it is refused.
    /// </summary>
    public async Task<PublicSiteSummary> BuildAsync(string folder, CancellationToken ct = default)
    {
        var (files, summary) = await RenderAsync(ct);
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            if (!File.Exists(Path.Combine(folder, Marker)))
            {
                throw new RefusalException(RefusalKind.Invalid, $"{folder} には公開ページ以外のファイルがあります。空のフォルダか、前回 public build で書き出したフォルダを指定してください。");
            }
            foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo directory) { directory.Delete(recursive: true); } else { entry.Delete(); }
            }
        }
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, Marker), "tsunagu public build\n", ct);
        foreach (var (path, file) in files)
        {
            var full = Path.Combine(folder, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllBytesAsync(full, file.Body, ct);
        }
        return summary;
    }

    /// <summary>Every file of the site by its path (index.html, schemes/2026/…): for the build and for `serve --public`.</summary>
    public async Task<(IReadOnlyDictionary<string, SiteFile> Files, PublicSiteSummary Summary)> RenderAsync(CancellationToken ct = default)
    {
        var today = CityClock.Today(time);
        var fromYear = CityClock.CurrentFiscalYear(time);
        // This year's and later systems, and last year's while one of its windows is still open (a window of March to May).
        var schemes = await db.SupportSchemes.AsNoTracking().Include(s => s.Program).Include(s => s.Windows)
            .Where(s => s.FiscalYear >= fromYear || s.Windows.Any(w => w.Closes >= today)).OrderBy(s => s.Name).ThenBy(s => s.FiscalYear).ToListAsync(ct);
        var published = await db.ReportPublications.AsNoTracking()
            .GroupBy(p => p.ReportId).Select(g => new { ReportId = g.Key, Version = g.Max(p => p.Version) })
            .Join(db.Reports, p => p.ReportId, r => r.Id, (p, r) => new { r.FiscalYear, p.Version })
            .OrderByDescending(p => p.FiscalYear).ToListAsync(ct);

        var files = new Dictionary<string, SiteFile>();
        void Add(string path, string type, string text) => files[path] = new SiteFile(type, new UTF8Encoding(false).GetBytes(text));
        const string Html = "text/html; charset=utf-8";
        var pages = new PublicPages(settings, today);
        Add("style.css", "text/css; charset=utf-8", PublicPages.Style);
        Add("index.html", Html, pages.Index(schemes, published.Select(p => p.FiscalYear).ToList()));
        foreach (var scheme in schemes)
        {
            Add(PublicPages.SchemePath(scheme), Html, pages.Scheme(scheme));
        }
        // The figures the council's table printed, no count behind them (a rate's denominator is not published).
        var exports = new ExportOptions(new City(settings.CityName, settings.CityCode), PrintedFiguresOnly: true);
        foreach (var table in published)
        {
            // The published version as the council received it, and its figures as open data (one per row).
            var snapshot = await reports.ReadPublishedAsync(table.FiscalYear, table.Version, ct);
            foreach (var (format, path) in new[] { (ExportFormat.Html, $"tables/{table.FiscalYear}.html"), (ExportFormat.FiguresCsv, $"data/figures-{table.FiscalYear}.csv") })
            {
                await using var file = new MemoryStream();
                await ReportExporter.WriteAsync(snapshot, format, exports, file, ct);
                files[path] = new SiteFile(format.ContentType(TextEncoding.Utf8), file.ToArray());
            }
        }
        Add("calendar.ics", "text/calendar; charset=utf-8", Calendar(schemes));
        Add("feed.atom", "application/atom+xml; charset=utf-8", Feed(schemes));
        Add("data/catalogue.json", "application/json; charset=utf-8", OpenData.Json(schemes, settings));
        Add("data/catalogue.csv", "text/csv; charset=utf-8", OpenData.Csv(schemes, settings));
        return (files, new PublicSiteSummary(schemes.Count, schemes.Sum(s => s.Windows.Count), published.Count, [.. files.Keys]));
    }

    /// <summary>Each window an all-day event from its first to its last day, so a family's calendar shows when to apply.</summary>
    string Calendar(IEnumerable<SupportScheme> schemes)
    {
        var calendar = new Ical.Net.Calendar { ProductId = "-//Tsunagu//支援制度の申込期間//JA" };
        calendar.AddProperty("X-WR-CALNAME", $"{settings.CityName} 支援制度の申込期間");
        foreach (var scheme in schemes)
        {
            foreach (var window in scheme.Windows.OrderBy(w => w.Opens))
            {
                calendar.Events.Add(new CalendarEvent
                {
                    Uid = $"{scheme.FiscalYear}-{scheme.Key}-{window.Id}@{settings.BaseUrl.Host}",
                    Summary = $"{window.Title(scheme)}の申込期間",
                    Description = $"{scheme.Summary}\n{new Uri(settings.BaseUrl, PublicPages.SchemePath(scheme))}",
                    Start = new CalDateTime(window.Opens),
                    End = new CalDateTime(window.Closes.AddDays(1)),
                    DtStamp = new CalDateTime(scheme.UpdatedAt.UtcDateTime),
                });
            }
        }
        return new CalendarSerializer().SerializeToString(calendar)!;
    }

    /// <summary>The windows as an Atom feed, newest opening first: a reader subscribed to it hears when one opens.</summary>
    string Feed(IEnumerable<SupportScheme> schemes)
    {
        var items = schemes.SelectMany(s => s.Windows.Select(w => (Scheme: s, Window: w))).OrderByDescending(x => x.Window.Opens).Select(x =>
        {
            var link = new Uri(settings.BaseUrl, PublicPages.SchemePath(x.Scheme));
            var opens = new DateTimeOffset(x.Window.Opens.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(9));
            var item = new SyndicationItem(
                $"{x.Window.Title(x.Scheme)}: {FiscalYears.FormatDate(x.Window.Opens)}から{FiscalYears.FormatDate(x.Window.Closes)}まで受付",
                x.Scheme.Summary, link, $"{link}#window-{x.Window.Id}", x.Scheme.UpdatedAt)
            { PublishDate = opens };
            return item;
        }).ToList();
        var self = new Uri(settings.BaseUrl, "feed.atom");
        var feed = new SyndicationFeed($"{settings.CityName} 支援制度の申込期間", "子育て・ひとり親家庭の支援制度の申込期間のお知らせ", settings.BaseUrl,
            self.ToString(), items.Count == 0 ? time.GetUtcNow() : items.Max(i => i.LastUpdatedTime), items)
        { Language = "ja" };
        // RFC 4287: an author for the feed (its entries inherit it) and the feed's own address.
        feed.Authors.Add(new SyndicationPerson { Name = settings.CityName, Uri = settings.BaseUrl.ToString() });
        feed.Links.Add(new SyndicationLink(self, "self", null, "application/atom+xml", 0));
        // Written as UTF-8 bytes, so the XML declaration says what the file is.
        using var bytes = new MemoryStream();
        using (var writer = XmlWriter.Create(bytes, new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) }))
        {
            new Atom10FeedFormatter(feed).WriteTo(writer);
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
