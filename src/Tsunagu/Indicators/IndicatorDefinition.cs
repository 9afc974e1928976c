using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tsunagu.Programs;

namespace Tsunagu.Indicators;

/// <summary>What a figure counts. Each kind is computed for every program in one set-based pass.</summary>
/// <summary>
/// One version of a program's indicator: the label as printed, its unit and counting basis, and what it counts.
/// A version is never changed once saved: a change for a year is a new version from that year, so the figures of
/// earlier years stay reproducible with the definition they were computed with.
/// </summary>
public class IndicatorDefinition
{
    public int Id { get; set; }
    public int ProgramId { get; set; }
    public SupportProgram Program { get; set; } = null!;

    /// <summary>Stable within the program across versions (「利用者数」 may be renamed; its key stays).</summary>
    public required string Key { get; set; }

    /// <summary>1, 2, … per program and key.</summary>
    public int Version { get; set; }

    /// <summary>The first fiscal year this version applies to; it applies until a later version starts.</summary>
    public int FromYear { get; set; }

    /// <summary>Order in the 実績 cell.</summary>
    public int Position { get; set; }

    public required string Label { get; set; }
    public required string Unit { get; set; }
    public CountingBasis Basis { get; set; }
    public MeasureKind Measure { get; set; }

    /// <summary>What is counted, in the words staff use: 「分類=女性相談; 方法=メール」. See <see cref="MeasureFilter"/>.</summary>
    public string Filter { get; set; } = "";

    /// <summary>For a rate: the keys of the two figures it divides.</summary>
    public string? NumeratorKey { get; set; }

    public string? DenominatorKey { get; set; }

    /// <summary>For a rate: places after the point, rounded half away from zero (99.0 % → 99 %).</summary>
    public int Decimals { get; set; }

    /// <summary>How the figure reads in the 実績 cell where the draft has no place for it: 「{label}:{value}{unit}」.</summary>
    public string Wording { get; set; } = DefaultWording;

    /// <summary>
    /// Printed in the 実績 cell. A figure that only serves another (the denominator of 高校進学率) is computed and
    /// shown beside it on the pages, but not printed.
    /// </summary>
    public bool InResults { get; set; } = true;

    /// <summary>From <see cref="FromYear"/> on the figure is no longer counted.</summary>
    public bool Retired { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }

    public const string DefaultWording = "{label}:{value}{unit}";

    /// <summary>The wording's places as people write them on the form: ［指標名］:［値］［単位］.</summary>
    static readonly (string Stored, string Written)[] Places = [("{label}", "［指標名］"), ("{value}", "［値］"), ("{unit}", "［単位］")];

    /// <summary>A stored wording as the form shows it: 「{label}:{value}{unit}」 → 「［指標名］:［値］［単位］」.</summary>
    public static string WordingAsWritten(string wording) =>
        Places.Aggregate(wording, (text, place) => text.Replace(place.Stored, place.Written, StringComparison.Ordinal));

    /// <summary>A wording as written on the form (［値］, or [値] in half-width brackets) in its stored form ({value}); other brackets stay.</summary>
    public static string WordingAsStored(string written) =>
        Places.Aggregate(written, (text, place) => text.Replace(place.Written, place.Stored, StringComparison.Ordinal)
            .Replace($"[{place.Written[1..^1]}]", place.Stored, StringComparison.Ordinal));

    public string Word(decimal value) => Word(Wording, Label, Unit, value);

    /// <summary>A figure in a wording (stored form): 「{label}:{value}{unit}」 → 「利用者数:303人」.</summary>
    public static string Word(string wording, string label, string unit, decimal value) => wording
        .Replace("{label}", label, StringComparison.Ordinal)
        .Replace("{value}", FigureValues.Format(value), StringComparison.Ordinal)
        .Replace("{unit}", unit, StringComparison.Ordinal);
}

public sealed class IndicatorDefinitionConfiguration : IEntityTypeConfiguration<IndicatorDefinition>
{
    public void Configure(EntityTypeBuilder<IndicatorDefinition> builder)
    {
        builder.ToTable("indicator_definitions");
        builder.Property(d => d.Key).HasMaxLength(IndicatorDefinitions.KeyMax);
        builder.Property(d => d.Basis).HasConversion<string>().HasMaxLength(24);
        builder.Property(d => d.Measure).HasConversion<string>().HasMaxLength(24);
        builder.HasIndex(d => new { d.ProgramId, d.Key, d.Version }).IsUnique();
    }
}
