using System.Text;
using Tsunagu.Contacts;
using Tsunagu.People;
using Tsunagu.Referrals;
using Tsunagu.Sessions;
using Tsunagu.Subsidies;

namespace Tsunagu.Indicators;

/// <summary>
/// What a figure counts, written the way planning staff say it: 「種別=家庭訪問,同行支援; 分類=女性相談; 関係者=保護者」.
/// Each field lists the values counted; a field left out counts everything. Values are the words on the screens.
/// </summary>
public sealed class MeasureFilter
{
    public const string KindField = "種別", CategoryField = "分類", ChannelField = "方法", GuardianField = "関係者", TimeField = "時間帯",
        OfficeField = "事業所", RoleField = "本人区分", SourceField = "紹介元", SessionField = "開催種別", OutcomeField = "結果";


    public IReadOnlyList<ContactKind>? Kinds { get; private init; }
    public IReadOnlyList<string>? Categories { get; private init; }
    public IReadOnlyList<ContactChannel>? Channels { get; private init; }
    public bool WithGuardian { get; private init; }
    public IReadOnlyList<TimeBand>? TimeBands { get; private init; }
    public IReadOnlyList<int>? OfficeIds { get; private init; }
    public IReadOnlyList<PersonRole>? Roles { get; private init; }
    public IReadOnlyList<ReferralSource>? Sources { get; private init; }
    public IReadOnlyList<SessionKind>? SessionKinds { get; private init; }
    public IReadOnlyList<OutcomeKind>? Outcomes { get; private init; }

    /// <summary>Whether it asks anything of the contacts themselves (not only of the persons).</summary>
    public bool HasContactConditions => Kinds is not null || Categories is not null || Channels is not null || WithGuardian || TimeBands is not null || OfficeIds is not null;

    /// <summary>The filter as stored: fields in a fixed order, values in the screens' words (an enum name as typed becomes its word).</summary>
    public string Text { get; private init; } = "";

    public static readonly MeasureFilter All = new();

    /// <summary>
    /// Reads a filter for a measure. Full-width ＝ ； 、 are accepted. Every word is checked against what the
    /// program can record: its categories, the offices in the masters, the enum words.
    /// </summary>
    /// <exception cref="DefinitionException">Says which field and which word is wrong, and what may be written.</exception>
    public static MeasureFilter Parse(string? text, MeasureKind measure, IReadOnlyList<string> categories, IReadOnlyDictionary<string, int> offices)
    {
        var fields = new Dictionary<string, List<string>>();
        foreach (var (field, values) in Records.ConditionText.Split(text, message => new DefinitionException(message)))
        {
            var allowed = Measure.Of(measure).FilterFields;
            if (!allowed.Contains(field))
            {
                throw new DefinitionException(allowed.Count == 0
                    ? $"{measure.Japanese()}には条件を付けられません（「{field}」）。"
                    : $"{measure.Japanese()}の条件に「{field}」は使えません。使える項目: {string.Join("、", allowed)}");
            }
            fields[field] = values;
        }

        // Each field's values as the vocabulary words them (「電話」 for 「Phone」), in the order given, once each.
        var words = new Dictionary<string, List<(string Word, object Value)>>();
        foreach (var (field, values) in fields)
        {
            var known = Vocabulary(field, categories, offices);
            var found = new List<(string Word, object Value)>();
            foreach (var value in values)
            {
                var i = known.FindIndex(c => string.Equals(c.Word, value, StringComparison.OrdinalIgnoreCase)
                    || c.Value is Enum && string.Equals(c.Value.ToString(), value, StringComparison.OrdinalIgnoreCase));
                if (i < 0)
                {
                    throw new DefinitionException(known.Count == 0
                        ? $"{field}「{value}」: この事業には{field}がありません。"
                        : $"{field}「{value}」はありません。使える値: {string.Join("、", known.Select(c => c.Word))}");
                }
                if (!found.Contains(known[i]))
                {
                    found.Add(known[i]);
                }
            }
            words[field] = found;
        }
        List<T>? Words<T>(string field) => words.TryGetValue(field, out var found) ? [.. found.Select(f => (T)f.Value)] : null;

        var canonical = new StringBuilder();
        foreach (var field in Measure.Of(measure).FilterFields.Where(words.ContainsKey))
        {
            canonical.Append(canonical.Length == 0 ? "" : "; ").Append(field).Append('=').Append(string.Join(",", words[field].Select(w => w.Word)));
        }
        return new MeasureFilter
        {
            Kinds = Words<ContactKind>(KindField),
            Categories = Words<string>(CategoryField),
            Channels = Words<ContactChannel>(ChannelField),
            WithGuardian = Words<string>(GuardianField) is not null,
            TimeBands = Words<TimeBand>(TimeField),
            OfficeIds = Words<int>(OfficeField),
            Roles = Words<PersonRole>(RoleField),
            Sources = Words<ReferralSource>(SourceField),
            SessionKinds = Words<SessionKind>(SessionField),
            Outcomes = Words<OutcomeKind>(OutcomeField),
            Text = canonical.ToString(),
        };
    }

    /// <summary>The words a field's values may be, in the order the definition form lists them.</summary>
    public static IReadOnlyList<string> Choices(string field, IReadOnlyList<string> categories, IReadOnlyDictionary<string, int> offices) =>
        [.. Vocabulary(field, categories, offices).Select(c => c.Word)];

    /// <summary>Each field's words (what the screens say) and what each means: the one list the parser and the form read.</summary>
    static List<(string Word, object Value)> Vocabulary(string field, IReadOnlyList<string> categories, IReadOnlyDictionary<string, int> offices)
    {
        static List<(string, object)> Of<T>(Func<T, string> word) where T : struct, Enum => [.. Enum.GetValues<T>().Select(v => (word(v), (object)v))];
        return field switch
        {
            KindField => Of<ContactKind>(k => k.Japanese()),
            CategoryField => [.. categories.Select(c => (c, (object)c))],
            ChannelField => Of<ContactChannel>(c => c.Japanese()),
            GuardianField => [("保護者", "保護者")],
            TimeField => Of<TimeBand>(t => t.Japanese()),
            OfficeField => [.. offices.Select(o => (o.Key, (object)o.Value))],
            RoleField => Of<PersonRole>(r => r.Japanese()),
            SourceField => Of<ReferralSource>(s => s.Japanese()),
            SessionField => Of<SessionKind>(SessionText.Japanese),
            OutcomeField => Of<OutcomeKind>(o => o.Japanese()),
            _ => [],
        };
    }

    /// <summary>The filter of a saved definition (its program's categories, the offices of the masters).</summary>
    public static MeasureFilter Of(IndicatorDefinition definition, IReadOnlyDictionary<string, int> offices) =>
        Parse(definition.Filter, definition.Measure, ContactCategories.For(definition.Program), offices);

    /// <summary>Whether a group of contacts that share these attributes is counted.</summary>
    public bool Matches(ContactCell cell) =>
        (Kinds is null || Kinds.Contains(cell.Kind))
        && (Categories is null || Categories.Contains(cell.Category))
        && (Channels is null || Channels.Contains(cell.Channel))
        && (!WithGuardian || cell.WithGuardian)
        && (OfficeIds is null || OfficeIds.Contains(cell.OfficeId))
        && (TimeBands is null || TimeBands.Any(cell.IsIn));

    public IQueryable<Contact> Apply(IQueryable<Contact> contacts)
    {
        if (Kinds is not null) { contacts = contacts.Where(c => Kinds.Contains(c.Kind)); }
        if (Categories is not null) { contacts = contacts.Where(c => c.Category != null && Categories.Contains(c.Category)); }
        if (Channels is not null) { contacts = contacts.Where(c => Channels.Contains(c.Channel)); }
        if (WithGuardian) { contacts = contacts.Where(c => c.WithGuardian); }
        if (OfficeIds is not null) { contacts = contacts.Where(c => c.OfficeId != null && OfficeIds.Contains(c.OfficeId.Value)); }
        if (TimeBands is not null) { contacts = contacts.Where(OfficeHours.InAny(TimeBands)); }
        return contacts;
    }

    public IQueryable<SupportSession> Apply(IQueryable<SupportSession> sessions)
    {
        if (SessionKinds is not null) { sessions = sessions.Where(s => SessionKinds.Contains(s.Kind)); }
        if (OfficeIds is not null) { sessions = sessions.Where(s => s.OfficeId != null && OfficeIds.Contains(s.OfficeId.Value)); }
        return sessions;
    }

    /// <summary>The program's enrolments at any time from <paramref name="from"/> to <paramref name="to"/> that the filter counts.</summary>
    /// <param name="persons">The persons table: the role is read by a look-up per enrolment of the program, not by a
    /// join, which PostgreSQL plans as a scan of every person (25 ms instead of 6 at a million contacts).</param>
    public IQueryable<Enrollment> Enrolled(IQueryable<Enrollment> enrollments, IQueryable<Person> persons, int programId, DateOnly from, DateOnly to)
    {
        enrollments = enrollments.Where(e => e.ProgramId == programId && e.From <= to && (e.To == null || e.To >= from));
        if (Roles is not null) { enrollments = enrollments.Where(e => Roles.Contains(persons.Where(p => p.Id == e.PersonId).Select(p => p.Role).FirstOrDefault())); }
        if (Sources is not null) { enrollments = enrollments.Where(e => Sources.Contains(e.Source)); }
        return enrollments;
    }

    public IQueryable<Person> Apply(IQueryable<Person> persons) => Roles is null ? persons : persons.Where(p => Roles.Contains(p.Role));

    public IQueryable<Outcome> Apply(IQueryable<Outcome> outcomes) => Outcomes is null ? outcomes : outcomes.Where(o => Outcomes.Contains(o.Kind));
}

/// <summary>
/// Contacts of a program and year that share every attribute a filter can ask about, and how many they are. No
/// category is "", no office is 0, as in <see cref="ContactFact"/>.
/// </summary>
public sealed record ContactCell(
    int ProgramId, ContactKind Kind, string Category, ContactChannel Channel, int OfficeId, DayOfWeek Day, bool Evening, bool Early,
    bool WithGuardian, int Count)
{
    public bool IsIn(TimeBand band) => OfficeHours.IsIn(band, Day, Evening, Early);
}


/// <summary>A definition that cannot be saved; the message says what is wrong, for the planner who wrote it.</summary>
public sealed class DefinitionException(string message) : RefusalException(RefusalKind.Invalid, message);
