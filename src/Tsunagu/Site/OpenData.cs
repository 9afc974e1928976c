using System.Globalization;
using System.Text.Json;
using CsvHelper;
using Tsunagu.Calendar;
using Tsunagu.Catalogue;

namespace Tsunagu.Site;

/// <summary>
/// The catalogue as open data, as 総務省's rules for machine-readable tables ask: one value per cell, a header row and
/// nothing above it, dates in the Western calendar with 和暦 beside them, the 全国地方公共団体コード on every row.
/// The targeting rules are the city's own working, not published.
/// </summary>
public static class OpenData
{
    static readonly JsonSerializerOptions Options = new(Reports.ReportTable.Json);

    public static string Json(IEnumerable<SupportScheme> schemes, PublicSettings settings) => JsonSerializer.Serialize(new
    {
        cityCode = settings.CityCode,
        cityName = settings.CityName,
        schemes = schemes.Select(s => new
        {
            key = s.Key,
            fiscalYear = s.FiscalYear,
            fiscalYearJapanese = FiscalYears.Label(s.FiscalYear),
            name = s.Name,
            summary = s.Summary,
            easySummary = s.EasySummary,
            whoCanApply = s.WhoCanApply,
            howToApply = s.HowToApply,
            contactPoint = s.ContactPoint,
            program = s.Program.Name,
            situations = s.Situations.Each().Select(x => x.Japanese()).ToList(),
            windows = s.Windows.OrderBy(w => w.Opens).Select(w => new
            {
                label = w.Label,
                opens = w.Opens,
                opensJapanese = FiscalYears.FormatDate(w.Opens),
                closes = w.Closes,
                closesJapanese = FiscalYears.FormatDate(w.Closes),
            }),
        }),
    }, Options);

    static readonly LifeSituation[] Situations = [.. Enum.GetValues<LifeSituation>().Where(s => s != LifeSituation.None)];

    /// <summary>A column per life situation (1 or 0): one value per cell, where a list would need a separator.</summary>
    static readonly string[] Header =
    [
        "全国地方公共団体コード", "地方公共団体名", "年度（西暦）", "年度（和暦）", "制度ID", "制度名", "概要", "やさしい日本語", "対象となる方", "申し込み方法",
        "問い合わせ先", "担当事業", .. Situations.Select(s => $"暮らしの場面：{s.Japanese()}"), "申込期間名", "開始日", "開始日（和暦）", "終了日", "終了日（和暦）",
    ];

    /// <summary>One row per window (a system without one has a row of its own with the window's cells empty).</summary>
    public static string Csv(IEnumerable<SupportScheme> schemes, PublicSettings settings)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        // Opened in a spreadsheet by most readers: a cell that starts like a formula is written so it stays text.
        using (var csv = new CsvWriter(text, Reports.ReportExporter.SpreadsheetSafe(new CsvHelper.Configuration.CsvConfiguration(CultureInfo.InvariantCulture))))
        {
            foreach (var field in Header)
            {
                csv.WriteField(field);
            }
            csv.NextRecord();
            foreach (var s in schemes)
            {
                var windows = s.Windows.OrderBy(w => w.Opens).Cast<ApplicationWindow?>().DefaultIfEmpty();
                foreach (var w in windows)
                {
                    string[] row =
                    [
                        settings.CityCode, settings.CityName, s.FiscalYear.ToString(CultureInfo.InvariantCulture), FiscalYears.Label(s.FiscalYear), s.Key, s.Name,
                        s.Summary, s.EasySummary ?? "", s.WhoCanApply, s.HowToApply, s.ContactPoint, s.Program.Name,
                        .. Situations.Select(x => s.Situations.HasFlag(x) ? "1" : "0"),
                        w?.Label ?? "", w?.Opens.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "", w is null ? "" : FiscalYears.FormatDate(w.Opens),
                        w?.Closes.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "", w is null ? "" : FiscalYears.FormatDate(w.Closes),
                    ];
                    foreach (var field in row)
                    {
                        csv.WriteField(field);
                    }
                    csv.NextRecord();
                }
            }
        }
        return text.ToString();
    }
}
