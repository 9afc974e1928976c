using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Tsunagu.Access;
using Tsunagu.Audit;
using Tsunagu.Contacts;
using Tsunagu.Indicators;
using Tsunagu.People;
using Tsunagu.Placements;
using Tsunagu.Places;
using Tsunagu.Programs;
using Tsunagu.Referrals;
using Tsunagu.Reports;
using Tsunagu.Sessions;
using Tsunagu.Subsidies;

namespace Tsunagu.Data;

/// <summary>
/// The one model. Each provider has a subclass only so that its migrations live apart
/// (Data/Migrations/Sqlite, Data/Migrations/Postgres); code everywhere else takes TsunaguDb.
/// </summary>
public abstract partial class TsunaguDb(DbContextOptions options) : IdentityDbContext<TsunaguUser, IdentityRole, string>(options),
    Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.IDataProtectionKeyContext
{
    /// <summary>
    /// The key of the context that reads what planners read in bulk — reports, exports, breakdowns, the public site —
    /// from the hot standby when <c>ConnectionStrings:TsunaguReadOnly</c> names one, so that their work does not slow
    /// the case workers on the primary; without one it is the request's own context.
    /// </summary>
    public const string Reading = "reading";

    /// <summary>The key ring this context seals and opens the records' free text with (<see cref="Keys.SealedText"/>).</summary>
    public Keys.KeyRing? Keys { get; } = options.FindExtension<Keys.KeyRingOptionsExtension>()?.Keys;

    /// <summary>The key ring's keys, when the city keeps them in the database (KeyRing:Store=Database, for several servers).</summary>
    public DbSet<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey> DataProtectionKeys => Set<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey>();

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

    /// <summary>
    /// New audit and access-log rows are linked into their hash chains as they are saved (see AuditChain); versioned
    /// rows get their next version, and a row someone else changed since it was read is a refusal, not a fault.
    /// </summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        Versions.Bump(ChangeTracker);
        try
        {
            return AuditChain.HasNewRows(this)
                ? await AuditChain.SaveAsync(this, ct => base.SaveChangesAsync(acceptAllChangesOnSuccess, ct), cancellationToken)
                : await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new StaleRecordException();
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess) => AuditChain.HasNewRows(this)
        ? throw new InvalidOperationException("Audit and access-log rows are saved with SaveChangesAsync, which links them into their chains.")
        : base.SaveChanges(acceptAllChangesOnSuccess);

    public DbSet<Office> Offices => Set<Office>();
    public DbSet<School> Schools => Set<School>();
    public DbSet<Household> Households => Set<Household>();
    public DbSet<Person> Persons => Set<Person>();
    public DbSet<Enrollment> Enrollments => Set<Enrollment>();
    public DbSet<RestrictedRecordStaff> RestrictedRecordStaff => Set<RestrictedRecordStaff>();
    public DbSet<CaseShare> CaseShares => Set<CaseShare>();
    public DbSet<ReachConsent> ReachConsents => Set<ReachConsent>();
    public DbSet<Attachments.Attachment> Attachments => Set<Attachments.Attachment>();
    public DbSet<Catalogue.SupportScheme> SupportSchemes => Set<Catalogue.SupportScheme>();
    public DbSet<Catalogue.ApplicationWindow> ApplicationWindows => Set<Catalogue.ApplicationWindow>();
    public DbSet<Notices.Campaign> Campaigns => Set<Notices.Campaign>();
    public DbSet<Notices.Delivery> Deliveries => Set<Notices.Delivery>();
    public DbSet<Plans.SupportPlan> SupportPlans => Set<Plans.SupportPlan>();
    public DbSet<Plans.PlanReview> PlanReviews => Set<Plans.PlanReview>();
    public DbSet<Contact> Contacts => Set<Contact>();
    public DbSet<ContactPerson> ContactPersons => Set<ContactPerson>();
    public DbSet<ContactNote> ContactNotes => Set<ContactNote>();
    public DbSet<ContactNoteRevision> ContactNoteRevisions => Set<ContactNoteRevision>();
    public DbSet<SupportSession> Sessions => Set<SupportSession>();
    public DbSet<Attendance> Attendances => Set<Attendance>();
    public DbSet<Referral> Referrals => Set<Referral>();
    public DbSet<SubsidyApplication> Subsidies => Set<SubsidyApplication>();
    public DbSet<Placement> Placements => Set<Placement>();
    public DbSet<Outcome> Outcomes => Set<Outcome>();
    public DbSet<Distribution> Distributions => Set<Distribution>();
    public DbSet<ProgramAssignment> ProgramAssignments => Set<ProgramAssignment>();
    public DbSet<AccessLogEntry> AccessLog => Set<AccessLogEntry>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        // Each entity's mapping is beside the entity, in its feature's folder (an IEntityTypeConfiguration).
        builder.ApplyConfigurationsFromAssembly(typeof(TsunaguDb).Assembly);
        Versions.Map(builder);
        Tsunagu.Keys.SealedText.Apply(builder, Keys);
    }
}

public sealed class SqliteTsunaguDb(DbContextOptions<SqliteTsunaguDb> options) : TsunaguDb(options)
{
    // SQLite has no date-time type, and EF cannot sort or compare DateTimeOffset stored as text. Stored as a
    // number instead, times sort and compare in SQL; they are always UTC here, so the order is the time order.
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}

public sealed class PostgresTsunaguDb(DbContextOptions<PostgresTsunaguDb> options) : TsunaguDb(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        PersonConfiguration.ComparedByCodePoint(builder.Entity<Person>());
    }
}
