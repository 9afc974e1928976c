using Microsoft.EntityFrameworkCore;
using Tsunagu.Data;
using Tsunagu.Reports;

namespace Tsunagu.Indicators;

/// <summary>A figure as stored for a year: read from the 実績 text, set by hand, or counted by a definition.</summary>
public sealed record StoredFigure(
    string Label, decimal Value, string? Unit, CountingBasis Basis, bool Approximate, IndicatorSource Source, string Text, IndicatorDefinition? Definition)
{
    public static StoredFigure Of(IndicatorValue v) => new(v.Label, v.Value, v.Unit, v.Basis, v.Approximate, v.Source, v.SourceText, v.Definition);

    /// <summary>A figure of a snapshot published before figures had keys: as it was stored, its definition unknown.</summary>
    public static StoredFigure Of(ReportFigure f) => new(f.Label, f.Value, f.Unit, f.Basis, f.Approximate, f.Source, f.Text, null);
}

/// <summary>The value of each figure of a year, by program code, label and unit.</summary>
public static class FigureValues
{
    public static async Task<Dictionary<(string Code, string Label, string? Unit), decimal>> OfYearAsync(
        TsunaguDb db, int fiscalYear, CancellationToken ct = default)
    {
        var values = await db.IndicatorValues.AsNoTracking()
            .Where(v => v.FiscalYear == fiscalYear)
            .Select(v => new { v.Program.Code, v.Label, v.Unit, v.Value, v.Source })
            .ToListAsync(ct);
        return values
            .GroupBy(v => (v.Code, v.Label, v.Unit))
            .ToDictionary(g => g.Key, g => g.OrderByDescending(v => v.Source == IndicatorSource.Computed).First().Value);
    }

    /// <summary>Each program's figures of a year, one per label and unit: what 【前年度】 shows.</summary>
    public static async Task<ILookup<int, PreviousFigure>> ByProgramAsync(TsunaguDb db, int fiscalYear, IReadOnlyCollection<int> programIds, CancellationToken ct = default)
    {
        var values = await db.IndicatorValues.AsNoTracking()
            .Where(v => v.FiscalYear == fiscalYear && programIds.Contains(v.ProgramId))
            .Select(v => new { v.ProgramId, v.Label, v.Unit, v.Value, v.Source, v.Position })
            .ToListAsync(ct);
        // Where a figure was also computed from records, that value stands over the one read from the text.
        return values
            .GroupBy(v => (v.ProgramId, v.Label, v.Unit))
            .Select(g => g.OrderByDescending(v => v.Source == IndicatorSource.Computed).First())
            .OrderBy(v => v.Position)
            .ToLookup(v => v.ProgramId, v => new PreviousFigure(v.Label, v.Unit, v.Value));
    }

    /// <summary>
    /// The figures a program's year states (<see cref="ReportFigure"/>): each printed figure (read from the text or set
    /// by hand) with the count of the same label and unit beside it, then the counts nothing prints. A printed figure
    /// without a count takes the definition in force of its label and unit, if there is one, for its key and a rate's parts.
    /// </summary>
    public static IReadOnlyList<ReportFigure> State(IReadOnlyList<StoredFigure> stored, IEnumerable<IndicatorDefinition> inForce)
    {
        var printed = stored.Where(f => f.Source != IndicatorSource.Computed);
        var counts = stored.Where(f => f.Source == IndicatorSource.Computed).ToList();
        var definitions = inForce.ToList();
        var used = new bool[counts.Count];
        var keys = new HashSet<string>();
        var stated = new List<ReportFigure>();
        string UniqueKey(string key)
        {
            var unique = key;
            for (var n = 2; !keys.Add(unique); n++)
            {
                unique = $"{key}#{n}";
            }
            return unique;
        }
        foreach (var p in printed)
        {
            var at = counts.FindIndex(c => c.Label == p.Label && c.Unit == p.Unit);
            while (at >= 0 && used[at])
            {
                at = counts.FindIndex(at + 1, c => c.Label == p.Label && c.Unit == p.Unit);
            }
            var count = at >= 0 ? counts[at] : null;
            if (at >= 0)
            {
                used[at] = true;
            }
            var definition = count?.Definition ?? definitions.FirstOrDefault(d => d.Label == p.Label && d.Unit == p.Unit);
            var source = p.Source == IndicatorSource.Manual ? IndicatorSource.Manual
                : count is not null && count.Value == p.Value ? IndicatorSource.Computed
                : IndicatorSource.Imported;
            stated.Add(new ReportFigure(UniqueKey(definition?.Key ?? p.Label), p.Label, p.Value, p.Unit, p.Basis, p.Approximate, source, Printed: true, p.Text,
                count?.Value, definition?.NumeratorKey, definition?.DenominatorKey));
        }
        for (var i = 0; i < counts.Count; i++)
        {
            if (!used[i])
            {
                var c = counts[i];
                stated.Add(new ReportFigure(UniqueKey(c.Definition?.Key ?? c.Label), c.Label, c.Value, c.Unit, c.Basis, c.Approximate, IndicatorSource.Computed,
                    Printed: false, c.Text, c.Value, c.Definition?.NumeratorKey, c.Definition?.DenominatorKey));
            }
        }
        return stated;
    }

    public static string Format(decimal value) => value.ToString("#,0.####", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A number as a machine reads it: no thousands separator, no trailing zeros (303, 99, 12.5).</summary>
    public static string Plain(decimal value) => value.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A new number written the way the one it replaces was: with thousands separators if it had them or needs them.</summary>
    public static string FormatLike(decimal value, string original) =>
        value.ToString(original.Contains(',') || original.Contains('，') || value >= 1000 ? "#,0.####" : "0.####", System.Globalization.CultureInfo.InvariantCulture);
}
