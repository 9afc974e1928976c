namespace Tsunagu.Indicators;

public enum MeasureKind
{
    EnrolledPersons = 0,  // 実人数: persons enrolled at any time in the year
    ServedPersons = 1,    // 実人数: persons with a contact in the year
    Contacts = 2,         // 延べ件数
    Sessions = 3,         // 開催回数
    Attendances = 4,      // 延べ参加人数 (registered attendances and unregistered head counts)
    AttendingPersons = 5, // 参加実人数
    Placements = 6,       // 配置人数
    Distributions = 7,    // 配布回数
    OutcomePersons = 8,   // 進路・結果の実人数
    Rate = 9,             // 率: numerator ÷ denominator, two other figures of the program
    NoticedHouseholds = 10, // お知らせが届いた世帯数: households a notice of the program's support systems reached
}

/// <summary>
/// What a kind of measure (数え方) is, in one place: its name on the screens, the counting basis it gives, the fields
/// a filter may ask about (in the order of the canonical text) and the dimensions a breakdown may split it by. The
/// definitions, the filter checker, the breakdowns, the figure page and the CLI read it here. How each kind is
/// counted set-based (IndicatorComputer) and drilled into (the figure page) is per-kind code beside them.
/// </summary>
public sealed record Measure(MeasureKind Kind, string Label, CountingBasis Basis, IReadOnlyList<string> FilterFields, IReadOnlyList<BreakdownDimension> Breakdowns)
{
    static readonly string[] ContactFields =
    [
        MeasureFilter.KindField, MeasureFilter.CategoryField, MeasureFilter.ChannelField, MeasureFilter.GuardianField, MeasureFilter.TimeField,
        MeasureFilter.OfficeField,
    ];

    static readonly Dictionary<MeasureKind, Measure> All = new Measure[]
    {
        new(MeasureKind.EnrolledPersons, "登録者の実人数", CountingBasis.DistinctPersons, [MeasureFilter.RoleField, MeasureFilter.SourceField],
            [BreakdownDimension.Ward, BreakdownDimension.SchoolType]),
        new(MeasureKind.ServedPersons, "支援した実人数", CountingBasis.DistinctPersons, [.. ContactFields, MeasureFilter.RoleField], []),
        new(MeasureKind.Contacts, "支援記録の延べ件数", CountingBasis.TotalContacts, ContactFields,
            [BreakdownDimension.Ward, BreakdownDimension.Office, BreakdownDimension.Category]),
        new(MeasureKind.Sessions, "開催回数", CountingBasis.Times, [MeasureFilter.SessionField, MeasureFilter.OfficeField], []),
        new(MeasureKind.Attendances, "延べ参加人数", CountingBasis.TotalPersons, [MeasureFilter.SessionField, MeasureFilter.OfficeField], []),
        new(MeasureKind.AttendingPersons, "参加実人数", CountingBasis.DistinctPersons,
            [MeasureFilter.SessionField, MeasureFilter.OfficeField, MeasureFilter.RoleField], []),
        new(MeasureKind.Placements, "配置人数", CountingBasis.Headcount, [], [BreakdownDimension.SchoolType, BreakdownDimension.Office]),
        new(MeasureKind.Distributions, "配布回数", CountingBasis.Times, [], []),
        new(MeasureKind.OutcomePersons, "進路・結果の実人数", CountingBasis.DistinctPersons, [MeasureFilter.OutcomeField], []),
        new(MeasureKind.Rate, "率", CountingBasis.Rate, [], []),
        new(MeasureKind.NoticedHouseholds, "お知らせが届いた世帯数", CountingBasis.DistinctHouseholds, [], []),
    }.ToDictionary(m => m.Kind);

    public static Measure Of(MeasureKind kind) => All[kind];

    public bool CanBreakDownBy(BreakdownDimension dimension) => Breakdowns.Contains(dimension);

    /// <summary>The measures that some breakdown can split: those offered when no figure is named.</summary>
    public static bool CanBreakDown(MeasureKind kind, BreakdownDimension dimension) => Of(kind).CanBreakDownBy(dimension);
}

public static class MeasureText
{
    public static string Japanese(this MeasureKind kind) => Measure.Of(kind).Label;

    /// <summary>The counting basis a measure gives; a definition's basis must agree with it.</summary>
    public static CountingBasis Basis(this MeasureKind kind) => Measure.Of(kind).Basis;

    public static MeasureKind? Parse(string text) =>
        Enum.GetValues<MeasureKind>().Cast<MeasureKind?>().FirstOrDefault(k =>
            string.Equals(k!.Value.ToString(), text, StringComparison.OrdinalIgnoreCase) || k.Value.Japanese() == text);
}
