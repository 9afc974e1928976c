using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Tsunagu.Access;
using Tsunagu.Audit;
using Tsunagu.Indicators;
using Tsunagu.People;
using Tsunagu.Places;
using Tsunagu.Programs;
using Tsunagu.Records;
using Tsunagu.Reports;

namespace Tsunagu.Data;

/// <summary>
/// The one model. Each provider has a subclass only so that its migrations live apart
/// (Data/Migrations/Sqlite, Data/Migrations/Postgres); code everywhere else takes TsunaguDb.
/// </summary>
public abstract partial class TsunaguDb(DbContextOptions options) : IdentityDbContext<TsunaguUser, IdentityRole, string>(options)
{
    public DbSet<SupportProgram> Programs => Set<SupportProgram>();
    public DbSet<Bureau> Bureaus => Set<Bureau>();
    public DbSet<ProgramBureau> ProgramBureaus => Set<ProgramBureau>();
    public DbSet<AnnualReport> Reports => Set<AnnualReport>();
    public DbSet<ReportColumn> ReportColumns => Set<ReportColumn>();
    public DbSet<ReportRow> ReportRows => Set<ReportRow>();
    public DbSet<ReportStatusChange> ReportStatusChanges => Set<ReportStatusChange>();
    public DbSet<ReportPublication> ReportPublications => Set<ReportPublication>();
    public DbSet<IndicatorValue> IndicatorValues => Set<IndicatorValue>();
    public DbSet<IndicatorDefinition> IndicatorDefinitions => Set<IndicatorDefinition>();
    public DbSet<ContactFact> ContactFacts => Set<ContactFact>();
    public DbSet<PersonYearFact> PersonYearFacts => Set<PersonYearFact>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<AuditVerification> AuditVerifications => Set<AuditVerification>();

    /// <summary>New audit and access-log rows are linked into their hash chains as they are saved (see AuditChain).</summary>
    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default) =>
        AuditChain.HasNewRows(this)
            ? AuditChain.SaveAsync(this, ct => base.SaveChangesAsync(acceptAllChangesOnSuccess, ct), cancellationToken)
            : base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);

    public override int SaveChanges(bool acceptAllChangesOnSuccess) => AuditChain.HasNewRows(this)
        ? throw new InvalidOperationException("Audit and access-log rows are saved with SaveChangesAsync, which links them into their chains.")
        : base.SaveChanges(acceptAllChangesOnSuccess);

    /// <summary>
    /// Whether text columns sort by code point (SQLite's BINARY collation), so a prefix is an exact index range. Not
    /// assumed of PostgreSQL, whose database may use a linguistic collation.
    /// </summary>
    public virtual bool ComparesTextByCodePoint => false;

    public DbSet<Office> Offices => Set<Office>();
    public DbSet<School> Schools => Set<School>();
    public DbSet<Household> Households => Set<Household>();
    public DbSet<Person> Persons => Set<Person>();
    public DbSet<Enrollment> Enrollments => Set<Enrollment>();
    public DbSet<Contact> Contacts => Set<Contact>();
    public DbSet<ContactPerson> ContactPersons => Set<ContactPerson>();
    public DbSet<ContactNote> ContactNotes => Set<ContactNote>();
    public DbSet<SupportSession> Sessions => Set<SupportSession>();
    public DbSet<Attendance> Attendances => Set<Attendance>();
    public DbSet<Referral> Referrals => Set<Referral>();
    public DbSet<SubsidyApplication> Subsidies => Set<SubsidyApplication>();
    public DbSet<Placement> Placements => Set<Placement>();
    public DbSet<Outcome> Outcomes => Set<Outcome>();
    public DbSet<Distribution> Distributions => Set<Distribution>();
    public DbSet<ProgramAssignment> ProgramAssignments => Set<ProgramAssignment>();
    public DbSet<AccessLogEntry> AccessLog => Set<AccessLogEntry>();

    protected override void OnModelCreating(ModelBuilder b)
    {
        base.OnModelCreating(b);
        // Each entity's mapping beside the entity, as features move to their own folders.
        b.ApplyConfigurationsFromAssembly(typeof(TsunaguDb).Assembly);
        b.Entity<AuditEntry>(e =>
        {
            e.ToTable("audit_entries");
            e.HasIndex(a => new { a.ProgramCode, a.FiscalYear });
            e.HasIndex(a => a.At);
            e.HasIndex(a => a.Sequence).IsUnique();
            e.Property(a => a.Hash).HasMaxLength(64);
        });
        OnRecordsCreating(b);
        b.Entity<SupportProgram>(e =>
        {
            e.ToTable("programs");
            e.Property(p => p.Body).HasConversion<string>().HasMaxLength(16);
            e.Property(p => p.Code).HasMaxLength(16);
            e.HasIndex(p => p.Code).IsUnique();
            e.HasIndex(p => p.NameKey).IsUnique();
        });
        b.Entity<Bureau>(e =>
        {
            e.ToTable("bureaus");
            e.HasIndex(x => x.Name).IsUnique();
        });
        b.Entity<ProgramBureau>(e =>
        {
            e.ToTable("program_bureaus");
            e.HasIndex(x => new { x.ProgramId, x.FiscalYear, x.Position }).IsUnique();
        });
        b.Entity<AnnualReport>(e =>
        {
            e.ToTable("reports");
            e.HasIndex(r => r.FiscalYear).IsUnique();
            e.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
            e.HasMany(r => r.Columns).WithOne().HasForeignKey(c => c.ReportId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(r => r.Rows).WithOne().HasForeignKey(c => c.ReportId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(r => r.StatusChanges).WithOne().HasForeignKey(c => c.ReportId).OnDelete(DeleteBehavior.Cascade);
            // Published versions are the record of what the council received: never deleted with the report.
            e.HasMany(r => r.Publications).WithOne().HasForeignKey(c => c.ReportId).OnDelete(DeleteBehavior.Restrict);
        });
        b.Entity<ReportColumn>(e =>
        {
            e.ToTable("report_columns");
            e.Property(c => c.Role).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(c => new { c.ReportId, c.Position }).IsUnique();
            e.HasIndex(c => new { c.ReportId, c.Role }).IsUnique();
        });
        b.Entity<ReportRow>(e =>
        {
            e.ToTable("report_rows");
            e.HasIndex(r => new { r.ReportId, r.Position }).IsUnique();
            e.HasIndex(r => new { r.ReportId, r.ProgramId }).IsUnique();
        });
        b.Entity<ReportStatusChange>(e =>
        {
            e.ToTable("report_status_changes");
            e.Property(c => c.From).HasConversion<string>().HasMaxLength(16);
            e.Property(c => c.To).HasConversion<string>().HasMaxLength(16);
        });
        b.Entity<ReportPublication>(e =>
        {
            e.ToTable("report_publications");
            e.HasIndex(p => new { p.ReportId, p.Version }).IsUnique();
        });
        b.Entity<IndicatorValue>(e =>
        {
            e.ToTable("indicator_values");
            e.Property(v => v.Value).HasPrecision(18, 4);
            e.Property(v => v.Basis).HasConversion<string>().HasMaxLength(24);
            e.Property(v => v.Source).HasConversion<string>().HasMaxLength(16);
            e.Property(v => v.Denominator).HasPrecision(18, 4);
            e.HasIndex(v => new { v.FiscalYear, v.ProgramId, v.Position });
            // A definition version that counted a figure is kept as long as the figure.
            e.HasOne(v => v.Definition).WithMany().HasForeignKey(v => v.DefinitionId).OnDelete(DeleteBehavior.Restrict);
        });
        b.Entity<ContactFact>(e =>
        {
            // Derived from contacts by the database's own triggers (see ContactFact); no foreign keys, so that they
            // add nothing to a contact's write but the count.
            e.ToTable("contact_facts");
            e.HasIndex(f => new { f.FiscalYear, f.ProgramId });
        });
        b.Entity<PersonYearFact>(e =>
        {
            e.ToTable("person_year_facts");
            e.HasIndex(f => new { f.ProgramId, f.FiscalYear, f.PersonId }).IsUnique();
            // Counting a program's persons served in a year (Contacts > 0) from the index alone.
            e.HasIndex(f => new { f.ProgramId, f.FiscalYear, f.Contacts });
        });
        b.Entity<IndicatorDefinition>(e =>
        {
            e.ToTable("indicator_definitions");
            e.Property(d => d.Key).HasMaxLength(64);
            e.Property(d => d.Basis).HasConversion<string>().HasMaxLength(24);
            e.Property(d => d.Measure).HasConversion<string>().HasMaxLength(24);
            e.HasIndex(d => new { d.ProgramId, d.Key, d.Version }).IsUnique();
        });
    }
}

public abstract partial class TsunaguDb
{
    static void OnRecordsCreating(ModelBuilder b)
    {
        b.Entity<Office>(e => e.ToTable("offices"));
        b.Entity<School>(e =>
        {
            e.ToTable("schools");
            e.Property(s => s.Code).HasMaxLength(13);
            e.HasIndex(s => s.Code).IsUnique();
        });
        b.Entity<Household>(e => e.ToTable("households"));
        b.Entity<Person>(e =>
        {
            e.ToTable("persons");
            // Reading then birth date: the prefix search and its order, and the import's look-up of a doubtful match
            // (same reading and birth date), which on the reading alone walked every same-named person.
            e.HasIndex(p => new { p.KanaKey, p.BirthDate });
            e.HasIndex(p => new { p.Name, p.BirthDate });
            e.HasIndex(p => p.BirthDate);
        });
        b.Entity<Enrollment>(e =>
        {
            e.ToTable("enrollments");
            e.HasIndex(x => new { x.ProgramId, x.PersonId });
            e.HasIndex(x => x.PersonId);
        });
        b.Entity<Contact>(e =>
        {
            e.ToTable("contacts");
            e.HasIndex(c => new { c.ProgramId, c.Date });
            e.HasIndex(c => new { c.ProgramId, c.ImportKey }).IsUnique();
            e.Ignore(c => c.IsOutsideOfficeHours);
            e.Ignore(c => c.IsWeekdayEvening);
            e.Ignore(c => c.IsSaturday);
            e.HasMany(c => c.Persons).WithOne().HasForeignKey(p => p.ContactId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(c => c.Notes).WithOne().HasForeignKey(n => n.ContactId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<ContactPerson>(e =>
        {
            e.ToTable("contact_persons");
            e.HasKey(x => new { x.ContactId, x.PersonId });
            e.HasIndex(x => x.PersonId);
        });
        b.Entity<ContactNote>(e => e.ToTable("contact_notes"));
        b.Entity<SupportSession>(e =>
        {
            e.ToTable("sessions");
            e.HasMany(s => s.Attendances).WithOne().HasForeignKey(a => a.SessionId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<Attendance>(e =>
        {
            e.ToTable("attendances");
            e.HasKey(a => new { a.SessionId, a.PersonId });
        });
        b.Entity<Referral>(e =>
        {
            e.ToTable("referrals");
            e.HasOne(r => r.FromProgram).WithMany().HasForeignKey(r => r.FromProgramId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne(r => r.ToProgram).WithMany().HasForeignKey(r => r.ToProgramId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(r => new { r.ToProgramId, r.Status });
        });
        b.Entity<SubsidyApplication>(e =>
        {
            e.ToTable("subsidy_applications");
            e.Property(s => s.AmountRequested).HasPrecision(12, 0);
            e.Property(s => s.AmountApproved).HasPrecision(12, 0);
        });
        b.Entity<Placement>(e =>
        {
            e.ToTable("placements");
            e.HasIndex(p => new { p.ProgramId, p.FiscalYear });
        });
        b.Entity<Outcome>(e =>
        {
            e.ToTable("outcomes");
            // One outcome per person, program and year: recording again replaces it (高校進学率 counts persons).
            e.HasIndex(o => new { o.PersonId, o.ProgramId, o.FiscalYear }).IsUnique();
        });
        b.Entity<Distribution>(e => e.ToTable("distributions"));
        b.Entity<ProgramAssignment>(e =>
        {
            e.ToTable("program_assignments");
            e.HasIndex(a => new { a.UserId, a.ProgramId }).IsUnique();
        });
        b.Entity<AccessLogEntry>(e =>
        {
            e.ToTable("access_log");
            e.HasIndex(a => new { a.PersonId, a.At });
            e.HasIndex(a => new { a.UserId, a.At });
            e.HasIndex(a => a.Sequence).IsUnique();
            e.Property(a => a.Hash).HasMaxLength(64);
        });
    }
}

public sealed class SqliteTsunaguDb(DbContextOptions<SqliteTsunaguDb> options) : TsunaguDb(options)
{
    public override bool ComparesTextByCodePoint => true;

    // SQLite has no date-time type, and EF cannot sort or compare DateTimeOffset stored as text. Stored as a
    // number instead, times sort and compare in SQL; they are always UTC here, so the order is the time order.
    protected override void ConfigureConventions(ModelConfigurationBuilder configuration)
    {
        configuration.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        configuration.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}

public sealed class PostgresTsunaguDb(DbContextOptions<PostgresTsunaguDb> options) : TsunaguDb(options);
