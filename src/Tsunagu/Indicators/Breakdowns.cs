using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Calendar;
using Tsunagu.Contacts;
using Tsunagu.Data;
using Tsunagu.People;
using Tsunagu.Places;
using Tsunagu.Referrals;
using Tsunagu.Sessions;
using Tsunagu.Subsidies;

namespace Tsunagu.Indicators;

public enum BreakdownDimension
{
    Ward = 0,       // 区
    Office = 1,     // 事業所
    SchoolType = 2, // 学校種
    Category = 3,   // 分類
}

/// <summary>A breakdown of a program's figures for publication: rows by a dimension, a column per figure, totals, hidden cells.</summary>
public sealed record Breakdown(
    BreakdownDimension Dimension, IReadOnlyList<string> Rows, IReadOnlyList<IndicatorDefinition> Figures, CountTable Table, bool[] Hidden, int Threshold)
{
    public string Show(int index, bool unsuppressed) => Hidden[index] && !unsuppressed ? Suppression.Mark : Table.Value(index).ToString("#,0", CultureInfo.InvariantCulture);

    public string Legend => $"{Suppression.Mark}: 1〜{Threshold}の値、及びその値が合計などから分からないよう秘匿した値";
}

/// <summary>
/// Counts a program's figures by ward, office, school type or category: a planner's heavy reading, done on the
/// reading server when there is one (<see cref="TsunaguDb.Reading"/>).
/// </summary>
public sealed class Breakdowns(
    [FromKeyedServices(TsunaguDb.Reading)] TsunaguDb db, IndicatorDefinitions definitions, IConfiguration configuration)
{
    public const string Unknown = "不明";

    readonly IndicatorComputer computer = new(db, definitions);

    public async Task<Breakdown> ComputeAsync(
        int fiscalYear, IReadOnlyList<IndicatorDefinition> figures, BreakdownDimension dimension, bool rowTotals, CancellationToken ct = default)
    {
        if (figures.Count == 0)
        {
            throw new DefinitionException("内訳を出す指標を選んでください。");
        }
        var counts = new List<Dictionary<string, int>>();
        foreach (var d in figures)
        {
            counts.Add(await CountAsync(fiscalYear, d, dimension, ct));
        }
        // Wards in the city's order (青葉区, 宮城野区 …), anything else by its text; 不明 last.
        var wards = MunicipalityCode.SendaiWards.Values.ToList();
        var rows = counts.SelectMany(c => c.Keys).Distinct()
            .OrderBy(k => k == Unknown).ThenBy(k => wards.IndexOf(k) is var i and >= 0 ? i : wards.Count).ThenBy(k => k, StringComparer.Ordinal).ToList();
        var cells = new int[rows.Count, figures.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            for (var c = 0; c < figures.Count; c++)
            {
                cells[r, c] = counts[c].GetValueOrDefault(rows[r]);
            }
        }
        var settings = SuppressionSettings.From(configuration);
        var threshold = figures.Any(settings.IsSensitive) ? settings.SensitiveThreshold : settings.Threshold;
        var table = new CountTable(cells, rowTotals && figures.Count > 1, columnTotals: true);
        return new Breakdown(dimension, rows, figures, table, Suppression.Suppress(table, threshold), threshold);
    }

    async Task<Dictionary<string, int>> CountAsync(int fiscalYear, IndicatorDefinition d, BreakdownDimension dimension, CancellationToken ct)
    {
        var offices = await db.Offices.AsNoTracking().ToListAsync(ct);
        string WardOf(string? code) => code is not null && MunicipalityCode.SendaiWards.TryGetValue(code, out var ward) ? ward : Unknown;
        if (!Measure.CanBreakDown(d.Measure, dimension))
        {
            throw new DefinitionException($"「{d.Label}」（{d.Measure.Japanese()}）は{dimension.Japanese()}別には分けられません。");
        }
        var filter = MeasureFilter.Of(d, offices.ToDictionary(o => o.Name, o => o.Id));
        DateOnly from = FiscalYears.Start(fiscalYear), to = FiscalYears.End(fiscalYear);
        switch (d.Measure, dimension)
        {
            case (MeasureKind.Contacts, BreakdownDimension.Ward or BreakdownDimension.Office or BreakdownDimension.Category):
                var officeById = offices.ToDictionary(o => o.Id);
                var cells = (await computer.ContactCellsAsync([d.ProgramId], fiscalYear, ct: ct)).Where(filter.Matches);
                return cells.GroupBy(c => dimension switch
                    {
                        BreakdownDimension.Category => c.Category == "" ? Unknown : c.Category,
                        BreakdownDimension.Office => officeById.TryGetValue(c.OfficeId, out var o) ? o.Name : Unknown,
                        _ => officeById.TryGetValue(c.OfficeId, out var o) ? WardOf(o.WardCode) : Unknown,
                    })
                    .ToDictionary(g => g.Key, g => g.Sum(c => c.Count));
            case (MeasureKind.EnrolledPersons, BreakdownDimension.Ward or BreakdownDimension.SchoolType):
                var ids = filter.Enrolled(db.Enrollments, db.Persons, d.ProgramId, from, to)
                    .Select(e => e.PersonId).Distinct();
                var persons = db.Persons.AsNoTracking().Where(p => ids.Contains(p.Id));
                if (dimension == BreakdownDimension.Ward)
                {
                    return (await persons.GroupBy(p => p.Household!.WardCode).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
                        .GroupBy(g => WardOf(g.Key)).ToDictionary(g => g.Key, g => g.Sum(x => x.Count));
                }
                var types = await db.Schools.AsNoTracking().ToDictionaryAsync(s => s.Code, s => s.Type.Japanese(), ct);
                return (await persons.GroupBy(p => p.SchoolCode).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
                    .GroupBy(g => g.Key is not null && types.TryGetValue(g.Key, out var type) ? type : Unknown).ToDictionary(g => g.Key, g => g.Sum(x => x.Count));
            case (MeasureKind.Placements, BreakdownDimension.SchoolType or BreakdownDimension.Office):
                var placed = await db.Placements.AsNoTracking().Where(p => p.ProgramId == d.ProgramId && p.FiscalYear == fiscalYear)
                    .GroupBy(p => new { p.SchoolId, p.OfficeId }).Select(g => new { g.Key.SchoolId, g.Key.OfficeId, Count = g.Count() }).ToListAsync(ct);
                var schools = await db.Schools.AsNoTracking().ToDictionaryAsync(s => s.Id, ct);
                return placed.GroupBy(p => p.SchoolId is { } school && schools.TryGetValue(school, out var s)
                        ? dimension == BreakdownDimension.SchoolType ? s.Type.Japanese() : "学校"
                        : p.OfficeId is { } office && offices.FirstOrDefault(o => o.Id == office) is { } o ? o.Name : Unknown)
                    .ToDictionary(g => g.Key, g => g.Sum(x => x.Count));
            default:
                throw new InvalidOperationException($"{d.Measure} by {dimension} is offered by Measure but not counted here.");
        }
    }
}

public static class BreakdownText
{
    public static string Japanese(this BreakdownDimension dimension) => dimension switch
    {
        BreakdownDimension.Ward => "区",
        BreakdownDimension.Office => "事業所",
        BreakdownDimension.SchoolType => "学校種",
        _ => "分類",
    };

    public static BreakdownDimension? Parse(string text) =>
        Enum.GetValues<BreakdownDimension>().Cast<BreakdownDimension?>()
            .FirstOrDefault(d => string.Equals(d!.Value.ToString(), text, StringComparison.OrdinalIgnoreCase) || d.Value.Japanese() == text);
}
