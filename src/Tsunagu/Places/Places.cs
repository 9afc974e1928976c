using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tsunagu.Places;

/// <summary>
/// 全国地方公共団体コード: five digits and a check digit (mod 11). 仙台市 041009; its wards 041017 (青葉区) …
/// </summary>
public static class MunicipalityCode
{
    public static readonly IReadOnlyDictionary<string, string> SendaiWards = new Dictionary<string, string>
    {
        ["041017"] = "青葉区",
        ["041025"] = "宮城野区",
        ["041033"] = "若林区",
        ["041041"] = "太白区",
        ["041050"] = "泉区",
    };

    public static bool IsValid(string? code)
    {
        if (code is not { Length: 6 } || !code.All(char.IsAsciiDigit))
        {
            return false;
        }
        var sum = 0;
        for (var i = 0; i < 5; i++)
        {
            sum += (code[i] - '0') * (6 - i);
        }
        // 11 - (sum mod 11), keeping the last digit: 10 gives 0 (泉区 041050), 11 gives 1.
        return code[5] - '0' == (11 - sum % 11) % 10;
    }
}

public enum OfficeKind
{
    WardOffice = 0,   // 区役所
    BranchOffice = 1, // 総合支所 (serves part of a ward)
    Centre = 2,       // 相談支援センター、教育支援センター etc.
    Other = 3,
}

/// <summary>Where staff work and people come: ward offices, 総合支所, centres. Offices are not wards.</summary>
public class Office
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public OfficeKind Kind { get; set; }

    /// <summary>The ward the office is in (municipality code), where it has one.</summary>
    public string? WardCode { get; set; }
}

public enum SchoolType
{
    Elementary = 0,      // 小学校
    JuniorHigh = 1,      // 中学校
    Compulsory = 2,      // 義務教育学校
    HighSchool = 3,      // 高等学校
    Secondary = 4,       // 中等教育学校
    SpecialNeeds = 5,    // 特別支援学校
    TechnicalCollege = 6, // 高等専門学校
    Vocational = 7,      // 専修学校
}

/// <summary>A school by MEXT's 13-character 学校コード, with its type, 課程 and 設置者.</summary>
public class School
{
    public int Id { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public SchoolType Type { get; set; }

    /// <summary>課程: 全日制, 定時制, 通信制 (high schools).</summary>
    public string? Course { get; set; }

    /// <summary>設置者: 国立, 公立, 私立.</summary>
    public string Founder { get; set; } = "公立";

    /// <summary>MEXT school codes: a letter for the type, then digits; 13 characters.</summary>
    public static bool IsValidCode(string? code) => code is { Length: 13 } && char.IsAsciiLetterUpper(code[0]) && code[1..].All(char.IsAsciiLetterOrDigit);
}

public static class PlaceText
{
    public static string Japanese(this SchoolType type) => type switch
    {
        SchoolType.Elementary => "小学校",
        SchoolType.JuniorHigh => "中学校",
        SchoolType.Compulsory => "義務教育学校",
        SchoolType.HighSchool => "高等学校",
        SchoolType.Secondary => "中等教育学校",
        SchoolType.SpecialNeeds => "特別支援学校",
        SchoolType.TechnicalCollege => "高等専門学校",
        _ => "専修学校",
    };

    public static string Japanese(this OfficeKind kind) => kind switch
    {
        OfficeKind.WardOffice => "区役所",
        OfficeKind.BranchOffice => "総合支所",
        OfficeKind.Centre => "センター",
        _ => "その他",
    };
}

public sealed class OfficeConfiguration : IEntityTypeConfiguration<Office>
{
    public void Configure(EntityTypeBuilder<Office> builder)
    {
        builder.ToTable("offices");
    }
}

public sealed class SchoolConfiguration : IEntityTypeConfiguration<School>
{
    public void Configure(EntityTypeBuilder<School> builder)
    {
        builder.ToTable("schools");
        builder.Property(s => s.Code).HasMaxLength(13);
        builder.HasIndex(s => s.Code).IsUnique();
    }
}
