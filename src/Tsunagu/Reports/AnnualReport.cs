using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tsunagu.Calendar;
using Tsunagu.Programs;

namespace Tsunagu.Reports;

/// <summary>The publication cycle of a report: draft by the program → bureau check → compiled → fixed → published.</summary>
public enum ReportStatus
{
    Draft = 0,        // 下書き
    BureauCheck = 1,  // 局確認
    Compiled = 2,     // 取りまとめ
    CouncilFinal = 3, // 会議資料確定
    Published = 4,    // 公表
}

/// <summary>What a column of the published table holds.</summary>
public enum ReportColumnRole
{
    Program = 0,    // 事業名
    Overview = 1,   // 事業概要及び計画内容
    Results = 2,    // 令和6年度実績(件数等)
    Evaluation = 3, // 実績に対する評価
    Bureau = 4,     // 担当局
}

/// <summary>The annual table for one fiscal year: its title, its columns as printed and one row per program.</summary>
public class AnnualReport
{
    public int Id { get; set; }
    public int FiscalYear { get; set; }
    public string? Title { get; set; }
    public ReportStatus Status { get; private set; } = ReportStatus.Draft;
    public string? SourceFile { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>
    /// Counts the report's changes (its ETag): every change — a cell, a figure, its status, an import or a computation
    /// — makes it one more, and a row changed takes the new number as its own <see cref="ReportRow.Version"/>.
    /// </summary>
    public int Version { get; private set; }

    public List<ReportColumn> Columns { get; set; } = [];
    public List<ReportRow> Rows { get; set; } = [];
    public List<ReportStatusChange> StatusChanges { get; set; } = [];
    public List<ReportPublication> Publications { get; set; } = [];

    public bool IsPublished => Status == ReportStatus.Published;

    /// <summary>
    /// Moves the report one step forward, or back to any earlier step (差し戻し). A published report stays published:
    /// what changes after 公表 is a correction with a reason, never a silent edit.
    /// </summary>
    public ReportStatusChange MoveTo(ReportStatus to, string by, DateTimeOffset at, string? reason)
    {
        if (IsPublished)
        {
            throw new ReportRuleException($"{Label()}は公表済みです。公表後の変更は理由を付けた訂正として行ってください。");
        }
        if (to == Status)
        {
            throw new ReportRuleException($"{Label()}はすでに「{to.Japanese()}」です。");
        }
        if (to > Status + 1)
        {
            throw new ReportRuleException(
                $"{Label()}は「{Status.Japanese()}」から「{to.Japanese()}」へ進めません。次は「{(Status + 1).Japanese()}」です。");
        }
        if (to < Status && string.IsNullOrWhiteSpace(reason))
        {
            throw new ReportRuleException("差し戻しには理由が必要です。");
        }
        var change = new ReportStatusChange { From = Status, To = to, At = at, By = by, Reason = reason };
        StatusChanges.Add(change);
        Status = to;
        Touch(at);
        return change;
    }

    /// <summary>Marks a change: its time, and the report's next version, which is returned for the rows it changed.</summary>
    public int Touch(DateTimeOffset at)
    {
        UpdatedAt = at;
        return ++Version;
    }

    /// <summary>A change based on what was read at <paramref name="expected"/> is refused once something changed since.</summary>
    public static void EnsureCurrent(int? expected, int current, string what)
    {
        if (expected is { } read && read != current)
        {
            throw new StaleVersionException($"{what}は、読み込んだ後にほかの人が変更しました。今の内容を読み込み直してから変更してください。");
        }
    }

    /// <summary>Drafts may be replaced; anything under review or published is not overwritten by an import.</summary>
    public void EnsureReplaceable()
    {
        if (Status != ReportStatus.Draft)
        {
            throw new ReportRuleException(IsPublished
                ? $"{Label()}は公表済みのため取り込めません。公表後の変更は理由を付けた訂正として行ってください。"
                : $"{Label()}は「{Status.Japanese()}」の段階です。取り込み直すには「下書き」に差し戻してください。");
        }
    }

    public string Label() => $"{FiscalYears.Label(FiscalYear)}の報告";
}

public class ReportColumn
{
    public int Id { get; set; }
    public int ReportId { get; set; }
    public int Position { get; set; }
    public ReportColumnRole Role { get; set; }

    /// <summary>The header exactly as printed, e.g. 令和6年度実績(件数等).</summary>
    public required string Header { get; set; }
}

/// <summary>One program's row for the year, every cell kept exactly as published.</summary>
public class ReportRow
{
    public int Id { get; set; }
    public int ReportId { get; set; }
    public int Position { get; set; }
    public int ProgramId { get; set; }
    public SupportProgram Program { get; set; } = null!;
    public string ProgramName { get; set; } = "";
    public string Overview { get; set; } = "";
    public string Results { get; set; } = "";
    public string Evaluation { get; set; } = "";
    public string Bureau { get; set; } = "";

    /// <summary>The report's version at the row's last change (its ETag).</summary>
    public int Version { get; set; }

    public string Cell(ReportColumnRole role) => role switch
    {
        ReportColumnRole.Program => ProgramName,
        ReportColumnRole.Overview => Overview,
        ReportColumnRole.Results => Results,
        ReportColumnRole.Evaluation => Evaluation,
        ReportColumnRole.Bureau => Bureau,
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    public void SetCell(ReportColumnRole role, string text)
    {
        switch (role)
        {
            case ReportColumnRole.Program: ProgramName = text; break;
            case ReportColumnRole.Overview: Overview = text; break;
            case ReportColumnRole.Results: Results = text; break;
            case ReportColumnRole.Evaluation: Evaluation = text; break;
            case ReportColumnRole.Bureau: Bureau = text; break;
            default: throw new ArgumentOutOfRangeException(nameof(role));
        }
    }
}

public class ReportStatusChange
{
    public int Id { get; set; }
    public int ReportId { get; set; }
    public ReportStatus From { get; set; }
    public ReportStatus To { get; set; }
    public DateTimeOffset At { get; set; }
    public required string By { get; set; }
    public string? Reason { get; set; }
}

/// <summary>
/// A published version of the report, kept as its JSON export. Version 1 is what 公表 published; each later
/// version is a correction and says why.
/// </summary>
public class ReportPublication
{
    public int Id { get; set; }
    public int ReportId { get; set; }
    public int Version { get; set; }
    public DateTimeOffset PublishedAt { get; set; }
    public required string By { get; set; }
    public string? Reason { get; set; }

    /// <summary>For a correction: the program and column corrected (null on version 1, and on corrections made before 2026-12).</summary>
    public string? ProgramCode { get; set; }

    public ReportColumnRole? Column { get; set; }

    public required string Snapshot { get; set; }
}

/// <summary>A change made on an old reading: the API's 412, the page's conflict message.</summary>
public sealed class StaleVersionException(string message) : RefusalException(RefusalKind.Stale, message)
{
    public override string Title => "読み込んだ後に変更されています";
}

/// <summary>A rule of the report cycle was broken; the message is for the person who tried.</summary>
public sealed class ReportRuleException(string message) : RefusalException(RefusalKind.Conflict, message)
{
    public override string Title => "報告の規則に合わない変更です";
}

public static class ReportText
{
    public static string Japanese(this ReportStatus status) => status switch
    {
        ReportStatus.Draft => "下書き",
        ReportStatus.BureauCheck => "局確認",
        ReportStatus.Compiled => "取りまとめ",
        ReportStatus.CouncilFinal => "会議資料確定",
        ReportStatus.Published => "公表",
        _ => status.ToString(),
    };

    public static ReportStatus? ParseStatus(string text)
    {
        foreach (var status in Enum.GetValues<ReportStatus>())
        {
            if (string.Equals(text, status.ToString(), StringComparison.OrdinalIgnoreCase) || text == status.Japanese())
            {
                return status;
            }
        }
        return null;
    }

    public static string Japanese(this ReportColumnRole role) => role switch
    {
        ReportColumnRole.Program => "事業名",
        ReportColumnRole.Overview => "事業概要及び計画内容",
        ReportColumnRole.Results => "実績",
        ReportColumnRole.Evaluation => "実績に対する評価",
        ReportColumnRole.Bureau => "担当局",
        _ => role.ToString(),
    };
}

public sealed class AnnualReportConfiguration : IEntityTypeConfiguration<AnnualReport>
{
    public void Configure(EntityTypeBuilder<AnnualReport> builder)
    {
        builder.ToTable("reports");
        builder.HasIndex(r => r.FiscalYear).IsUnique();
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
        builder.HasMany(r => r.Columns).WithOne().HasForeignKey(c => c.ReportId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(r => r.Rows).WithOne().HasForeignKey(c => c.ReportId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(r => r.StatusChanges).WithOne().HasForeignKey(c => c.ReportId).OnDelete(DeleteBehavior.Cascade);
        // Published versions are the record of what the council received: never deleted with the report.
        builder.HasMany(r => r.Publications).WithOne().HasForeignKey(c => c.ReportId).OnDelete(DeleteBehavior.Restrict);
    }
}

public sealed class ReportColumnConfiguration : IEntityTypeConfiguration<ReportColumn>
{
    public void Configure(EntityTypeBuilder<ReportColumn> builder)
    {
        builder.ToTable("report_columns");
        builder.Property(c => c.Role).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(c => new { c.ReportId, c.Position }).IsUnique();
        builder.HasIndex(c => new { c.ReportId, c.Role }).IsUnique();
    }
}

public sealed class ReportRowConfiguration : IEntityTypeConfiguration<ReportRow>
{
    public void Configure(EntityTypeBuilder<ReportRow> builder)
    {
        builder.ToTable("report_rows");
        builder.HasIndex(r => new { r.ReportId, r.Position }).IsUnique();
        builder.HasIndex(r => new { r.ReportId, r.ProgramId }).IsUnique();
    }
}

public sealed class ReportStatusChangeConfiguration : IEntityTypeConfiguration<ReportStatusChange>
{
    public void Configure(EntityTypeBuilder<ReportStatusChange> builder)
    {
        builder.ToTable("report_status_changes");
        builder.Property(c => c.From).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.To).HasConversion<string>().HasMaxLength(16);
    }
}

public sealed class ReportPublicationConfiguration : IEntityTypeConfiguration<ReportPublication>
{
    public void Configure(EntityTypeBuilder<ReportPublication> builder)
    {
        builder.ToTable("report_publications");
        builder.Property(p => p.ProgramCode).HasMaxLength(32);
        builder.Property(p => p.Column).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(p => new { p.ReportId, p.Version }).IsUnique();
    }
}
