using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Html;
using Tsunagu.Calendar;
using Tsunagu.Indicators;

namespace Tsunagu.Pages.Programs;

/// <summary>A figure across fiscal years as a bar chart drawn on the server: SVG, no script, readable by a screen reader.</summary>
public static class BarChart
{
    const int Width = 480, Height = 180, Top = 24, Bottom = 36, Side = 20;

    public static IHtmlContent Render(string id, string label, string? unit, IReadOnlyList<(int Year, decimal? Value)> points)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        static string N(double d) => d.ToString("F1", CultureInfo.InvariantCulture);
        var max = points.Max(p => p.Value ?? 0);
        var slot = (Width - 2.0 * Side) / Math.Max(1, points.Count);
        var summary = string.Join("、", points.Where(p => p.Value is not null)
            .Select(p => $"{FiscalYears.Label(p.Year)} {FigureValues.Format(p.Value!.Value)}{unit}"));

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-labelledby=\"{id}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title id=\"{id}\">{E($"{label}の推移: {summary}")}</title>");
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{Side}\" y1=\"{Height - Bottom}\" x2=\"{Width - Side}\" y2=\"{Height - Bottom}\"></line>");
        for (var i = 0; i < points.Count; i++)
        {
            var (year, value) = points[i];
            var barHeight = max == 0 || value is null ? 0 : (double)(value.Value / max) * (Height - Top - Bottom);
            var x = Side + i * slot + slot * 0.2;
            var middle = x + slot * 0.3;
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"bar\" x=\"{N(x)}\" y=\"{N(Height - Bottom - barHeight)}\" width=\"{N(slot * 0.6)}\" height=\"{N(barHeight)}\"></rect>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(middle)}\" y=\"{N(Height - Bottom - barHeight - 6)}\" text-anchor=\"middle\">{E(value is null ? "—" : FigureValues.Format(value.Value) + unit)}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(middle)}\" y=\"{Height - 14}\" text-anchor=\"middle\">{E(FiscalYears.Label(year))}</text>");
        }
        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }
}
