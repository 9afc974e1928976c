using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tsunagu.Programs;

/// <summary>A program (事業) the city runs. The code never changes once given; the name is matched by its key.</summary>
public class SupportProgram
{
    public int Id { get; set; }

    /// <summary>Stable code, P001, P002…, given in the order programs first appear.</summary>
    public required string Code { get; set; }

    /// <summary>The name with PDF wrap spaces folded; the published cell text stays verbatim on the report row.</summary>
    public required string Name { get; set; }

    /// <summary><see cref="Japanese.JapaneseText.MatchKey"/> of the name; unique.</summary>
    public required string NameKey { get; set; }

    public string Overview { get; set; } = "";

    /// <summary>
    /// The education board (教育委員会) and the mayor's bureaus are separate bodies under the personal-data law:
    /// a person's record passes between their programs only through a referral.
    /// </summary>
    public GoverningBody Body { get; set; }

    public static string CodeFor(int sequence) => $"P{sequence:D3}";
}

public enum GoverningBody
{
    Mayor = 0,          // 市長部局
    EducationBoard = 1, // 教育委員会（教育局）
}

/// <summary>A bureau (局) of the city: こども若者局, 健康福祉局, 教育局.</summary>
public class Bureau
{
    public int Id { get; set; }
    public required string Name { get; set; }
}

/// <summary>
/// A bureau responsible for a program in a fiscal year, as the 担当局 cell of that year says.
/// Scope carries a qualifier such as 各区役所 (「こども若者局 (各区役所)」: the bureau with its ward offices).
/// </summary>
public class ProgramBureau
{
    public int Id { get; set; }
    public int ProgramId { get; set; }
    public SupportProgram Program { get; set; } = null!;
    public int FiscalYear { get; set; }
    public int Position { get; set; }
    public int BureauId { get; set; }
    public Bureau Bureau { get; set; } = null!;
    public string? Scope { get; set; }
}

public sealed class SupportProgramConfiguration : IEntityTypeConfiguration<SupportProgram>
{
    public void Configure(EntityTypeBuilder<SupportProgram> builder)
    {
        builder.ToTable("programs");
        builder.Property(p => p.Body).HasConversion<string>().HasMaxLength(16);
        builder.Property(p => p.Code).HasMaxLength(16);
        builder.HasIndex(p => p.Code).IsUnique();
        builder.HasIndex(p => p.NameKey).IsUnique();
    }
}

public sealed class BureauConfiguration : IEntityTypeConfiguration<Bureau>
{
    public void Configure(EntityTypeBuilder<Bureau> builder)
    {
        builder.ToTable("bureaus");
        builder.HasIndex(x => x.Name).IsUnique();
    }
}

public sealed class ProgramBureauConfiguration : IEntityTypeConfiguration<ProgramBureau>
{
    public void Configure(EntityTypeBuilder<ProgramBureau> builder)
    {
        builder.ToTable("program_bureaus");
        builder.HasIndex(x => new { x.ProgramId, x.FiscalYear, x.Position }).IsUnique();
    }
}
