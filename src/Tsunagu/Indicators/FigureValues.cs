using Microsoft.EntityFrameworkCore;
using Tsunagu.Data;

namespace Tsunagu.Indicators;

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
        // Where a figure was also computed from records, that value stands over the one read from the text.
        return values
            .GroupBy(v => (v.Code, v.Label, v.Unit))
            .ToDictionary(g => g.Key, g => g.OrderByDescending(v => v.Source == IndicatorSource.Computed).First().Value);
    }

    public static string Format(decimal value) => value.ToString("#,0.####", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A new number written the way the one it replaces was: with thousands separators if it had them or needs them.</summary>
    public static string FormatLike(decimal value, string original) =>
        value.ToString(original.Contains(',') || original.Contains('，') || value >= 1000 ? "#,0.####" : "0.####", System.Globalization.CultureInfo.InvariantCulture);
}
