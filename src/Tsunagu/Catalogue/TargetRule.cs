using System.Linq.Expressions;
using System.Text;
using Tsunagu.Calendar;
using Tsunagu.Data;
using Tsunagu.People;
using Tsunagu.Places;
using Tsunagu.Programs;
using Tsunagu.Records;

namespace Tsunagu.Catalogue;

/// <summary>
/// Which households a window's notice is for, in the screens' words: 「事業=学習・生活サポート事業; 学年=中3」,
/// 「世帯=ひとり親; 子の年齢=0-17」, 「区=泉区」. The conditions on a person (事業, 学年, 子の年齢) must hold of the same
/// member; those on the household (世帯, 区) of the household. Checked when saved, like an indicator's filter, and
/// evaluated set-based against the records on the day of sending (<see cref="Households"/>).
/// </summary>
public sealed class TargetRule
{
    public const string ProgramField = "事業", GradeField = "学年", AgeField = "子の年齢", HouseholdField = "世帯", WardField = "区";

    static readonly string[] Fields = [ProgramField, GradeField, AgeField, HouseholdField, WardField];

    static readonly (string Word, HouseholdCircumstances Flags)[] HouseholdWords =
    [
        ("ひとり親", HouseholdCircumstances.SingleMother | HouseholdCircumstances.SingleFather),
        ("母子", HouseholdCircumstances.SingleMother),
        ("父子", HouseholdCircumstances.SingleFather),
        ("生活保護", HouseholdCircumstances.PublicAssistance),
        ("生活困窮", HouseholdCircumstances.Hardship),
        ("児童扶養手当", HouseholdCircumstances.ChildRearingAllowance),
        ("社会的養護経験", HouseholdCircumstances.CareLeaver),
    ];

    public IReadOnlyList<int>? ProgramIds { get; private init; }

    /// <summary>School grades as <see cref="SchoolGrade.Of"/> numbers: 小1 = 1 … 中3 = 9 … 高3 = 12.</summary>
    public IReadOnlyList<int>? Grades { get; private init; }

    public (int From, int To)? Ages { get; private init; }
    public HouseholdCircumstances Circumstances { get; private init; }
    public IReadOnlyList<string>? WardCodes { get; private init; }

    /// <summary>The rule as stored: fields in a fixed order, values as given.</summary>
    public string Text { get; private init; } = "";

    /// <exception cref="RecordInputException">Says which field and which word is wrong, and what may be written (field "target").</exception>
    public static TargetRule Parse(string? text, IReadOnlyCollection<SupportProgram> programs)
    {
        static RecordInputException Problem(string message) => new("target", $"対象: {message}");
        var fields = ConditionText.Split(text?.Normalize(NormalizationForm.FormKC), Problem);
        foreach (var (field, _) in fields.Where(f => !Fields.Contains(f.Field)))
        {
            throw Problem($"「{field}」は使えません。使える項目: {string.Join("、", Fields)}");
        }
        List<string>? Values(string field) => fields.FirstOrDefault(f => f.Field == field).Values;
        List<T>? Words<T>(string field, IEnumerable<(string Word, T Value)> choices)
        {
            if (Values(field) is not { } values)
            {
                return null;
            }
            var known = choices.ToList();
            return values.Select(v => known.FirstOrDefault(c => c.Word == v) is { Word: not null } found ? found.Value
                : throw Problem($"{field}「{v}」はありません。使える値: {string.Join("、", known.Select(c => c.Word))}")).Distinct().ToList();
        }
        (int, int)? ages = null;
        if (Values(AgeField) is { } ageValues)
        {
            var range = ageValues.Count == 1 ? ageValues[0].Replace('〜', '-').Replace('~', '-').Split('-', StringSplitOptions.TrimEntries) : [];
            ages = range.Length is 1 or 2 && int.TryParse(range[0], out var from) && int.TryParse(range[^1], out var to) && from >= 0 && from <= to && to <= 30
                ? (from, to) : throw Problem($"{AgeField}は「0-17」のように、0から30までの範囲で書いてください。");
        }
        var canonical = new StringBuilder();
        foreach (var field in Fields.Where(f => Values(f) is not null))
        {
            var values = field == AgeField ? $"{ages!.Value.Item1}-{ages.Value.Item2}" : string.Join(",", Values(field)!);
            canonical.Append(canonical.Length == 0 ? "" : "; ").Append(field).Append('=').Append(values);
        }
        return new TargetRule
        {
            // Names compared by their match key, as imported names are (full-width brackets and letters, spaces).
            ProgramIds = Values(ProgramField)?.Select(v => programs.FirstOrDefault(p => p.Code == v || p.NameKey == Japanese.JapaneseText.MatchKey(v))?.Id
                ?? throw Problem($"{ProgramField}「{v}」はありません。使える値: {string.Join("、", programs.Select(p => p.Name))}")).Distinct().ToList(),
            Grades = Words(GradeField, Enumerable.Range(1, 12).Select(g => (GradeWord(g), g))),
            Ages = ages,
            Circumstances = Words(HouseholdField, HouseholdWords)?.Aggregate(HouseholdCircumstances.None, (all, f) => all | f) ?? HouseholdCircumstances.None,
            WardCodes = Words(WardField, MunicipalityCode.SendaiWards.Select(w => (w.Value, w.Key))),
            Text = canonical.ToString(),
        };
    }

    static string GradeWord(int grade) => grade <= 6 ? $"小{grade}" : grade <= 9 ? $"中{grade - 6}" : $"高{grade - 9}";

    /// <summary>
    /// The households the rule names on a day: one query, nothing read per person. A household counts once, however
    /// many of its members match. Merged-away records are not members.
    /// </summary>
    /// <param name="among">Only these households (those that agreed to a channel), matched as a list like the members.</param>
    public IQueryable<Household> Households(TsunaguDb db, DateOnly on, IQueryable<int>? among = null)
    {
        var members = db.Persons.Where(p => p.MergedIntoId == null);
        if (ProgramIds is { } programs)
        {
            members = members.Where(p => db.Enrollments.Any(e => e.PersonId == p.Id && programs.Contains(e.ProgramId) && e.From <= on && (e.To == null || e.To >= on)));
        }
        if (Grades is { } grades)
        {
            // A grade is a span of birth dates in the fiscal year (SchoolGrade): 2 April to 1 April of the next year.
            var year = FiscalYears.Of(on);
            members = members.Where(p => p.Role == PersonRole.Child).Where(BornIn(grades.Select(g =>
                (new DateOnly(year - g - 6, 4, 2), new DateOnly(year - g - 5, 4, 1)))));
        }
        if (Ages is var (from, to))
        {
            members = members.Where(p => p.Role == PersonRole.Child).Where(BornIn([(on.AddYears(-(to + 1)).AddDays(1), on.AddYears(-from))]));
        }
        // Driven from the members (IN, not EXISTS per household): a rule that names few persons reads few households.
        // SQLite otherwise walked every household (2.2 s at 1,000,000 persons, measured; PostgreSQL plans both alike).
        // Households given to choose among are a list too, matched first: the database then starts from the smaller of
        // the two (a broad rule's 123,383 households at 1,000,000 persons: 2.3–2.8 s as a look-up per household, ~1.1 s).
        var named = members.Where(p => p.HouseholdId != null).Select(p => p.HouseholdId!.Value);
        var households = among is null ? db.Households.Where(h => named.Contains(h.Id)) : db.Households.Where(h => named.Contains(h.Id) && among.Contains(h.Id));
        if (Circumstances != HouseholdCircumstances.None)
        {
            var mask = Circumstances;
            households = households.Where(h => (h.Circumstances & mask) != 0);
        }
        if (WardCodes is { } wards)
        {
            households = households.Where(h => h.WardCode != null && wards.Contains(h.WardCode));
        }
        return households;
    }

    /// <summary>Born within any of the spans, as one condition the database can use its birth-date index for.</summary>
    static Expression<Func<Person, bool>> BornIn(IEnumerable<(DateOnly From, DateOnly To)> spans)
    {
        var person = Expression.Parameter(typeof(Person), "p");
        var birth = Expression.Property(person, nameof(Person.BirthDate));
        Expression any = Expression.Constant(false);
        foreach (var (from, to) in spans)
        {
            any = Expression.OrElse(any, Expression.AndAlso(
                Expression.GreaterThanOrEqual(birth, Expression.Constant(from)), Expression.LessThanOrEqual(birth, Expression.Constant(to))));
        }
        return Expression.Lambda<Func<Person, bool>>(any, person);
    }
}
