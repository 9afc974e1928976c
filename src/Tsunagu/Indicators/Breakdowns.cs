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

/// <summary>
/// A breakdown of a program's figures for publication: rows by a dimension, a column per figure, totals, hidden cells;
/// and what a reader must know beside it (<see cref="Notes"/>): what each figure is counted by (a contact's ward is
/// where it was held, a person's where the household lives), figures that cannot be split this way, and for a
/// published year where the records now total otherwise than the published figure.
/// </summary>
public sealed record Breakdown(
    BreakdownDimension Dimension, IReadOnlyList<string> Rows, IReadOnlyList<IndicatorDefinition> Figures, CountTable Table, bool[] Hidden, int Threshold,
    IReadOnlyList<string> Notes)
{
    public string Show(int index, bool unsuppressed) => Hidden[index] && !unsuppressed ? Suppression.Mark : Table.Value(index).ToString("#,0", CultureInfo.InvariantCulture);

    public string Legend => $"{Suppression.Mark}: 1〜{Threshold}の値、及びその値が合計などから分からないよう秘匿した値";

    /// <summary>The rows' heading: 区（居住区）, 区（実施場所）, or 区 where the figures count by both.</summary>
    public string DimensionLabel => Figures.Select(f => Dimension.Basis(f.Measure).Short).Distinct().ToList() is [var only] && only.Length > 0
        ? $"{Dimension.Japanese()}（{only}）"
        : Dimension.Japanese();
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

    /// <summary>
    /// The breakdown of those of <paramref name="candidates"/> that can be split by <paramref name="dimension"/>; the
    /// others are named in its notes. None that can is refused, saying which measures can.
    /// </summary>
    public async Task<Breakdown> ComputeAsync(
        int fiscalYear, IReadOnlyList<IndicatorDefinition> candidates, BreakdownDimension dimension, bool rowTotals, CancellationToken ct = default)
    {
        var figures = candidates.Where(d => Measure.CanBreakDown(d.Measure, dimension)).ToList();
        var notes = candidates.Where(d => !Measure.CanBreakDown(d.Measure, dimension))
            .Select(d => $"「{d.Label}」（{d.Measure.Japanese()}）は{dimension.Japanese()}別には分けられないため、載せていません。").ToList();
        if (figures.Count == 0)
        {
            var can = Enum.GetValues<MeasureKind>().Where(m => Measure.CanBreakDown(m, dimension)).Select(m => m.Japanese());
            throw new DefinitionException(candidates.Count == 0
                ? "内訳を出す指標を選んでください。"
                : $"この事業の指標は{dimension.Japanese()}別には分けられません（{string.Join("、", candidates.Select(d => $"「{d.Label}」は{d.Measure.Japanese()}"))}）。" +
                  $"{dimension.Japanese()}別に分けられる数え方: {string.Join("、", can)}。");
        }
        notes.InsertRange(0, figures.Select(f => dimension.Basis(f.Measure).Long).Distinct());
        var offices = await db.Offices.AsNoTracking().ToListAsync(ct);
        var counts = new List<Dictionary<string, int>>();
        foreach (var d in figures)
        {
            counts.Add(await CountAsync(fiscalYear, d, dimension, offices, ct));
        }
        var rows = counts.SelectMany(c => c.Keys).Distinct().OrderBy(k => k == Unknown).ThenBy(CityOrder(dimension, offices)).ThenBy(k => k, StringComparer.Ordinal).ToList();
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
        var hidden = Suppression.Suppress(table, threshold);
        notes.AddRange(await ChangedSincePublishedAsync(fiscalYear, figures, table, hidden, ct));
        return new Breakdown(dimension, rows, figures, table, hidden, threshold, notes);
    }

    /// <summary>
    /// The city's order of a dimension's rows: wards as the city lists them (青葉区, 宮城野区 …); offices by their ward,
    /// then as they were registered; school types from 小学校 up; anything else by its text.
    /// </summary>
    static Func<string, int> CityOrder(BreakdownDimension dimension, IReadOnlyList<Office> offices)
    {
        var wards = MunicipalityCode.SendaiWards.Values.ToList();
        var schoolTypes = Enum.GetValues<SchoolType>().Select(t => t.Japanese()).ToList();
        int Ward(string? name) => wards.IndexOf(name ?? "") is var i and >= 0 ? i : wards.Count;
        return dimension switch
        {
            BreakdownDimension.Ward => Ward,
            BreakdownDimension.Office => name => offices.FirstOrDefault(o => o.Name == name) is { } o
                ? Ward(o.WardCode is { } code ? MunicipalityCode.SendaiWards.GetValueOrDefault(code) : null) * 1_000_000 + o.Id
                : int.MaxValue,
            BreakdownDimension.SchoolType => name => schoolTypes.IndexOf(name) is var i and >= 0 ? i : int.MaxValue,
            _ => _ => 0,
        };
    }

    /// <summary>
    /// For a published year: each printed figure whose records now total otherwise than its published value (records
    /// added or corrected since), so the breakdown is not read as the published figure's. A total the table hides is
    /// not told here either.
    /// </summary>
    async Task<IEnumerable<string>> ChangedSincePublishedAsync(
        int fiscalYear, IReadOnlyList<IndicatorDefinition> figures, CountTable table, bool[] hidden, CancellationToken ct)
    {
        var latest = await db.ReportPublications.Where(p => db.Reports.Any(r => r.Id == p.ReportId && r.FiscalYear == fiscalYear))
            .MaxAsync(p => (int?)p.Version, ct);
        if (latest is not { } version)
        {
            return [];
        }
        var published = new Dictionary<(string Code, string Key), decimal>();
        await foreach (var program in (await new Reports.ReportReader(db).ReadPublishedAsync(fiscalYear, version, ct)).Programs().WithCancellation(ct))
        {
            foreach (var f in program.Figures.Where(f => f.Key is not null && f.Printed))
            {
                published.TryAdd((program.Code, f.Key!), f.Value);
            }
        }
        return figures.Select((d, c) => (d, Total: (decimal)table.ColumnTotal(c), Hidden: hidden[table.ColumnTotalIndex(c)]))
            .Where(x => published.TryGetValue((x.d.Program.Code, x.d.Key), out var value) && value != x.Total)
            .Select(x => $"「{x.d.Label}」の公表値（公表版 第{version}版）は {FigureValues.Format(published[(x.d.Program.Code, x.d.Key)])}{x.d.Unit} ですが、" +
                (x.Hidden
                    ? "公表後に記録が変わり、この内訳は今の記録を分けています（今の記録の合計は秘匿しています）。"
                    : $"公表後に記録が変わり、この内訳は今の記録の {FigureValues.Format(x.Total)}{x.d.Unit} を分けています。"));
    }

    async Task<Dictionary<string, int>> CountAsync(int fiscalYear, IndicatorDefinition d, BreakdownDimension dimension, IReadOnlyList<Office> offices, CancellationToken ct)
    {
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

    /// <summary>What a measure's row is, split this way: short, for the heading, and in a sentence, for the notes.</summary>
    public static (string Short, string Long) Basis(this BreakdownDimension dimension, MeasureKind measure) => (dimension, measure) switch
    {
        (BreakdownDimension.Ward, MeasureKind.Contacts) => ("実施場所", "区: 支援記録は、記録した事業所のある区で数えています（実施場所の区。住んでいる区ではありません）。"),
        (BreakdownDimension.Ward, _) => ("居住区", "区: 人は、世帯の住所の区で数えています（居住区）。"),
        (BreakdownDimension.Office, MeasureKind.Placements) => ("配置先", "事業所: 配置先の事業所で数えています（学校への配置は「学校」）。"),
        (BreakdownDimension.Office, _) => ("実施場所", "事業所: 支援記録を記録した事業所で数えています。"),
        (BreakdownDimension.SchoolType, MeasureKind.Placements) => ("配置先", "学校種: 配置先の学校の学校種で数えています。"),
        (BreakdownDimension.SchoolType, _) => ("在籍校", "学校種: 在籍する学校の学校種で数えています（学校の登録のない人は「不明」）。"),
        _ => ("", "分類: 支援記録の分類で数えています（分類のない記録は「不明」）。"),
    };

    public static BreakdownDimension? Parse(string text) =>
        Enum.GetValues<BreakdownDimension>().Cast<BreakdownDimension?>()
            .FirstOrDefault(d => string.Equals(d!.Value.ToString(), text, StringComparison.OrdinalIgnoreCase) || d.Value.Japanese() == text);
}
