using Tsunagu.Calendar;
using Tsunagu.Reports;

namespace Tsunagu.Indicators;

/// <summary>What computing a year did: its figures, and what writing them into the report did.</summary>
public sealed record YearComputation(int Year, IReadOnlyList<ComputedFigure> Figures, ComputedYear Applied)
{
    /// <summary>One line for whoever asked: what was written, or why nothing was.</summary>
    public string Summary => Applied.Refusal
        ?? $"{FiscalYears.Label(Year)}の {Figures.Count(f => f.Value is not null)} 件の数値を記録から集計し、下書きの実績欄に反映しました。";
}

/// <summary>
/// Computing a year's figures from the records into its report's draft: the one way the command line, the
/// indicators page and the demo city do it (a year past 下書き is compared, not changed: ReportWorkflow).
/// </summary>
public sealed class FigureComputation(IndicatorComputer computer, ReportWorkflow workflow, WorkProgress? progress = null)
{
    public async Task<YearComputation> RunAsync(int year, string actor, CancellationToken ct = default)
    {
        progress?.Report($"{Calendar.FiscalYears.Label(year)}: 記録から数えています");
        var figures = await computer.ComputeAsync(year, ct);
        progress?.Report($"{Calendar.FiscalYears.Label(year)}: 実績欄に書き込んでいます");
        return new YearComputation(year, figures, await workflow.ApplyComputedAsync(year, figures, actor, ct));
    }
}
