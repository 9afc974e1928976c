using Tsunagu.Calendar;
namespace Tsunagu.Records;

/// <summary>
/// A field of a record refused: which field (as the API names it, and the form's field id) and what is wrong, in
/// Japanese. A 400 with the field in the API; the form again with the message beside the field on a page.
/// </summary>
public sealed class RecordInputException(string field, string message) : RefusalException(RefusalKind.Invalid, message, field);

/// <summary>A write that the record's state no longer allows (already decided, already ended): 409 in the API.</summary>
public sealed class RecordConflictException(string message) : RefusalException(RefusalKind.Conflict, message);

/// <summary>A record that is not there or not in the user's scope; the two are not told apart. 404 in the API.</summary>
public sealed class RecordNotFoundException(string message) : RefusalException(RefusalKind.NotFound, message);

/// <summary>A record the user may see but not change this way (not their program, not their role): 403 in the API.</summary>
public sealed class RecordAccessException(string message) : RefusalException(RefusalKind.Forbidden, message);

/// <summary>
/// What a record's fields may hold: the one home of these rules, used by the pages, the API and the records import
/// alike. Each rule returns what is wrong (null when the value is fine), so the import can put it on a line and
/// column and the service can throw it with the field. A message never repeats a birth date or a name.
/// </summary>
public static class RecordRules
{
    public static readonly DateOnly EarliestBirth = new(1900, 1, 1);

    public const int NameMax = 100;
    public const int CategoryMax = 100;
    public const int TitleMax = 200;
    public const int NoteMax = 20_000;
    public const int ReasonMax = 2_000;
    public const int DurationMin = 1;
    public const int DurationMax = 1440;
    public const int HeadCountMax = 10_000;
    public const int CopiesMax = 100_000;
    public const decimal AmountMax = 10_000_000;

    public static string? BirthDate(DateOnly birth, DateOnly today) =>
        birth < EarliestBirth || birth > today
            ? $"1900年1月1日から今日（{today:yyyy-MM-dd}）までの日付です。"
            : null;

    /// <summary>A contact, outcome or enrolment date: not after today (Japan time), not before the birth or the enrolment.</summary>
    public static string? RecordDate(DateOnly date, DateOnly today, DateOnly? birth = null, DateOnly? enrolledFrom = null, string earliest = "事業への登録日") =>
        date > today ? $"今日（{today:yyyy-MM-dd}）より後の日付です。"
        : birth is { } b && date < b ? "生年月日より前の日付です。"
        : enrolledFrom is { } from && date < from ? $"{earliest}（{from:yyyy-MM-dd}）より前の日付です。"
        : null;

    /// <summary>
    /// A contact's date within one of the person's enrolment periods in the program: support recorded in a gap between
    /// an ended period and a re-enrolment belongs to no period and is refused, like one before the first.
    /// </summary>
    public static string? InPeriods(DateOnly date, IReadOnlyCollection<(DateOnly From, DateOnly? To)> periods) =>
        periods.Any(p => p.From <= date && (p.To is null || p.To >= date)) ? null
        : date < periods.Min(p => p.From) ? $"事業への登録日（{periods.Min(p => p.From):yyyy-MM-dd}）より前の日付です。"
        : "登録期間の外の日付です（" + string.Join("、", periods.OrderBy(p => p.From).Select(p => $"{p.From:yyyy-MM-dd}〜{p.To:yyyy-MM-dd}")) +
          "）。支援を再開するときは再登録してください。";

    /// <summary>A fiscal year a record may be about: from FY2000 to next year (placements are planned ahead).</summary>
    public static string? FiscalYear(int fiscalYear, TimeProvider time) =>
        CityClock.IsInFiscalYearRange(fiscalYear, time) ? null
            : $"{fiscalYear}年度は記録できません（{CityClock.FiscalYearRange(time).First}年度から{CityClock.FiscalYearRange(time).Last}年度まで）。";

    public static string? Duration(int? minutes) =>
        minutes is { } m && (m < DurationMin || m > DurationMax) ? $"時間は{DurationMin}〜{DurationMax}分です（{m}）。" : null;

    public static string? Count(int value, int min, int max) =>
        value < min || value > max ? $"{min:#,0}〜{max:#,0}の数です（{value:#,0}）。" : null;

    /// <summary>A choice from a list (kind, channel…): the API's JSON also takes numbers, and 99 is none of them.</summary>
    public static string? Defined<T>(T value) where T : struct, Enum =>
        Enum.IsDefined(value) ? null : $"「{value}」は選べる値ではありません。";

    /// <summary>How many persons one write may name (a contact's household members, a session's attendance).</summary>
    public static string? Persons(int count, int max) => count > max ? $"一度に{max:#,0}人までです（{count:#,0}人）。" : null;

    /// <summary>A 学校コード (13 characters, MEXT's) as typed: full-width forms read as ASCII.</summary>
    public static string? SchoolCode(string? code) =>
        code is { Length: > 0 } && !Places.School.IsValidCode(code.Normalize(System.Text.NormalizationForm.FormKC))
            ? $"「{code}」は13桁の学校コードではありません。" : null;

    /// <summary>A ward's 全国地方公共団体コード (6 digits with its check digit), full-width forms read as ASCII.</summary>
    public static string? WardCode(string? code) =>
        code is { Length: > 0 } && !Places.MunicipalityCode.IsValid(code.Normalize(System.Text.NormalizationForm.FormKC))
            ? $"「{code}」は正しい団体コードではありません（6桁、検査数字つき）。" : null;

    public static string? Amount(decimal value) =>
        value < 1 || value > AmountMax ? $"金額は1〜{AmountMax:#,0}円です（{value:#,0}）。"
        : value != decimal.Truncate(value) ? $"金額は円単位で書いてください（{value}）。" : null;

    /// <summary>
    /// Text of one line (a name, a title): within <paramref name="max"/> characters, with no control characters,
    /// byte-order marks or broken surrogate pairs — what a copy from another system leaves behind, never what a
    /// person's name holds.
    /// </summary>
    public static string? Line(string? text, int max, bool required = false) => Text(text, max, required, multiline: false);

    /// <summary>Text of several lines (a note, a reason): tabs and line breaks allowed.</summary>
    public static string? Note(string? text, int max = NoteMax, bool required = false) => Text(text, max, required, multiline: true);

    static string? Text(string? text, int max, bool required, bool multiline)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return required ? "入力してください。" : null;
        }
        var length = new System.Globalization.StringInfo(text).LengthInTextElements;
        if (length > max)
        {
            return $"{max:#,0}文字までです（{length:#,0}文字）。";
        }
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            var allowed = multiline && c is '\t' or '\n' or '\r';
            if (!allowed && (char.IsControl(c) || char.IsSurrogate(c) || c is '\uFEFF' or '\uFFFE' or '\uFFFF'))
            {
                return $"{i + 1}文字目に使えない文字（U+{(int)c:X4}）があります。";
            }
        }
        return null;
    }

    static readonly Dictionary<string, string> Labels = new()
    {
        ["date"] = "日付",
        ["birthDate"] = "生年月日",
        ["enrolledOn"] = "登録日",
        ["durationMinutes"] = "時間（分）",
        ["time"] = "時刻",
        ["to"] = "終了日",
        ["appliedOn"] = "申請日",
        ["amount"] = "金額",
        ["copies"] = "部数",
        ["headCount"] = "参加人数",
        ["fiscalYear"] = "年度",
        ["programId"] = "事業",
        ["officeId"] = "事業所",
        ["start"] = "開始時刻",
        ["paidOn"] = "支払日",
        ["name"] = "氏名",
        ["kana"] = "ふりがな",
        ["reason"] = "理由",
        ["title"] = "名称",
        ["category"] = "分類",
        ["quiet"] = "最後の記録から",
        ["from"] = "登録日",
    };

    /// <summary>The field's label as the forms show it.</summary>
    public static string Label(string field) => Labels.GetValueOrDefault(field, field);

    /// <summary>A form field's name as the API names it: Contact.Duration → durationMinutes, BirthDate → birthDate.</summary>
    public static string FieldOf(string formKey)
    {
        var name = formKey[(formKey.LastIndexOf('.') + 1)..];
        name = char.ToLowerInvariant(name[0]) + name[1..];
        return name == "duration" ? "durationMinutes" : name;
    }

    /// <summary>Throws the first problem found, with its field and the field's label as the form shows it.</summary>
    public static void Require(params (string Field, string Label, string? Problem)[] checks)
    {
        foreach (var (field, label, problem) in checks)
        {
            if (problem is not null)
            {
                throw new RecordInputException(field, $"{label}: {problem}");
            }
        }
    }
}
