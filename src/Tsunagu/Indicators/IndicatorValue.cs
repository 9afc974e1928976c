using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tsunagu.Programs;

namespace Tsunagu.Indicators;

public enum IndicatorSource
{
    Imported = 0, // read from the 実績 text of an imported table
    Manual = 1,   // entered by staff
    Computed = 2, // counted from records
}

/// <summary>A figure of a program for a fiscal year: 利用者数 303人 (実人数), with the text it came from.</summary>
public class IndicatorValue
{
    public int Id { get; set; }
    public int ProgramId { get; set; }
    public SupportProgram Program { get; set; } = null!;
    public int FiscalYear { get; set; }

    /// <summary>Order of appearance in the 実績 cell.</summary>
    public int Position { get; set; }

    public required string Label { get; set; }
    public decimal Value { get; set; }
    public string? Unit { get; set; }
    public CountingBasis Basis { get; set; }
    public bool Approximate { get; set; }
    public IndicatorSource Source { get; set; }

    /// <summary>The text the figure was read from (「利用者数:303人」), or a note for a manual value.</summary>
    public string SourceText { get; set; } = "";

    /// <summary>For a computed figure: the definition version it was counted by.</summary>
    public int? DefinitionId { get; set; }

    public IndicatorDefinition? Definition { get; set; }

    /// <summary>For a computed rate: the denominator, shown beside the rate (高校進学率 99%、分母 101人).</summary>
    public decimal? Denominator { get; set; }

    public DateTimeOffset RecordedAt { get; set; }
    public string? RecordedBy { get; set; }

    public void MarkManual(string by, DateTimeOffset at)
    {
        Source = IndicatorSource.Manual;
        RecordedBy = by;
        RecordedAt = at;
    }

    public static IndicatorValue Imported(int programId, int fiscalYear, int position, Figure figure, DateTimeOffset at) => new()
    {
        ProgramId = programId,
        FiscalYear = fiscalYear,
        Position = position,
        Label = figure.Label,
        Value = figure.Value,
        Unit = figure.Unit,
        Basis = figure.Basis,
        Approximate = figure.Approximate,
        Source = IndicatorSource.Imported,
        SourceText = figure.Text,
        RecordedAt = at,
    };
}

public sealed class IndicatorValueConfiguration : IEntityTypeConfiguration<IndicatorValue>
{
    public void Configure(EntityTypeBuilder<IndicatorValue> builder)
    {
        builder.ToTable("indicator_values");
        builder.Property(v => v.Value).HasPrecision(18, 4);
        builder.Property(v => v.Basis).HasConversion<string>().HasMaxLength(24);
        builder.Property(v => v.Source).HasConversion<string>().HasMaxLength(16);
        builder.Property(v => v.Denominator).HasPrecision(18, 4);
        builder.HasIndex(v => new { v.FiscalYear, v.ProgramId, v.Position });
        // A definition version that counted a figure is kept as long as the figure.
        builder.HasOne(v => v.Definition).WithMany().HasForeignKey(v => v.DefinitionId).OnDelete(DeleteBehavior.Restrict);
    }
}
