using Microsoft.EntityFrameworkCore;
using Tsunagu.Audit;
using Tsunagu.Calendar;
using Tsunagu.Contacts;
using Tsunagu.Data;
using Tsunagu.Reports;

namespace Tsunagu.Indicators;

/// <summary>
/// What a planner writes to define (or change from a year on) one indicator of a program. <see cref="BasedOnVersion"/>
/// is the key's latest version the planner started from (0 for a new indicator): saved over a later one, it is refused.
/// </summary>
public sealed record DefinitionInput(
    string ProgramCode, string Key, int FromYear, int Position, string Label, string Unit, MeasureKind Measure,
    string? Filter = null, string? NumeratorKey = null, string? DenominatorKey = null, int Decimals = 0, string? Wording = null,
    bool InResults = true, bool Retired = false, int? BasedOnVersion = null);

/// <summary>
/// The indicator definitions of each program, versioned by fiscal year. Saving checks the definition against what the
/// program can record and writes a new version; nothing already saved is changed.
/// </summary>
public sealed class IndicatorDefinitions(TsunaguDb db, TimeProvider time)
{
    /// <summary>A key's length, as its column holds it.</summary>
    public const int KeyMax = 64;

    const int UnitMax = 20, FilterMax = 1000;

    /// <summary>The definitions in force in a year: per program and key the latest version starting in or before it.</summary>
    public Task<List<IndicatorDefinition>> InForceAsync(int fiscalYear, int? programId = null, CancellationToken ct = default) =>
        InForceAsync(db, fiscalYear, programId is { } id ? [id] : null, ct);

    /// <inheritdoc cref="InForceAsync(int, int?, CancellationToken)"/>
    public static async Task<List<IndicatorDefinition>> InForceAsync(TsunaguDb db, int fiscalYear, IReadOnlyCollection<int>? programIds, CancellationToken ct = default)
    {
        var versions = await db.IndicatorDefinitions.AsNoTracking().Include(d => d.Program)
            .Where(d => d.FromYear <= fiscalYear && (programIds == null || programIds.Contains(d.ProgramId)))
            .ToListAsync(ct);
        return versions
            .GroupBy(d => (d.ProgramId, d.Key))
            .Select(g => g.OrderByDescending(d => d.FromYear).ThenByDescending(d => d.Version).First())
            .Where(d => !d.Retired)
            .OrderBy(d => d.Program.Code).ThenBy(d => d.Position).ThenBy(d => d.Key)
            .ToList();
    }

    /// <exception cref="DefinitionException">The definition is not saved; the message says why.</exception>
    public async Task<IndicatorDefinition> SaveAsync(DefinitionInput input, string actor, CancellationToken ct = default)
    {
        var (definition, programCode, labels) = await CheckAsync(input, actor, ct);
        db.Add(definition);
        db.Audit(time, actor, AuditActions.IndicatorDefine, input.FromYear, programCode, definition.Label, after: Describe(definition, labels));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another save of the same indicator came between the check and this write (the unique version refused it).
            if (await db.IndicatorDefinitions.AnyAsync(d => d.ProgramId == definition.ProgramId && d.Key == definition.Key && d.Version == definition.Version, ct))
            {
                throw new StaleVersionException($"この指標は、いま別の保存で第{definition.Version}版になりました。その版を確かめてから、もう一度保存してください。");
            }
            throw;
        }
        return definition;
    }

    /// <summary>
    /// The version a save would write, checked by every rule the save checks, and not saved: what the definition form
    /// previews. With the labels of the program's indicators, to describe it.
    /// </summary>
    /// <exception cref="DefinitionException">It could not be saved; the message says why.</exception>
    public async Task<(IndicatorDefinition Definition, string ProgramCode, Dictionary<(int ProgramId, string Key), string> Labels)> CheckAsync(
        DefinitionInput input, string actor, CancellationToken ct = default)
    {
        var program = await db.Programs.SingleOrDefaultAsync(p => p.Code == input.ProgramCode, ct)
            ?? throw new DefinitionException($"事業 {input.ProgramCode} はありません。");
        if (Records.RecordRules.FiscalYear(input.FromYear, time) is { } year)
        {
            throw new DefinitionException($"適用する最初の年度: {year}");
        }
        if (await db.Reports.AnyAsync(r => r.FiscalYear == input.FromYear && r.Status == ReportStatus.Published, ct))
        {
            throw new DefinitionException(
                $"{FiscalYears.Label(input.FromYear)}は公表済みです。公表した数値の数え方は変えられません。次の年度から定義してください。");
        }
        var key = input.Key.Trim();
        if (key.Length == 0 || string.IsNullOrWhiteSpace(input.Label) || string.IsNullOrWhiteSpace(input.Unit))
        {
            throw new DefinitionException(key.Length == 0 ? "キーは必須です。" : "指標名と単位は必須です。");
        }
        // Bounded as every record field is (the key as its column is): a page, the API and a definitions file alike.
        foreach (var (label, problem) in new[]
        {
            ("キー", Records.RecordRules.Line(key, KeyMax)),
            ("指標名", Records.RecordRules.Line(input.Label, Records.RecordRules.NameMax)),
            ("単位", Records.RecordRules.Line(input.Unit, UnitMax)),
            ("表記", Records.RecordRules.Line(input.Wording, Records.RecordRules.TitleMax)),
            ("条件", Records.RecordRules.Line(input.Filter, FilterMax)),
        })
        {
            if (problem is not null)
            {
                throw new DefinitionException($"{label}: {problem}");
            }
        }
        var wording = string.IsNullOrWhiteSpace(input.Wording) ? IndicatorDefinition.DefaultWording : IndicatorDefinition.WordingAsStored(input.Wording.Trim());
        if (!wording.Contains("{value}", StringComparison.Ordinal))
        {
            throw new DefinitionException("表記には数値の位置［値］が必要です（例: ［指標名］:［値］［単位］）。");
        }
        var offices = await db.Offices.AsNoTracking().ToDictionaryAsync(o => o.Name, o => o.Id, ct);
        var filter = MeasureFilter.Parse(input.Filter, input.Measure, ContactCategories.For(program), offices);
        // The program's indicators in force from the year: a rate's parts, and the labels the definition is described with.
        var inForce = await InForceAsync(input.FromYear, program.Id, ct);
        if (input.Measure == MeasureKind.Rate)
        {
            await CheckRateAsync(input, program.Id, inForce, offices, ct);
        }
        else if (input.NumeratorKey is not null || input.DenominatorKey is not null)
        {
            throw new DefinitionException("分子・分母は率の指標にだけ指定できます。");
        }

        var version = await db.IndicatorDefinitions.Where(d => d.ProgramId == program.Id && d.Key == key).MaxAsync(d => (int?)d.Version, ct) ?? 0;
        if (input.BasedOnVersion is { } seen && seen != version)
        {
            if (version == 0)
            {
                throw new DefinitionException("変えようとした指標はこの事業にありません。");
            }
            var latest = await db.IndicatorDefinitions.AsNoTracking().Include(d => d.Program).SingleAsync(d => d.ProgramId == program.Id && d.Key == key && d.Version == version, ct);
            throw new StaleVersionException(
                $"この指標は、開いた後に{latest.CreatedBy}が第{version}版を保存しています（{latest.CreatedAt.InJapan():yyyy-MM-dd HH:mm}）。その版を確かめてから、もう一度保存してください。");
        }
        var definition = new IndicatorDefinition
        {
            ProgramId = program.Id,
            Key = key,
            Version = version + 1,
            FromYear = input.FromYear,
            Position = input.Position,
            Label = input.Label.Trim(),
            Unit = input.Unit.Trim(),
            Basis = input.Measure.Basis(),
            Measure = input.Measure,
            Filter = filter.Text,
            NumeratorKey = input.NumeratorKey,
            DenominatorKey = input.DenominatorKey,
            Decimals = input.Decimals,
            Wording = wording,
            InResults = input.InResults,
            Retired = input.Retired,
            CreatedAt = time.GetUtcNow(),
            CreatedBy = actor,
        };
        return (definition, program.Code, Labels(inForce));
    }

    /// <summary>
    /// A key for a new indicator of a program, from what it counts: 「contacts」, then 「contacts-2」… Stable across the
    /// indicator's versions, it names the figure in the open data and a rate's parts; people name it by its label.
    /// </summary>
    public async Task<string> NewKeyAsync(string programCode, MeasureKind measure, CancellationToken ct = default)
    {
        var keys = await db.IndicatorDefinitions.Where(d => d.Program.Code == programCode).Select(d => d.Key).Distinct().ToListAsync(ct);
        var name = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(measure.ToString());
        return Enumerable.Range(1, keys.Count + 1).Select(n => n == 1 ? name : $"{name}-{n}").First(k => !keys.Contains(k));
    }

    async Task CheckRateAsync(DefinitionInput input, int programId, IReadOnlyList<IndicatorDefinition> definitions, IReadOnlyDictionary<string, int> offices, CancellationToken ct)
    {
        if (input.Unit.Trim() != "%")
        {
            throw new DefinitionException("率の単位は % です。");
        }
        if (input.Decimals is < 0 or > 3)
        {
            throw new DefinitionException("率の小数点以下の桁数は 0〜3 です。");
        }
        var inForce = definitions.ToDictionary(d => d.Key);
        foreach (var (partKey, name) in new[] { (input.NumeratorKey, "分子"), (input.DenominatorKey, "分母") })
        {
            if (partKey is null)
            {
                throw new DefinitionException($"率には{name}の指標が必要です。");
            }
            if (!inForce.TryGetValue(partKey, out var part))
            {
                // Named by its label where any version has one (a page shows no key).
                var label = await db.IndicatorDefinitions.Where(d => d.ProgramId == programId && d.Key == partKey)
                    .OrderByDescending(d => d.Version).Select(d => d.Label).FirstOrDefaultAsync(ct) ?? partKey;
                throw new DefinitionException($"{name}の指標「{label}」はこの事業の{FiscalYears.Label(input.FromYear)}の指標にありません。");
            }
            if (part.Measure == MeasureKind.Rate)
            {
                throw new DefinitionException($"{name}「{part.Label}」は率です。率の{name}には件数・人数を指定してください。");
            }
        }
        var (numerator, denominator) = (inForce[input.NumeratorKey!], inForce[input.DenominatorKey!]);
        if (numerator.Key == denominator.Key)
        {
            throw new DefinitionException("分子と分母が同じ指標です。");
        }
        // A rate over a set its numerator is not part of means nothing; within one measure the numerator's values must
        // be among the denominator's (高校進学率: those who entered ⊂ those who finished 中学校).
        if (numerator.Measure != denominator.Measure || numerator.Basis != denominator.Basis)
        {
            throw new DefinitionException($"分子「{numerator.Label}」と分母「{denominator.Label}」は数え方が違います（{numerator.Measure.Japanese()} / {denominator.Measure.Japanese()}）。");
        }
        var top = MeasureFilter.Of(numerator, offices);
        var bottom = MeasureFilter.Of(denominator, offices);
        if (!Within(top.Outcomes, bottom.Outcomes) || !Within(top.Kinds, bottom.Kinds) || !Within(top.Categories, bottom.Categories)
            || !Within(top.Roles, bottom.Roles) || !Within(top.SessionKinds, bottom.SessionKinds))
        {
            throw new DefinitionException($"分子「{numerator.Label}」の対象が分母「{denominator.Label}」の対象に含まれていません。");
        }
    }

    static bool Within<T>(IReadOnlyList<T>? part, IReadOnlyList<T>? whole) => whole is null || (part is not null && part.All(whole.Contains));

    /// <summary>A definition in words: what it counts, how, from when. A rate's parts by their labels where
    /// <paramref name="labels"/> has them (see <see cref="Labels"/>), so no page shows a key.</summary>
    public static string Describe(IndicatorDefinition d, IReadOnlyDictionary<(int ProgramId, string Key), string>? labels = null)
    {
        string Part(string? key) => key is not null && labels is not null && labels.TryGetValue((d.ProgramId, key), out var label) ? $"「{label}」" : key ?? "";
        return $"{d.Label}（{d.Unit}・{d.Basis.Japanese()}）: {d.Measure.Japanese()}"
        + (d.Filter.Length > 0 ? $"（{d.Filter}）" : "")
        + (d.Measure == MeasureKind.Rate ? $" = {Part(d.NumeratorKey)} ÷ {Part(d.DenominatorKey)}、小数点以下{d.Decimals}桁で四捨五入" : "")
        + (d.InResults ? "" : "、実績欄には載せない")
        + (d.Retired ? "、この年度から集計しない" : "")
        + $"、{FiscalYears.Label(d.FromYear)}から（第{d.Version}版）";
    }

    /// <summary>Each indicator's label by program and key, the latest version's: how a rate's parts are named to people.</summary>
    public static Dictionary<(int ProgramId, string Key), string> Labels(IEnumerable<IndicatorDefinition> definitions) =>
        definitions.GroupBy(d => (d.ProgramId, d.Key)).ToDictionary(g => g.Key, g => g.MaxBy(d => d.Version)!.Label);
}
