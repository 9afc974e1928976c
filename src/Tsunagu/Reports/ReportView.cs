using Tsunagu.Indicators;

namespace Tsunagu.Reports;

/// <summary>A run of a cell's text, and the previous year's value to show after it in 【】, Sendai's house style.</summary>
public sealed record TextSegment(string Text, string? Previous);

public static class ReportView
{
    /// <summary>「利用者数:303人 高校進学率:99%」 → 「利用者数:303人【290人】 高校進学率:99%【98%】」 where last year has them.</summary>
    public static IReadOnlyList<TextSegment> WithPreviousYear(
        string results, string programCode, IReadOnlyDictionary<(string Code, string Label, string? Unit), decimal> previous)
    {
        var segments = new List<TextSegment>();
        var at = 0;
        foreach (var figure in FigureParser.Parse(results).Figures)
        {
            if (figure.Unit is null || !previous.TryGetValue((programCode, figure.Label, figure.Unit), out var before))
            {
                continue;
            }
            var end = figure.Index + figure.Text.Length;
            segments.Add(new TextSegment(results[at..end], $"【{FigureValues.Format(before)}{figure.Unit}】"));
            at = end;
        }
        segments.Add(new TextSegment(results[at..], null));
        return segments;
    }

    public static string CellId(string programCode, ReportColumnRole role) => $"cell-{programCode}-{role.ToString().ToLowerInvariant()}";
}
