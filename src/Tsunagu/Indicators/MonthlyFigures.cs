using Microsoft.EntityFrameworkCore;
using Tsunagu.Calendar;
using Tsunagu.Data;

namespace Tsunagu.Indicators;

/// <summary>One month of a fiscal year: April is 1, March 12.</summary>
public sealed record FiscalMonth(int FiscalYear, int Index)
{
    public DateOnly Start => FiscalYears.Start(FiscalYear).AddMonths(Index - 1);
    public DateOnly End => Start.AddMonths(1).AddDays(-1);
    public string Label => $"{Start.Month}月";
}

/// <summary>A figure of a program month by month, this year's months so far beside last year's same months.</summary>
/// <param name="ThisYear">Each month so far (the current one up to today).</param>
/// <param name="LastYear">The same months of the year before, whole.</param>
/// <param name="ToDate">This year so far; <paramref name="LastYearToDate"/> the year before up to the same day.</param>
public sealed record MonthlyFigure(
    IndicatorDefinition Definition, IReadOnlyList<decimal?> ThisYear, IReadOnlyList<decimal?> LastYear, decimal? ToDate, decimal? LastYearToDate);

/// <summary>
/// 月別の実績 for a program's manager during the year: each figure the annual computation would count, by the same
/// definitions and filters (<see cref="IndicatorComputer.CountAsync"/>), month by month — the months of a finished
/// year add up to the year's count. Figures counted per year only (配置人数, 進路・結果) are left out; a rate is its
/// parts' quotient for the month.
/// </summary>
public sealed class MonthlyFigures(TsunaguDb db, IndicatorDefinitions definitions, IndicatorComputer computer, TimeProvider time)
{
    public async Task<(List<FiscalMonth> Months, List<MonthlyFigure> Figures)> ForAsync(int programId, int fiscalYear, CancellationToken ct = default)
    {
        var today = CityClock.Today(time);
        var lastDay = FiscalYears.End(fiscalYear) < today ? FiscalYears.End(fiscalYear) : today;
        var months = Enumerable.Range(1, 12).Select(i => new FiscalMonth(fiscalYear, i)).Where(m => m.Start <= lastDay).ToList();
        var inForce = await definitions.InForceAsync(fiscalYear, programId, ct);
        var offices = await db.Offices.AsNoTracking().ToDictionaryAsync(o => o.Name, o => o.Id, ct);
        // The same day a year earlier (29 February falls back to the 28th).
        var lastYearDay = lastDay.AddYears(-1);

        async Task<decimal?> CountAsync(IndicatorDefinition d, DateOnly from, DateOnly to)
        {
            if (d.Measure != MeasureKind.Rate)
            {
                return await computer.CountAsync(d, MeasureFilter.Of(d, offices), from, to, ct);
            }
            var numerator = inForce.SingleOrDefault(x => x.Key == d.NumeratorKey);
            var denominator = inForce.SingleOrDefault(x => x.Key == d.DenominatorKey);
            if (numerator is null || denominator is null
                || await CountAsync(numerator, from, to) is not { } n || await CountAsync(denominator, from, to) is not { } m || m == 0)
            {
                return null;
            }
            return Math.Round(n * 100 / m, d.Decimals, MidpointRounding.AwayFromZero);
        }

        var figures = new List<MonthlyFigure>();
        foreach (var d in inForce.Where(d => d.Measure is not (MeasureKind.Placements or MeasureKind.OutcomePersons)).OrderBy(d => d.Position))
        {
            var thisYear = new List<decimal?>();
            var lastYear = new List<decimal?>();
            foreach (var month in months)
            {
                thisYear.Add(await CountAsync(d, month.Start, month.End < lastDay ? month.End : lastDay));
                var before = new FiscalMonth(fiscalYear - 1, month.Index);
                lastYear.Add(await CountAsync(d, before.Start, before.End));
            }
            if (thisYear.All(v => v is null))
            {
                // A rate over parts counted per year only.
                continue;
            }
            figures.Add(new MonthlyFigure(d, thisYear, lastYear,
                await CountAsync(d, FiscalYears.Start(fiscalYear), lastDay), await CountAsync(d, FiscalYears.Start(fiscalYear - 1), lastYearDay)));
        }
        return (months, figures);
    }
}
