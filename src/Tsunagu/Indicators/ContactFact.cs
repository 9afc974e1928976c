using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tsunagu.Indicators;

/// <summary>
/// How many contacts of a program and fiscal year share every attribute a contact figure can ask about: the contact
/// figures read these instead of the contacts. The database keeps them up to date by itself (triggers on contacts,
/// see docs/decisions/0007), so an import, a page, the API or a correction are all counted, whatever wrote them.
/// One row per cell. On SQLite, where there is only ever one writer, the triggers count the cell up and down in
/// place; on PostgreSQL they append the change to contact_fact_changes, so that two writers never wait for each other
/// on a shared counter, and <see cref="IndicatorComputer"/> folds a year's changes into the cells before reading them.
/// </summary>
public class ContactFact
{
    public long Id { get; set; }
    public int ProgramId { get; set; }
    public int FiscalYear { get; set; }
    public Contacts.ContactKind Kind { get; set; }

    /// <summary>The category, or "" for none (so that a cell is equal to itself in an index).</summary>
    public string Category { get; set; } = "";

    public Contacts.ContactChannel Channel { get; set; }

    /// <summary>The office, or 0 for none.</summary>
    public int OfficeId { get; set; }

    public DayOfWeek DayOfWeek { get; set; }

    /// <summary>From 17:15.</summary>
    public bool Evening { get; set; }

    /// <summary>Before 8:30.</summary>
    public bool Early { get; set; }

    public bool WithGuardian { get; set; }
    public int Contacts { get; set; }
}

/// <summary>
/// How many contacts of a program and fiscal year a person was on: the per-person-per-year facts that persons-served
/// figures (実人数) count instead of the contacts. Kept by the database's triggers on contact_persons and contacts,
/// counted in place on both databases (a person's row is shared only by that person's contacts).
/// </summary>
public class PersonYearFact
{
    public long Id { get; set; }
    public int ProgramId { get; set; }
    public int FiscalYear { get; set; }
    public int PersonId { get; set; }
    public int Contacts { get; set; }
}

public sealed class ContactFactConfiguration : IEntityTypeConfiguration<ContactFact>
{
    public void Configure(EntityTypeBuilder<ContactFact> builder)
    {
        // Derived from contacts by the database's own triggers (see ContactFact); no foreign keys, so that they
        // add nothing to a contact's write but the count.
        builder.ToTable("contact_facts");
        // The cell the triggers count into (ON CONFLICT of Data/Sql/*/contact_facts.v1.sql): created by that file, declared
        // here so that the model knows it and a rebuild of the table by a later migration keeps it.
        builder.HasIndex(f => new { f.ProgramId, f.FiscalYear, f.Kind, f.Category, f.Channel, f.OfficeId, f.DayOfWeek, f.Evening, f.Early, f.WithGuardian })
            .IsUnique().HasDatabaseName("IX_contact_facts_cell");
        builder.HasIndex(f => new { f.FiscalYear, f.ProgramId });
    }
}

public sealed class PersonYearFactConfiguration : IEntityTypeConfiguration<PersonYearFact>
{
    public void Configure(EntityTypeBuilder<PersonYearFact> builder)
    {
        builder.ToTable("person_year_facts");
        builder.HasIndex(f => new { f.ProgramId, f.FiscalYear, f.PersonId }).IsUnique();
        // Counting a program's persons served in a year (Contacts > 0) from the index alone.
        builder.HasIndex(f => new { f.ProgramId, f.FiscalYear, f.Contacts });
    }
}
