using System.Globalization;
using System.Net;
using System.Text;
using Tsunagu.Calendar;
using Tsunagu.Catalogue;

namespace Tsunagu.Site;

/// <summary>
/// The public pages as HTML: no script, one stylesheet, headings and lists a screen reader can walk (JIS X 8341-3 AA is
/// the aim), readable at 320 px, in forced colours and on paper. Built by the same code for the static site and for
/// `serve --public`.
/// </summary>
public sealed class PublicPages(PublicSettings settings, DateOnly today)
{
    static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>A system's page: by year and key, so that next year's page does not replace this year's while both are open.</summary>
    public static string SchemePath(SupportScheme scheme) => $"schemes/{scheme.FiscalYear}/{scheme.Key}.html";

    string Page(string title, string root, string body) => $"""
        <!DOCTYPE html>
        <html lang="ja">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{E(title)}｜{E(settings.CityName)} 子育て・ひとり親家庭の支援制度</title>
        <link rel="stylesheet" href="{root}style.css">
        <link rel="alternate" type="application/atom+xml" title="申込期間のお知らせ（Atom）" href="{root}feed.atom">
        </head>
        <body>
        <a class="skip" href="#main">本文へ移動</a>
        <header><p class="site"><a href="{root}index.html">{E(settings.CityName)} 子育て・ひとり親家庭の支援制度</a></p></header>
        <main id="main">
        {body}
        </main>
        <footer><p>{E(settings.CityName)}（全国地方公共団体コード {E(settings.CityCode)}）・{E(FiscalYears.FormatDate(today))}時点の情報です。このサイトの内容とオープンデータは{E(settings.License)}で利用できます。</p></footer>
        </body>
        </html>

        """;

    string Window(ApplicationWindow w) =>
        $"""<li id="window-{w.Id}">{(w.Label is null ? "" : E(w.Label) + "：")}{E(FiscalYears.FormatDate(w.Opens))}から{E(FiscalYears.FormatDate(w.Closes))}まで <strong class="state">{State(w)}</strong></li>""";

    /// <summary>The window's state (<see cref="CatalogueText.StateOn"/>), with the opening day for a family waiting for it.</summary>
    string State(ApplicationWindow w) => w.StateOn(today) is var state && today < w.Opens ? $"{state}（{w.Opens.Month}月{w.Opens.Day}日から）" : state;

    public string Index(IReadOnlyList<SupportScheme> schemes, IReadOnlyList<int> publishedYears)
    {
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"<h1>{E(settings.CityName)}の子育て・ひとり親家庭の支援制度</h1>\n");
        body.Append("<p>申し込みの時期が決まっている支援制度を、暮らしの場面ごとにまとめています。</p>\n");
        var open = schemes.SelectMany(s => s.Windows.Where(w => w.StateOn(today) == CatalogueText.Open).Select(w => (s, w))).ToList();
        body.Append("<section aria-labelledby=\"open-now\"><h2 id=\"open-now\">いま申し込める制度</h2>\n");
        body.Append(open.Count == 0 ? "<p>いま受付中の制度はありません。</p>\n"
            : "<ul>\n" + string.Concat(open.Select(x => $"<li><a href=\"{SchemePath(x.s)}\">{E(x.s.Name)}</a>{(x.w.Label is null ? "" : "（" + E(x.w.Label) + "）")}：{E(FiscalYears.FormatDate(x.w.Closes))}まで</li>\n")) + "</ul>\n");
        body.Append("</section>\n");
        foreach (var situation in Enum.GetValues<LifeSituation>().Where(s => s != LifeSituation.None))
        {
            var listed = schemes.Where(s => s.Situations.HasFlag(situation)).ToList();
            if (listed.Count == 0)
            {
                continue;
            }
            body.Append(CultureInfo.InvariantCulture, $"<section aria-labelledby=\"{situation}\"><h2 id=\"{situation}\">{E(situation.Japanese())}</h2>\n<ul>\n");
            foreach (var scheme in listed)
            {
                body.Append(CultureInfo.InvariantCulture, $"<li><a href=\"{SchemePath(scheme)}\">{E(scheme.Name)}</a>（{E(FiscalYears.Label(scheme.FiscalYear))}）</li>\n");
            }
            body.Append("</ul></section>\n");
        }
        body.Append("<section aria-labelledby=\"subscribe\"><h2 id=\"subscribe\">申込期間を受け取る</h2>\n<ul>\n");
        body.Append("<li><a href=\"calendar.ics\">カレンダー（iCalendar 形式）</a>：スマートフォンのカレンダーに登録できます。</li>\n");
        body.Append("<li><a href=\"feed.atom\">更新のお知らせ（Atom 形式）</a></li>\n</ul></section>\n");
        body.Append("<section aria-labelledby=\"open-data\"><h2 id=\"open-data\">オープンデータ</h2>\n<ul>\n");
        body.Append("<li><a href=\"data/catalogue.csv\">支援制度の一覧（CSV）</a></li>\n<li><a href=\"data/catalogue.json\">支援制度の一覧（JSON）</a></li>\n</ul></section>\n");
        if (publishedYears.Count > 0)
        {
            body.Append("<section aria-labelledby=\"tables\"><h2 id=\"tables\">事業の実績（公表した実績表）</h2>\n<ul>\n");
            foreach (var year in publishedYears)
            {
                body.Append(CultureInfo.InvariantCulture,
                    $"<li><a href=\"tables/{year}.html\">{E(FiscalYears.LabelWithWestern(year))}の主な施策の実績</a>（<a href=\"data/figures-{year}.csv\">数値の CSV</a>）</li>\n");
            }
            body.Append("</ul></section>\n");
        }
        return Page("支援制度の一覧", "", body.ToString());
    }

    public string Scheme(SupportScheme scheme)
    {
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"<nav aria-label=\"現在の場所\"><a href=\"../../index.html\">支援制度の一覧</a> ＞ {E(scheme.Name)}</nav>\n");
        body.Append(CultureInfo.InvariantCulture, $"<h1>{E(scheme.Name)}</h1>\n<p class=\"year\">{E(FiscalYears.LabelWithWestern(scheme.FiscalYear))}</p>\n");
        body.Append(CultureInfo.InvariantCulture, $"<p>{E(scheme.Summary)}</p>\n");
        if (scheme.EasySummary is { } easy)
        {
            body.Append(CultureInfo.InvariantCulture, $"<section aria-labelledby=\"easy\" class=\"easy\"><h2 id=\"easy\">やさしい日本語</h2><p>{E(easy)}</p></section>\n");
        }
        body.Append(CultureInfo.InvariantCulture, $"<h2>申し込みの期間</h2>\n<ul class=\"windows\">\n{string.Concat(scheme.Windows.OrderBy(w => w.Opens).Select(Window))}</ul>\n");
        body.Append(CultureInfo.InvariantCulture, $"<h2>対象となる方</h2>\n<p>{E(scheme.WhoCanApply)}</p>\n");
        body.Append(CultureInfo.InvariantCulture, $"<h2>申し込み方法</h2>\n<p>{E(scheme.HowToApply)}</p>\n");
        body.Append(CultureInfo.InvariantCulture, $"<h2>問い合わせ先</h2>\n<p>{E(scheme.ContactPoint)}</p>\n");
        body.Append(CultureInfo.InvariantCulture, $"<p class=\"meta\">担当: {E(scheme.Program.Name)}・更新 {E(FiscalYears.FormatDate(scheme.UpdatedAt.DayInJapan()))}</p>\n");
        return Page(scheme.Name, "../../", body.ToString());
    }

    /// <summary>Large, plain and high-contrast; follows the reader's forced colours; no fixed widths below 320 px.</summary>
    public const string Style = """
        html { font-size: 112.5%; }
        body { margin: 0; font-family: "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", "Meiryo", sans-serif; line-height: 1.8; color: #1a1a1a; background: #fff; }
        header, main, footer { max-width: 48rem; margin: 0 auto; padding: 0 1rem; }
        header { border-bottom: 4px solid #0b5394; }
        .site a { color: #0b5394; font-weight: bold; text-decoration: none; }
        a { color: #0b5394; }
        a:focus-visible { outline: 3px solid #1a1a1a; outline-offset: 2px; }
        .skip { position: absolute; left: -999px; }
        .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .25rem .5rem; }
        h1 { font-size: 1.6rem; line-height: 1.4; }
        h2 { font-size: 1.25rem; border-left: 6px solid #0b5394; padding-left: .5rem; margin-top: 2rem; }
        .state { white-space: nowrap; }
        .easy { background: #eef2f6; padding: .25rem 1rem; }
        .meta, footer { color: #4a4a4a; font-size: .9rem; }
        @media (forced-colors: active) { h2 { border-left-color: CanvasText; } header { border-bottom-color: CanvasText; } }
        @media print { a { color: #000; } .skip { display: none; } header { border-bottom: 1px solid #000; } }
        """;
}
