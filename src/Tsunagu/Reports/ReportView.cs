using Tsunagu.Calendar;
using Tsunagu.Indicators;

namespace Tsunagu.Reports;

/// <summary>
/// A run of a 実績 cell's text: the words before a figure, the figure (「利用者数:303人」, with its label and unit), and
/// last year's value to show after it in 【】, Sendai's house style. The cell's last run has no figure.
/// </summary>
public sealed record TextSegment(string Before, string Figure, string? Previous, string? Label = null, string? Unit = null)
{
    /// <summary>The run as printed, without 【前年度】.</summary>
    public string Text => Before + Figure;
}

/// <summary>How the table reads on the page and in every printed format: the same cells, the same 【前年度】, the same widths.</summary>
public static partial class ReportView
{
    /// <summary>「303人【290人】」's 【290人】: a number in 【】 right after a figure's number or unit.</summary>
    [System.Text.RegularExpressions.GeneratedRegex($"(?<=[0-9０-９]|{FigureParser.UnitWords}|実施)【約?[-−－▲]?[0-9０-９][0-9０-９,，.．]*(?:{FigureParser.UnitWords})?】")]
    private static partial System.Text.RegularExpressions.Regex PreviousYearPattern();

    /// <summary>A 実績 cell without the 【前年度】 values a printed table carries (what <see cref="Printed"/> adds).</summary>
    public static string WithoutPreviousYear(string results) => results.Contains('【') ? PreviousYearPattern().Replace(results, "") : results;

    /// <summary>「利用者数:303人 高校進学率:99%」 → 「利用者数:303人【290人】 高校進学率:99%【98%】」 where last year has them.</summary>
    public static IReadOnlyList<TextSegment> WithPreviousYear(string results, ReportProgram program)
    {
        var segments = new List<TextSegment>();
        var at = 0;
        // The parser gives figures in the cell's order, never overlapping.
        foreach (var figure in FigureParser.Parse(results).Figures.Where(f => f.Unit is not null))
        {
            var end = figure.Index + figure.Text.Length;
            var before = program.Previous(figure.Label, figure.Unit);
            segments.Add(new TextSegment(results[at..figure.Index], results[figure.Index..end],
                before is { } value ? $"【{FigureValues.Format(value)}{figure.Unit}】" : null, figure.Label, figure.Unit));
            at = end;
        }
        segments.Add(new TextSegment(results[at..], "", null));
        return segments;
    }

    /// <summary>A cell as printed: the 実績 cell with last year's values in 【】 when asked for, every other cell as it is.</summary>
    public static string Printed(ReportProgram program, ReportColumnRole role, bool previousYear)
    {
        var text = program.Cell(role);
        return role == ReportColumnRole.Results && previousYear
            ? string.Concat(WithPreviousYear(text, program).Select(s => s.Text + s.Previous))
            : text;
    }

    /// <summary>The note that says what 【】 holds.</summary>
    public static string PreviousYearNote(int fiscalYear) => $"【】内は前年度（{FiscalYears.Label(fiscalYear - 1)}）の値です。";

    /// <summary>
    /// The heading lines of a published table: 「公表版 第2版（令和7年6月30日公表）」 and one line per correction, with its
    /// date, where (program and column) and why. Nothing before 公表.
    /// </summary>
    public static IEnumerable<string> PublicationLines(ReportHead head)
    {
        if (head.Publications.Count == 0)
        {
            yield break;
        }
        var first = head.Publications[0];
        yield return $"公表版 第{head.Publications[^1].Version}版（{FiscalYears.FormatDate(first.PublishedAt.DayInJapan())}公表）";
        foreach (var correction in head.Publications.Skip(1))
        {
            var where = correction.ProgramCode is { } code && correction.Column is { } column ? $"{code} {column}: " : "";
            yield return $"第{correction.Version}版 {FiscalYears.FormatDate(correction.PublishedAt.DayInJapan())}訂正 — {where}{correction.Reason}";
        }
    }

    /// <summary>A column's width in characters of the xlsx (the printed HTML takes the same proportions).</summary>
    public static double Width(ReportColumnRole role) => role switch
    {
        ReportColumnRole.Program => 24,
        ReportColumnRole.Overview => 50,
        ReportColumnRole.Results => 32,
        ReportColumnRole.Evaluation => 50,
        _ => 16,
    };

    public static string CellId(string programCode, ReportColumnRole role) => $"cell-{programCode}-{role.ToString().ToLowerInvariant()}";
}
