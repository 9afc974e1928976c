using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tsunagu.Placements;

/// <summary>A counsellor placed at a school or centre for a fiscal year.</summary>
public class Placement
{
    public int Id { get; set; }
    public int ProgramId { get; set; }
    public int FiscalYear { get; set; }
    public required string StaffName { get; set; }
    public int? SchoolId { get; set; }
    public int? OfficeId { get; set; }
}

/// <summary>A booklet or notice handed to facilities.</summary>
public class Distribution
{
    public int Id { get; set; }
    public int ProgramId { get; set; }
    public DateOnly Date { get; set; }
    public required string Item { get; set; }
    public required string Facility { get; set; }
    public int Copies { get; set; }
}

public sealed class PlacementConfiguration : IEntityTypeConfiguration<Placement>
{
    public void Configure(EntityTypeBuilder<Placement> builder)
    {
        builder.ToTable("placements");
        builder.HasIndex(p => new { p.ProgramId, p.FiscalYear });
    }
}

public sealed class DistributionConfiguration : IEntityTypeConfiguration<Distribution>
{
    public void Configure(EntityTypeBuilder<Distribution> builder)
    {
        builder.ToTable("distributions");
    }
}
