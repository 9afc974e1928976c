using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Html;
using Tsunagu.Indicators;

namespace Tsunagu.Pages.Programs;

/// <summary>
/// A figure month by month, this year's bar beside last year's for each month: SVG drawn on the server like
/// <see cref="BarChart"/>, no script, its numbers in its title for a screen reader (and in the table beside it).
/// </summary>
public static class MonthChart
{
    const int Width = 640, Height = 200, Top = 24, Bottom = 36, Side = 20;

    public static IHtmlContent Render(string id, string label, string? unit, IReadOnlyList<string> months,
        IReadOnlyList<decimal?> thisYear, IReadOnlyList<decimal?> lastYear)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        static string N(double d) => d.ToString("F1", CultureInfo.InvariantCulture);
        static string V(decimal? v, string? unit) => v is null ? "—" : FigureValues.Format(v.Value) + unit;
        var max = thisYear.Concat(lastYear).Max(v => v ?? 0);
        var slot = (Width - 2.0 * Side) / Math.Max(1, months.Count);
        var summary = string.Join("、", months.Select((m, i) => $"{m} {V(thisYear[i], unit)}（前年度 {V(lastYear[i], unit)}）"));

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart months\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-labelledby=\"{id}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title id=\"{id}\">{E($"{label}の月別: {summary}")}</title>");
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{Side}\" y1=\"{Height - Bottom}\" x2=\"{Width - Side}\" y2=\"{Height - Bottom}\"></line>");
        double HeightOf(decimal? v) => max == 0 || v is null ? 0 : (double)(v.Value / max) * (Height - Top - Bottom);
        for (var i = 0; i < months.Count; i++)
        {
            var x = Side + i * slot + slot * 0.1;
            var bar = slot * 0.38;
            foreach (var (value, offset, css) in new[] { (lastYear[i], 0.0, "bar last"), (thisYear[i], bar, "bar") })
            {
                var h = HeightOf(value);
                svg.Append(CultureInfo.InvariantCulture,
                    $"<rect class=\"{css}\" x=\"{N(x + offset)}\" y=\"{N(Height - Bottom - h)}\" width=\"{N(bar)}\" height=\"{N(h)}\"></rect>");
            }
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{N(x + bar * 1.5)}\" y=\"{N(Height - Bottom - HeightOf(thisYear[i]) - 6)}\" text-anchor=\"middle\">{E(V(thisYear[i], null))}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(x + bar)}\" y=\"{Height - 14}\" text-anchor=\"middle\">{E(months[i])}</text>");
        }
        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }
}
