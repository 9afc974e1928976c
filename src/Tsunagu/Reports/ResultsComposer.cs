using Tsunagu.Indicators;

namespace Tsunagu.Reports;

/// <summary>A 実績 cell composed from the computed figures, and what the planner should look at.</summary>
public sealed record ComposedResults(string Text, IReadOnlyList<string> Notes);

/// <summary>
/// Writes computed figures into a program's 実績 cell in the program's own wording: each figure the draft already
/// prints (same label and unit) gets its number changed in place, so 「就業支援セミナー:計23回実施」 and
/// 「88名 のスクールカウンセラーを配置」 keep their words; a figure the draft does not print is added in its
/// definition's wording. Everything else in the draft stays as it was.
/// </summary>
public static class ResultsComposer
{
    /// <param name="manualLabels">Labels of figures a person set by hand: kept, and a difference is a note.</param>
    /// <param name="carriedOver">The draft is last year's text: a figure no definition counts still has last year's number.</param>
    public static ComposedResults Compose(string draft, IReadOnlyList<ComputedFigure> figures, IReadOnlySet<string> manualLabels, bool carriedOver)
    {
        var printed = FigureParser.Parse(draft).Figures.ToList();
        var used = new bool[printed.Count];
        var replacements = new List<(int Index, int Length, string Text)>();
        var additions = new List<string>();
        var notes = new List<string>();
        foreach (var figure in figures.Where(f => f.Definition.InResults).OrderBy(f => f.Definition.Position))
        {
            var d = figure.Definition;
            var at = Enumerable.Range(0, printed.Count).FirstOrDefault(i => !used[i] && printed[i].Label == d.Label && printed[i].Unit == d.Unit, -1);
            if (figure.Value is not { } value)
            {
                notes.Add($"「{d.Label}」: {figure.Problem}");
                continue;
            }
            if (at < 0)
            {
                additions.Add(d.Word(value));
                continue;
            }
            used[at] = true;
            var current = printed[at];
            if (manualLabels.Contains(d.Label))
            {
                if (current.Value != value)
                {
                    notes.Add($"「{d.Label}」は手入力の値 {FigureValues.Format(current.Value)}{d.Unit} のままです（記録からの集計は {FigureValues.Format(value)}{d.Unit}）。");
                }
                continue;
            }
            replacements.Add((current.NumberIndex, current.NumberLength, FigureValues.FormatLike(value, draft.Substring(current.NumberIndex, current.NumberLength))));
        }
        if (carriedOver)
        {
            notes.AddRange(printed.Where((p, i) => !used[i])
                .Select(p => $"「{p.Text}」は記録から集計する指標がなく、前年度の数値のままです。"));
        }
        var text = draft;
        foreach (var (index, length, number) in replacements.OrderByDescending(r => r.Index))
        {
            text = text[..index] + number + text[(index + length)..];
        }
        if (additions.Count > 0)
        {
            text = string.Join(" ", new[] { text.TrimEnd() }.Where(t => t.Length > 0).Concat(additions));
        }
        return new ComposedResults(text, notes);
    }
}
