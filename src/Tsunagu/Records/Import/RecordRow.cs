using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Tsunagu.Calendar;
using Tsunagu.Contacts;
using Tsunagu.Japanese;
using Tsunagu.People;
using Tsunagu.Referrals;
using Tsunagu.Reports.Files;
using Tsunagu.Sessions;
using Tsunagu.Subsidies;

namespace Tsunagu.Records.Import;

/// <summary>
/// One row of a program's own spreadsheet: a person (registration) and, where 記録日 is filled, one contact.
/// Columns are known by their header, in any order; see docs/records-import.md.
/// </summary>
public sealed record RecordRow(
    int Line,
    string Name, string Kana, DateOnly BirthDate, PersonRole Role, string? SchoolCode, string? WardCode, string? HouseholdKey,
    DateOnly? EnrolledOn, ReferralSource Source,
    DateOnly? Date, TimeOnly? Time, ContactKind Kind, string? Category, ContactChannel Channel, int? Duration,
    string? PersonSaid, string? ThirdPartySaid, string? AgencySaid, string? Assessment, string? StaffName, int? OfficeId = null)
{
    public bool HasContact => Date is not null;

    public IEnumerable<(NoteProvenance Provenance, string Text)> Notes()
    {
        if (!string.IsNullOrWhiteSpace(PersonSaid)) { yield return (NoteProvenance.PersonSaid, PersonSaid); }
        if (!string.IsNullOrWhiteSpace(ThirdPartySaid)) { yield return (NoteProvenance.ThirdPartySaid, ThirdPartySaid); }
        if (!string.IsNullOrWhiteSpace(AgencySaid)) { yield return (NoteProvenance.AgencySaid, AgencySaid); }
        if (!string.IsNullOrWhiteSpace(Assessment)) { yield return (NoteProvenance.StaffAssessment, Assessment); }
    }

    /// <summary>
    /// What makes a contact row the same row when a file is imported again: the person and everything recorded.
    /// A hash, so the key itself holds no personal data.
    /// </summary>
    public string ImportKey()
    {
        var text = string.Join("\u001F", Name, BirthDate.ToString("O", CultureInfo.InvariantCulture), Date?.ToString("O", CultureInfo.InvariantCulture), Time?.ToString("O", CultureInfo.InvariantCulture), Kind, Category, Channel,
            Duration, PersonSaid, ThirdPartySaid, AgencySaid, Assessment, StaffName);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
    }
}

/// <summary>The column layout and the rules each cell must meet.</summary>
public sealed class RecordLayout
{
    public static readonly string[] Columns =
    [
        "氏名", "ふりがな", "生年月日", "本人区分", "学校コード", "区コード", "世帯番号", "登録日", "紹介元",
        "記録日", "時刻", "種別", "分類", "方法", "時間（分）", "本人・家族の話", "第三者の話", "関係機関からの情報", "職員の所見", "担当職員",
        "事業所",
    ];

    static readonly string[] Required = ["氏名", "ふりがな", "生年月日"];

    readonly Dictionary<string, int> index;
    readonly TableFile file;
    readonly IReadOnlyDictionary<string, int> offices;
    readonly DateOnly today;

    RecordLayout(TableFile file, Dictionary<string, int> index, IReadOnlyDictionary<string, int> offices, DateOnly today)
    {
        this.file = file;
        this.index = index;
        this.offices = offices;
        this.today = today;
    }

    /// <param name="offices">The offices a 事業所 cell may name (name → id), from the masters.</param>
    /// <param name="today">Today in Japan: no birth, enrolment or contact after it.</param>
    public static RecordLayout Read(TableFile file, TableRecord header, DateOnly today, IReadOnlyDictionary<string, int>? offices = null)
    {
        var index = new Dictionary<string, int>();
        for (var i = 0; i < header.Fields.Count; i++)
        {
            var name = JapaneseText.MatchKey(header.Fields[i]);
            if (name.Length == 0)
            {
                continue;
            }
            var column = Columns.FirstOrDefault(c => JapaneseText.MatchKey(c) == name)
                ?? throw new FileErrorException(file.Error(header.Line, i, $"見出し「{header.Fields[i]}」が分かりません。使える見出しは docs/records-import.md のとおりです。"));
            if (!index.TryAdd(column, i))
            {
                throw new FileErrorException(file.Error(header.Line, i, $"「{column}」の列が2つあります。"));
            }
        }
        var missing = Required.Where(r => !index.ContainsKey(r)).ToList();
        if (missing.Count > 0)
        {
            throw new FileErrorException(file.Error(header.Line, null, $"見出しに{string.Join("・", missing.Select(m => $"「{m}」"))}の列がありません。"));
        }
        return new RecordLayout(file, index, offices ?? new Dictionary<string, int>(), today);
    }

    /// <summary>Where a column stands in the file, for errors about a whole row's values.</summary>
    public int? ColumnOf(string column) => index.TryGetValue(column, out var i) ? i : null;

    /// <summary>The row, or null with the problems added to <paramref name="errors"/> (line, column, what).</summary>
    public RecordRow? Parse(TableRecord record, List<FileError> errors)
    {
        var before = errors.Count;
        string? Cell(string column) =>
            index.TryGetValue(column, out var i) && i < record.Fields.Count && record.Fields[i].Trim().Length > 0 ? record.Fields[i].Trim() : null;
        void Error(string column, string message) => errors.Add(file.Error(record.Line, index.GetValueOrDefault(column, -1) is var i and >= 0 ? i : null, $"{column}: {message}"));
        T Choice<T>(string column, T fallback, Func<string, T?> parse) where T : struct
        {
            var text = Cell(column);
            if (text is null)
            {
                return fallback;
            }
            if (parse(text) is { } value)
            {
                return value;
            }
            Error(column, $"「{text}」は使えません。");
            return fallback;
        }
        DateOnly? Date(string column)
        {
            var text = Cell(column);
            if (text is null)
            {
                return null;
            }
            if (Dates.TryParse(text) is { } date)
            {
                return date;
            }
            Error(column, "日付として読めません（例: 2024-06-15、2024/6/15、令和6年6月15日）。");
            return null;
        }

        // A formula's cached value is whatever the last computer to open the file made of it: a record is what was typed.
        foreach (var column in record.Formulas ?? [])
        {
            errors.Add(file.Error(record.Line, column, "数式のセルです。値として貼り付けてから取り込んでください。"));
        }
        // The name is kept exactly as written in the cell (spaces inside included); only the cell's ends are trimmed.
        var name = Cell("氏名");
        var kana = Cell("ふりがな");
        if (name is null) { Error("氏名", "空です。"); }
        if (kana is null) { Error("ふりがな", "空です。"); }
        var birth = Date("生年月日");
        if (birth is null && Cell("生年月日") is null) { Error("生年月日", "空です。"); }
        // The same rules as the forms and the API (RecordRules), on the line and column of the cell.
        void Rule(string column, string? problem)
        {
            if (problem is not null)
            {
                Error(column, problem);
            }
        }
        Rule("氏名", RecordRules.Line(name, RecordRules.NameMax));
        Rule("ふりがな", RecordRules.Line(kana, RecordRules.NameMax));
        Rule("分類", RecordRules.Line(Cell("分類"), RecordRules.CategoryMax));
        Rule("担当職員", RecordRules.Line(Cell("担当職員"), RecordRules.NameMax));
        Rule("世帯番号", RecordRules.Line(Cell("世帯番号"), RecordRules.NameMax));
        foreach (var note in (string[])["本人・家族の話", "第三者の話", "関係機関からの情報", "職員の所見"])
        {
            Rule(note, RecordRules.Note(Cell(note)));
        }
        if (birth is { } born) { Rule("生年月日", RecordRules.BirthDate(born, today)); }
        var enrolledOn = Date("登録日");
        if (enrolledOn is { } enrolled) { Rule("登録日", RecordRules.RecordDate(enrolled, today, birth)); }
        var role = Choice("本人区分", PersonRole.Child, t => Enum.GetValues<PersonRole>().Cast<PersonRole?>().FirstOrDefault(r => r!.Value.Japanese() == t));
        var source = Choice("紹介元", ReferralSource.Other, t => Enum.GetValues<ReferralSource>().Cast<ReferralSource?>().FirstOrDefault(r => r!.Value.Japanese() == t));
        var kind = Choice("種別", ContactKind.Consultation, t => Enum.GetValues<ContactKind>().Cast<ContactKind?>().FirstOrDefault(k => k!.Value.Japanese() == t));
        var channel = Choice("方法", ContactChannel.Visit, t => Enum.GetValues<ContactChannel>().Cast<ContactChannel?>().FirstOrDefault(c => c!.Value.Japanese() == t));
        var ward = Cell("区コード");
        Rule("区コード", RecordRules.WardCode(ward));
        var school = Cell("学校コード");
        Rule("学校コード", RecordRules.SchoolCode(school));
        var date = Date("記録日");
        if (date is { } recorded) { Rule("記録日", RecordRules.RecordDate(recorded, today, birth, enrolledOn)); }
        TimeOnly? time = null;
        if (Cell("時刻") is { } timeText)
        {
            time = Dates.TryParseTime(timeText);
            if (time is null) { Error("時刻", "時刻として読めません（例: 14:30）。"); }
        }
        int? duration = null;
        if (Cell("時間（分）") is { } minutes)
        {
            if (int.TryParse(minutes.Normalize(NormalizationForm.FormKC), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var m))
            {
                duration = m;
                Rule("時間（分）", RecordRules.Duration(m));
            }
            else
            {
                Error("時間（分）", $"「{minutes}」は分数として読めません。");
            }
        }
        int? officeId = null;
        if (Cell("事業所") is { } office)
        {
            if (offices.TryGetValue(office, out var id))
            {
                officeId = id;
            }
            else
            {
                Error("事業所", $"「{office}」は事業所の一覧にありません（「学校・事業所」のページで登録してください）。");
            }
        }
        if (date is null && (Cell("種別") ?? Cell("本人・家族の話") ?? Cell("職員の所見")) is not null)
        {
            Error("記録日", "記録の内容があるのに記録日が空です。");
        }
        if (errors.Count > before)
        {
            return null;
        }
        return new RecordRow(record.Line, name!, kana!, birth!.Value, role, school?.Normalize(NormalizationForm.FormKC), ward?.Normalize(NormalizationForm.FormKC),
            Cell("世帯番号"), enrolledOn, source, date, time, kind, Cell("分類"), channel, duration,
            Cell("本人・家族の話"), Cell("第三者の話"), Cell("関係機関からの情報"), Cell("職員の所見"), Cell("担当職員"), officeId);
    }
}
