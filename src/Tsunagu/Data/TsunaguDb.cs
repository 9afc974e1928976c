using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Audit;
using Tsunagu.Indicators;
using Tsunagu.Programs;
using Tsunagu.Reports;

namespace Tsunagu.Data;

/// <summary>
/// The one model. Each provider has a subclass only so that its migrations live apart
/// (Data/Migrations/Sqlite, Data/Migrations/Postgres); code everywhere else takes TsunaguDb.
/// </summary>
public abstract class TsunaguDb(DbContextOptions options) : IdentityDbContext<TsunaguUser, IdentityRole, string>(options)
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
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    protected override void OnModelCreating(ModelBuilder b)
    {
        base.OnModelCreating(b);
        b.Entity<AuditEntry>(e =>
        {
            e.ToTable("audit_entries");
            e.HasIndex(a => new { a.ProgramCode, a.FiscalYear });
            e.HasIndex(a => a.At);
        });
        b.Entity<SupportProgram>(e =>
        {
            e.ToTable("programs");
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
            e.HasIndex(v => new { v.FiscalYear, v.ProgramId, v.Position });
        });
    }
}

public sealed class SqliteTsunaguDb(DbContextOptions<SqliteTsunaguDb> options) : TsunaguDb(options);

public sealed class PostgresTsunaguDb(DbContextOptions<PostgresTsunaguDb> options) : TsunaguDb(options);
