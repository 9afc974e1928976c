using System.Net;
using System.Xml.Linq;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tsunagu.Calendar;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Site;

/// <summary>`public build`: the public site of the support catalogue as static files, from public information only.</summary>
public class PublicSiteTests
{
    /// <summary>The seed table published for FY2024 and the demo catalogue for the current year.</summary>
    static async Task<(TestDatabase Database, TempFolder Files)> CityAsync(DatabaseKind kind)
    {
        var database = await TestDatabase.CreateAsync(kind);
        var files = new TempFolder();
        await CliRun.RunOkAsync(database, "report", "import", Seed.Write(files.Path, "seed.tsv", Seed.Bytes()));
        foreach (var status in new[] { "局確認", "取りまとめ", "会議資料確定", "公表" })
        {
            await CliRun.RunOkAsync(database, "report", "status", "--fiscal-year", "2024", "--to", status);
        }
        await CliRun.RunOkAsync(database, "catalogue", "demo", "--fiscal-year", CityClock.CurrentFiscalYear(TimeProvider.System).ToString(System.Globalization.CultureInfo.InvariantCulture));
        return (database, files);
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task TheSite_ListsTheSystemsByLifeSituation_WithTheirWindows_Feeds_OpenData_AndThePublishedTable(DatabaseKind kind)
    {
        var (database, files) = await CityAsync(kind);
        await using var _ = database;
        using var __ = files;
        var site = Path.Combine(files.Path, "site");

        var elsewhere = Path.Combine(files.Path, "documents");
        Directory.CreateDirectory(elsewhere);
        File.WriteAllText(Path.Combine(elsewhere, "keep.txt"), "a file of someone's");

        var refused = await CliRun.RunAsync(database, "public", "build", "--out", elsewhere);
        await CliRun.RunOkAsync(database, "public", "build", "--out", site);
        // An earlier build's folder is emptied: an ended system's page does not stay behind.
        File.WriteAllText(Path.Combine(site, "schemes", "stale.html"), "old");
        var built = await CliRun.RunOkAsync(database, "public", "build", "--out", site);

        Assert.Equal(1, refused.ExitCode);
        Assert.True(File.Exists(Path.Combine(elsewhere, "keep.txt")));
        Assert.False(File.Exists(Path.Combine(site, "schemes", "stale.html")));
        Assert.Contains("支援制度 5 件、申込期間 7 件、実績表 1 年度", built.Out);
        string Read(string path) => File.ReadAllText(Path.Combine(site, path));
        var today = CityClock.Today(TimeProvider.System);
        await using var db = database.NewDb();
        var windows = await db.SupportSchemes.SelectMany(s => s.Windows).ToListAsync();
        var openNow = windows.Count(w => w.Opens <= today && today <= w.Closes);
        var index = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(Read("index.html"));
        Assert.Equal("ja", index.DocumentElement.GetAttribute("lang"));
        Assert.Null(index.QuerySelector("script"));
        Assert.Equal(openNow, index.QuerySelectorAll("#open-now + ul li, section[aria-labelledby=open-now] li").Length);
        Assert.Equal(["就学援助", "進学チャレンジ応援補助金"],
            index.QuerySelectorAll("section[aria-labelledby=SchoolChildren] li a").Select(a => a.TextContent).Order(StringComparer.Ordinal));
        Assert.NotNull(index.QuerySelector("a[href='tables/2024.html']"));
        var year = CityClock.CurrentFiscalYear(TimeProvider.System);
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(Read($"schemes/{year}/shingaku-challenge.html"));
        Assert.Equal("進学チャレンジ応援補助金", page.QuerySelector("h1")!.TextContent);
        Assert.Equal(2, page.QuerySelectorAll("ul.windows li").Length);
        Assert.Contains("中3 模試代：", page.QuerySelector("ul.windows")!.TextContent);
        Assert.Contains("やさしい日本語", page.QuerySelector("main")!.TextContent);
        // The published table, as published.
        Assert.Contains("公表版 第1版", Read("tables/2024.html"));
        Assert.Contains("学習・生活サポート事業", Read("tables/2024.html"));
        // Its figures as open data: those the table prints, one per row, the city's code on each.
        Assert.NotNull(index.QuerySelector("a[href='data/figures-2024.csv']"));
        var figures = Read("data/figures-2024.csv").TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("年度（西暦）,年度（和暦）,全国地方公共団体コード,", figures[0]);
        Assert.Contains("2024,令和6年度,041009,仙台市,公表,1,P001,学習・生活サポート事業,利用者数,利用者数,303,人,実人数,0,取込,1,,", figures);
        Assert.All(figures.Skip(1), f => Assert.Equal("1", f.Split(',')[15]));
        // A calendar families subscribe to: each window an all-day event, its last day included.
        var ics = Read("calendar.ics");
        Assert.Equal(7, ics.Split("BEGIN:VEVENT").Length - 1);
        Assert.Contains($"DTSTART;VALUE=DATE:{year}0801", ics);
        Assert.Contains($"DTEND;VALUE=DATE:{year}0901", ics);
        // Read from its bytes as a feed reader would: the declaration must say UTF-8, and RFC 4287 wants an author and a self link.
        var atom = XDocument.Load(Path.Combine(site, "feed.atom"));
        XNamespace a = "http://www.w3.org/2005/Atom";
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>", Read("feed.atom"));
        Assert.Equal(7, atom.Root!.Elements(a + "entry").Count());
        Assert.Equal("仙台市", atom.Root.Element(a + "author")!.Element(a + "name")!.Value);
        Assert.Contains(atom.Root.Elements(a + "link"), l => (string?)l.Attribute("rel") == "self");
        // Open data: a header and nothing above it, one value per cell, the city's code on each row, 和暦 beside the dates.
        var csv = Read("data/catalogue.csv").TrimEnd().Split('\n');
        Assert.StartsWith("全国地方公共団体コード,地方公共団体名,年度（西暦）,年度（和暦）,制度ID,制度名", csv[0]);
        Assert.Equal(8, csv.Length);
        Assert.All(csv.Skip(1), row => Assert.StartsWith("041009,仙台市,", row));
        Assert.Contains($"{year}-08-01,{FiscalYears.FormatDate(new DateOnly(year, 8, 1))},{year}-08-31", Read("data/catalogue.csv"));
        using var json = System.Text.Json.JsonDocument.Parse(Read("data/catalogue.json"));
        Assert.Equal("041009", json.RootElement.GetProperty("cityCode").GetString());
        Assert.Equal(5, json.RootElement.GetProperty("schemes").GetArrayLength());
        // The targeting rules are the city's working, not published.
        Assert.DoesNotContain("学年=", Read("data/catalogue.json") + Read("data/catalogue.csv") + Read($"schemes/{year}/shingaku-challenge.html"));
    }

    /// <summary>
    /// The proof that no personal data can reach the site: built by a database account that may read the catalogue, the
    /// programs and the published reports and nothing else — a read of a person, household or contact would fail.
    /// </summary>
    [Fact]
    public async Task TheSite_IsBuiltByAnAccountThatCannotReadAnyPersonHouseholdOrContact()
    {
        var (database, files) = await CityAsync(DatabaseKind.Postgres);
        await using var _ = database;
        using var __ = files;
        var role = $"site_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(database.Settings.ConnectionString))
        {
            await admin.OpenAsync();
            const string grants = "support_schemes, application_windows, programs, reports, report_publications, \"__EFMigrationsHistory\"";
            await using var command = new NpgsqlCommand(
                $"CREATE ROLE {role} LOGIN PASSWORD 'site'; GRANT USAGE ON SCHEMA public TO {role}; GRANT SELECT ON {grants} TO {role};", admin);
            await command.ExecuteNonQueryAsync();
            await using var check = new NpgsqlCommand($"SET ROLE {role}; SELECT count(*) FROM persons;", admin);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => check.ExecuteScalarAsync());
            Assert.Equal("42501", refused.SqlState);
        }
        var connection = new NpgsqlConnectionStringBuilder(database.Settings.ConnectionString) { Username = role, Password = "site" }.ConnectionString;
        var output = new StringWriter();
        var error = new StringWriter();
        var cli = new Cli(new CliIo(output, error, () => new MemoryStream()), c => Microsoft.Extensions.Configuration.MemoryConfigurationBuilderExtensions.AddInMemoryCollection(c, new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:Tsunagu"] = connection,
            ["Logging:LogLevel:Default"] = "Warning",
        }));

        var exit = await cli.InvokeAsync(["public", "build", "--out", Path.Combine(files.Path, "site")]);

        Assert.True(exit == 0, error.ToString());
        Assert.True(File.Exists(Path.Combine(files.Path, "site", "tables", "2024.html")));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task ServePublic_ServesTheSamePages_WithoutSignInOrCookie_AndNoRouteToAnythingElse(DatabaseKind kind)
    {
        var (database, files) = await CityAsync(kind);
        await using var _ = database;
        using var __ = files;
        var site = Path.Combine(files.Path, "site");
        await CliRun.RunOkAsync(database, "public", "build", "--out", site);
        await using var app = Tsunagu.Site.PublicServer.Build(["--urls", "http://127.0.0.1:0"], database.Configure);
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()) };

        // Every file the build wrote, byte for byte.
        foreach (var path in Directory.GetFiles(site, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(site, f).Replace('\\', '/')).Where(p => !p.StartsWith('.')))
        {
            var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(site, path)), await response.Content.ReadAsByteArrayAsync());
            Assert.False(response.Headers.Contains("Set-Cookie"), path);
        }
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(site, "index.html")), await http.GetStringAsync("/"));
        Assert.Equal("text/calendar", (await http.GetAsync("calendar.ics")).Content.Headers.ContentType!.MediaType);
        // Nothing of the staff application answers: not its pages, its API, its files or its sign-in.
        foreach (var path in new[] { "/people", "/people/1", "/api/v1/people/1", "/api/v1/reports/2024", "/attachments/1", "/account/login", "/catalogue", "/health", "/css/site.css", "/../appsettings.json" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(path)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.PostAsync("/", new StringContent("x"))).StatusCode);
        // The whole surface: two GET routes.
        var routes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => $"{string.Join(",", e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? [])} {e.RoutePattern.RawText}").Order(StringComparer.Ordinal);
        Assert.Equal(["GET,HEAD /", "GET,HEAD /{**path}"], routes);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "index.html"))).StatusCode);
        await app.StopAsync();
    }

    /// <summary>The Nu HTML checker (vnu-jar from npm, run on Debian's Java, both installed by test.sh) on every page and the stylesheet.</summary>
    [Fact]
    public async Task EveryPageAndTheStylesheet_PassTheNuHtmlChecker()
    {
        var (database, files) = await CityAsync(DatabaseKind.Sqlite);
        await using var _ = database;
        using var __ = files;
        var site = Path.Combine(files.Path, "site");
        await CliRun.RunOkAsync(database, "public", "build", "--out", site);
        var vnu = Path.Combine(Tsunagu.Tests.Browser.BrowserFixture.RepositoryRoot(), "tests", "tools", "node_modules", "vnu-jar", "build", "dist", "vnu.jar");
        Assert.True(File.Exists(vnu), $"{vnu} is missing. Run ./test.sh, which installs it (npm ci).");
        var checkedFiles = Directory.GetFiles(site, "*.html", SearchOption.AllDirectories).Append(Path.Combine(site, "style.css")).ToList();
        var start = new System.Diagnostics.ProcessStartInfo("java") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-jar", vnu, "--errors-only", "--format", "json", "--also-check-css" }.Concat(checkedFiles))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var report = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        using var json = System.Text.Json.JsonDocument.Parse(report);
        var errors = json.RootElement.GetProperty("messages").EnumerateArray()
            .Where(m => m.GetProperty("type").GetString() == "error")
            .Select(m => $"{m.GetProperty("url").GetString()}: {m.GetProperty("message").GetString()}").ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        Assert.True(checkedFiles.Count >= 8, $"only {checkedFiles.Count} files checked");
    }
}
