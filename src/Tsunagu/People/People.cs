using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tsunagu.Japanese;

namespace Tsunagu.People;

/// <summary>What a household's circumstances are, as the programs' eligibility asks.</summary>
[Flags]
public enum HouseholdCircumstances
{
    None = 0,
    SingleMother = 1,          // ひとり親（母子）
    SingleFather = 2,          // ひとり親（父子）
    PublicAssistance = 4,      // 生活保護
    Hardship = 8,              // 生活困窮
    ChildRearingAllowance = 16, // 児童扶養手当
    CareLeaver = 32,           // 社会的養護経験者
}

public class Household : Data.IVersioned
{
    public int Id { get; set; }

    /// <summary>The ward by its municipality code (041017 青葉区 …).</summary>
    public string? WardCode { get; set; }

    public HouseholdCircumstances Circumstances { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public List<Person> Members { get; set; } = [];

    /// <summary>郵便番号 as 980-0811.</summary>
    public string? PostalCode { get; set; }

    /// <summary>The address as typed (with its 方書); <see cref="AddressKey"/> is what search compares.</summary>
    public string? Address { get; set; }

    /// <summary><see cref="ContactDetailsRules.AddressKey"/> of the address.</summary>
    public string? AddressKey { get; set; }

    public int Version { get; set; }
}

public enum PersonRole
{
    Child = 0,      // 児童・生徒
    Guardian = 1,   // 保護者
    YoungAdult = 2, // 若者（社会的養護経験者など）
}

/// <summary>
/// A child, guardian or young adult. The name is stored exactly as registered (髙, 𠮷): never normalised. The kana
/// reading is what search uses.
/// </summary>
public class Person : Data.IVersioned
{
    public int Id { get; set; }
    public int? HouseholdId { get; set; }
    public Household? Household { get; set; }
    public required string Name { get; set; }
    public required string Kana { get; set; }

    /// <summary><see cref="JapaneseText.KanaKey"/> of the reading: hiragana, no spaces, full-width folded.</summary>
    public required string KanaKey { get; set; }

    public DateOnly BirthDate { get; set; }
    public PersonRole Role { get; set; }

    /// <summary>The school by MEXT's 学校コード, for children.</summary>
    public string? SchoolCode { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// Set when this record was found to be a duplicate and merged into another (<see cref="PersonMergeService"/>): its
    /// records moved there, so no scope finds it any more; kept so that the merge can be undone.
    /// </summary>
    public int? MergedIntoId { get; set; }

    /// <summary>
    /// 閲覧制限: set, only the workers named on the record (<see cref="RestrictedRecordStaff"/>) and the managers of its
    /// programs find the person anywhere, and nothing is ever sent to the household.
    /// </summary>
    public RestrictionKind? Restriction { get; set; }

    /// <summary>The person's telephone as typed (half-width); <see cref="PhoneKey"/>, its digits, is what search compares.</summary>
    public string? Phone { get; set; }

    public string? PhoneKey { get; set; }
    public string? Email { get; set; }
    public int Version { get; set; }
}

/// <summary>
/// The school grade of a child in a fiscal year. A school year takes children born from 2 April to 1 April of the
/// next year (学校教育法: a child starts school in the April after turning six; a 1 April birthday turns six the
/// day before, so it belongs to the earlier grade).
/// </summary>
public static class SchoolGrade
{
    /// <summary>1–6 小学校, 7–9 中学校, 10–12 高等学校 and the like; 0 or less before school, 13 or more after.</summary>
    public static int Of(DateOnly birthDate, int fiscalYear)
    {
        // The fiscal year of the day before the birth, without stepping before DateOnly.MinValue (an impossible stored date).
        var bornInFiscalYear = birthDate.Month < 4 || birthDate is { Month: 4, Day: 1 } ? birthDate.Year - 1 : birthDate.Year;
        return fiscalYear - bornInFiscalYear - 6;
    }

    public static string Label(DateOnly birthDate, int fiscalYear) => Of(birthDate, fiscalYear) switch
    {
        <= 0 => "未就学",
        <= 6 and var g => $"小{g}",
        <= 9 and var g => $"中{g - 6}",
        <= 12 and var g => $"高{g - 9}",
        _ => "高校卒業後",
    };
}

public sealed class HouseholdConfiguration : IEntityTypeConfiguration<Household>
{
    public void Configure(EntityTypeBuilder<Household> builder)
    {
        builder.ToTable("households");
        builder.Property(h => h.PostalCode).HasMaxLength(8);
    }
}

public sealed class PersonConfiguration : IEntityTypeConfiguration<Person>
{
    /// <summary>
    /// On PostgreSQL the name and the reading compare by code point (collation "C"), as SQLite's BINARY does, whatever
    /// the database's own collation: the search's prefix is then a range of their indexes (<see cref="PersonSearch"/>).
    /// Under a linguistic collation LIKE reads no index (and a code-point range is not a prefix), so every search read all
    /// the persons (decision 0023).
    /// Kana and kanji sort by code point in the order of the syllabary and of the character tables, as the list shows them.
    /// </summary>
    public static void ComparedByCodePoint(EntityTypeBuilder<Person> builder)
    {
        builder.Property(p => p.Name).UseCollation("C");
        builder.Property(p => p.KanaKey).UseCollation("C");
    }

    public void Configure(EntityTypeBuilder<Person> builder)
    {
        builder.ToTable("persons");
        // Reading then birth date: the prefix search and its order, and the import's look-up of a doubtful match
        // (same reading and birth date), which on the reading alone walked every same-named person.
        builder.HasIndex(p => new { p.KanaKey, p.BirthDate });
        builder.HasIndex(p => new { p.Name, p.BirthDate });
        // Birth date first (an age or a school grade is a span of birth dates), carrying what a notice's targeting rule
        // asks next, so its list of a span's children is read from the index alone (SQLite, a broad rule at 1,000,000
        // persons: 1.1 → 0.88 s; bench notices).
        builder.HasIndex(p => new { p.BirthDate, p.Role, p.HouseholdId, p.MergedIntoId });
        // The scope asks whether any restricted record exists before it adds the per-person test.
        builder.HasIndex(p => p.Restriction);
        builder.HasIndex(p => p.PhoneKey);
        builder.Property(p => p.Phone).HasMaxLength(40);
        builder.Property(p => p.PhoneKey).HasMaxLength(20);
        builder.Property(p => p.Email).HasMaxLength(ContactDetailsRules.EmailMax);
    }
}

/// <summary>The words staff read for persons and households.</summary>
public static class PeopleText
{
    public static string Japanese(this PersonRole role) => role switch
    {
        PersonRole.Child => "児童・生徒",
        PersonRole.Guardian => "保護者",
        PersonRole.YoungAdult => "若者",
        _ => role.ToString(),
    };

    public static string Japanese(this HouseholdCircumstances circumstances)
    {
        var words = new List<string>();
        if (circumstances.HasFlag(HouseholdCircumstances.SingleMother)) { words.Add("ひとり親（母子）"); }
        if (circumstances.HasFlag(HouseholdCircumstances.SingleFather)) { words.Add("ひとり親（父子）"); }
        if (circumstances.HasFlag(HouseholdCircumstances.PublicAssistance)) { words.Add("生活保護"); }
        if (circumstances.HasFlag(HouseholdCircumstances.Hardship)) { words.Add("生活困窮"); }
        if (circumstances.HasFlag(HouseholdCircumstances.ChildRearingAllowance)) { words.Add("児童扶養手当"); }
        if (circumstances.HasFlag(HouseholdCircumstances.CareLeaver)) { words.Add("社会的養護経験"); }
        return string.Join("・", words);
    }
}
