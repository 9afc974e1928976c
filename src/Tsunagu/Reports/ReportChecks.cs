using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Data;
using Tsunagu.Indicators;
using Tsunagu.Japanese;
using Tsunagu.Programs;
using Tsunagu.Reports.Files;

namespace Tsunagu.Reports;

public enum FindingKind
{
    EmptyCell,
    WrapSpace,
    TruncatedSentence,
    UnbalancedBracket,
    FigureWithoutUnit,
    YearOverYearChange,
    BureausRunTogether,
    ComputedDiffers,
    FormulaLike,
    NegativeFigure,
    PlatformDependent,
}

/// <summary>A data-quality finding: which program, which column, what kind, and the text it concerns.</summary>
public sealed record Finding(string ProgramCode, string ProgramName, ReportColumnRole Column, string ColumnHeader, FindingKind Kind, string Message, string Quote)
{
    public static string KindCode(FindingKind kind) => Regex.Replace(kind.ToString(), "(?<!^)([A-Z])", "-$1").ToLowerInvariant();

    /// <summary>One line, tab-separated: code, program, column, kind, what, 「quote」.</summary>
    public override string ToString() => $"{ProgramCode}\t{ProgramName}\t{ColumnHeader}\t{KindCode(Kind)}\t{Message}\t「{Quote}」";
}

/// <summary>
/// Finds what PDF extraction and hand editing leave in a table. It reports and never changes the text: what was
/// published stays as published.
/// </summary>
public static class ReportChecks
{
    public const double DefaultMaxChange = 0.5;

    static readonly (char Open, char Close)[] Brackets = [('(', ')'), ('（', '）'), ('「', '」'), ('『', '』'), ('【', '】'), ('[', ']'), ('［', '］')];

    // Prose ends with one of these; anything else in an overview or evaluation was cut off.
    const string SentenceEnds = "。．.！!？?)）」』】";

    public static async Task<IReadOnlyList<Finding>> RunAsync(TsunaguDb db, int fiscalYear, double maxChange, CancellationToken ct = default)
    {
        var table = await new ReportReader(db).ReadAsync(fiscalYear, ct);
        var findings = new List<Finding>();
        await foreach (var program in table.Programs().WithCancellation(ct))
        {
            findings.AddRange(Check(table.Head, program, maxChange));
        }
        return findings;
    }

    public static IEnumerable<Finding> Check(ReportHead head, ReportProgram program, double maxChange)
    {
        foreach (var column in head.Columns)
        {
            var text = program.Cell(column.Role);
            Finding Found(FindingKind kind, string message, string quote) =>
                new(program.Code, program.Name, column.Role, column.Header, kind, message, quote);

            if (string.IsNullOrWhiteSpace(text))
            {
                if (column.Role is ReportColumnRole.Results or ReportColumnRole.Bureau or ReportColumnRole.Evaluation or ReportColumnRole.Overview)
                {
                    yield return Found(FindingKind.EmptyCell, "空欄です", text);
                }
                continue;
            }

            if (ReportExporter.StartsLikeAFormula(text))
            {
                yield return Found(FindingKind.FormulaLike,
                    "先頭が = + - @ などで、表計算ソフトが数式として扱います（CSV・TSV では先頭に ' を付け、引用符で囲んで書き出します）", JapaneseText.Excerpt(text, 0, 1));
            }

            var dependent = TextEncodings.PlatformDependent(text).ToList();
            if (dependent.Count > 0)
            {
                yield return Found(FindingKind.PlatformDependent,
                    $"機種依存文字（{string.Concat(dependent)}）があります。Windows 以外の機器やメールでは別の文字になるか表示されません（① は (1)、㈱ は（株）など）",
                    JapaneseText.Excerpt(text, text.IndexOf(dependent[0]), 1));
            }

            foreach (var (index, length) in WrapSpaces(text, column.Role))
            {
                yield return Found(FindingKind.WrapSpace, "文字の間に空白があります（PDF の改行の跡と思われます）", JapaneseText.Excerpt(text, index, length));
            }

            if (column.Role is ReportColumnRole.Overview or ReportColumnRole.Evaluation)
            {
                var trimmed = text.TrimEnd();
                if (!SentenceEnds.Contains(trimmed[^1]))
                {
                    yield return Found(FindingKind.TruncatedSentence, "文が途中で終わっています", JapaneseText.Excerpt(trimmed, trimmed.Length - 1, 1, 16));
                }
            }

            foreach (var (index, message) in UnbalancedBrackets(text))
            {
                yield return Found(FindingKind.UnbalancedBracket, message, JapaneseText.Excerpt(text, index, 1));
            }

            if (column.Role == ReportColumnRole.Bureau && BureauParser.HasBureausRunTogether(text))
            {
                yield return Found(FindingKind.BureausRunTogether,
                    $"複数の局が区切りなしで続いています（{string.Join("・", BureauParser.Parse(text).Select(b => b.Name))}）", text);
            }

            if (column.Role == ReportColumnRole.Results)
            {
                foreach (var figure in FigureParser.Parse(text).Figures)
                {
                    if (figure.Unit is null)
                    {
                        yield return Found(FindingKind.FigureWithoutUnit, $"「{figure.Label}」の数値 {figure.Value:#,0.####} に単位がありません", figure.Text);
                        continue;
                    }
                    if (figure.Value < 0)
                    {
                        yield return Found(FindingKind.NegativeFigure, $"「{figure.Label}」が負の数 {figure.Value:#,0.####}{figure.Unit} です（符号の誤りではありませんか）", figure.Text);
                    }
                    // A figure also counted from the records that the cell prints otherwise: set by hand, or edited after
                    // the computation.
                    if (program.Figures.FirstOrDefault(f => f.Printed && f.Label == figure.Label && f.Unit == figure.Unit)?.Counted
                        is { } counted && counted != figure.Value)
                    {
                        yield return Found(FindingKind.ComputedDiffers,
                            $"「{figure.Label}」は記録からの集計では {counted:#,0.####}{figure.Unit} です（実績欄は {figure.Value:#,0.####}{figure.Unit}）", figure.Text);
                    }
                    if (program.Previous(figure.Label, figure.Unit) is { } before && before != 0)
                    {
                        var change = (double)((figure.Value - before) / before);
                        if (Math.Abs(change) > maxChange)
                        {
                            yield return Found(FindingKind.YearOverYearChange,
                                $"「{figure.Label}」が前年度 {before:#,0.####}{figure.Unit} から {change:+0%;-0%} 変わっています（基準 ±{maxChange:0%}）",
                                figure.Text);
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// A space between two CJK letters, as in 「事 業」. In a 実績 cell a space before a label:value item is the
    /// separator the grammar expects (「…を配置 対応件数:73,119件」) and is not reported.
    /// </summary>
    static IEnumerable<(int Index, int Length)> WrapSpaces(string text, ReportColumnRole role)
    {
        for (var i = 1; i < text.Length - 1; i++)
        {
            if (!JapaneseText.IsSpace(text[i]) || !JapaneseText.IsCjkLetter(text[i - 1]))
            {
                continue;
            }
            var end = i;
            while (end < text.Length && JapaneseText.IsSpace(text[end]))
            {
                end++;
            }
            if (end < text.Length && JapaneseText.IsCjkLetter(text[end])
                && !(role == ReportColumnRole.Results && FigureParser.StartsWithItem(text[end..])))
            {
                yield return (i, end - i);
            }
            i = end - 1;
        }
    }

    static IEnumerable<(int Index, string Message)> UnbalancedBrackets(string text)
    {
        var open = new Stack<(char Close, int Index)>();
        for (var i = 0; i < text.Length; i++)
        {
            foreach (var (o, c) in Brackets)
            {
                if (text[i] == o)
                {
                    open.Push((c, i));
                }
                else if (text[i] == c)
                {
                    if (open.Count > 0 && open.Peek().Close == c)
                    {
                        open.Pop();
                    }
                    else
                    {
                        yield return (i, $"閉じ括弧「{c}」に対応する開き括弧がありません");
                    }
                }
            }
        }
        foreach (var (close, index) in open.Reverse())
        {
            yield return (index, $"開き括弧「{text[index]}」が閉じられていません（「{close}」がありません）");
        }
    }
}
