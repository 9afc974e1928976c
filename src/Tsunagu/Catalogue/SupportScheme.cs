using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tsunagu.Programs;

namespace Tsunagu.Catalogue;

/// <summary>The situations a family looks for support by (the public index's headings).</summary>
[Flags]
public enum LifeSituation
{
    None = 0,
    Pregnancy = 1,       // 妊娠・出産
    SmallChildren = 2,   // 乳幼児の子育て
    SchoolChildren = 4,  // 小学生・中学生
    HighSchool = 8,      // 高校生・進学
    SingleParent = 16,   // ひとり親家庭
    Work = 32,           // 仕事・資格
    Health = 64,         // 医療・健康
    Living = 128,        // 生活・住まい
}

/// <summary>
/// A support system of the city's catalogue (支援制度) for one fiscal year: what it is, in plain Japanese, who can apply,
/// where and how, whom to ask, which program is responsible, and when applications are taken (<see cref="ApplicationWindow"/>).
/// Public information only: the catalogue is what the public site is built from, and what notices announce.
/// </summary>
public class SupportScheme : Data.IVersioned
{
    public int Id { get; set; }
    public int FiscalYear { get; set; }

    /// <summary>The same system across years, and its page's address on the public site (shingaku-challenge).</summary>
    public required string Key { get; set; }

    public required string Name { get; set; }
    public required string Summary { get; set; }

    /// <summary>やさしい日本語 where the city writes one.</summary>
    public string? EasySummary { get; set; }

    public required string WhoCanApply { get; set; }
    public required string HowToApply { get; set; }
    public required string ContactPoint { get; set; }
    public int ProgramId { get; set; }
    public SupportProgram Program { get; set; } = null!;
    public LifeSituation Situations { get; set; }
    public List<ApplicationWindow> Windows { get; set; } = [];
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Two editors never overwrite each other (<see cref="Data.IVersioned"/>).</summary>
    public int Version { get; set; }
}

/// <summary>
/// 申込期間: when a system takes applications, perhaps for one group (中3 模試代); several a year are possible. The
/// targeting rule says, in the screens' words, which households the window is for (<see cref="TargetRule"/>).
/// </summary>
public class ApplicationWindow
{
    public int Id { get; set; }
    public int SchemeId { get; set; }
    public SupportScheme Scheme { get; set; } = null!;

    /// <summary>Which round or group: 「中3 模試代」, 「8月の現況届」; empty when the system has one window.</summary>
    public string? Label { get; set; }

    public DateOnly Opens { get; set; }
    public DateOnly Closes { get; set; }

    /// <summary>The rule as stored: <see cref="TargetRule.Text"/>, checked when saved; null for no notices.</summary>
    public string? Target { get; set; }
}

public sealed class SupportSchemeConfiguration : IEntityTypeConfiguration<SupportScheme>
{
    public void Configure(EntityTypeBuilder<SupportScheme> builder)
    {
        builder.ToTable("support_schemes");
        builder.HasIndex(s => new { s.FiscalYear, s.Key }).IsUnique();
        builder.Property(s => s.Key).HasMaxLength(60);
        builder.HasMany(s => s.Windows).WithOne(w => w.Scheme).HasForeignKey(w => w.SchemeId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class ApplicationWindowConfiguration : IEntityTypeConfiguration<ApplicationWindow>
{
    public void Configure(EntityTypeBuilder<ApplicationWindow> builder)
    {
        builder.ToTable("application_windows");
        builder.HasIndex(w => new { w.Opens, w.Closes });
    }
}

public static class CatalogueText
{
    /// <summary>A system as the audit names it, for its own edits and its notices': the year and the key.</summary>
    public static string AuditSubject(this SupportScheme scheme) => $"scheme:{scheme.FiscalYear}:{scheme.Key}";

    public static IEnumerable<LifeSituation> Each(this LifeSituation situations) =>
        Enum.GetValues<LifeSituation>().Where(s => s != LifeSituation.None && situations.HasFlag(s));

    public static string Japanese(this LifeSituation situation) => situation switch
    {
        LifeSituation.Pregnancy => "妊娠・出産",
        LifeSituation.SmallChildren => "乳幼児の子育て",
        LifeSituation.SchoolChildren => "小学生・中学生",
        LifeSituation.HighSchool => "高校生・進学",
        LifeSituation.SingleParent => "ひとり親家庭",
        LifeSituation.Work => "仕事・資格",
        LifeSituation.Health => "医療・健康",
        LifeSituation.Living => "生活・住まい",
        _ => string.Join("・", situation.Each().Select(Japanese)),
    };

    public const string Open = "受付中";

    /// <summary>A window as families read it in a calendar or a feed: the system's name and the window's, 「制度名（中3 模試代）」.</summary>
    public static string Title(this ApplicationWindow window, SupportScheme scheme) =>
        scheme.Name + (window.Label is null ? "" : $"（{window.Label}）");

    /// <summary>Where a window stands on a day: 受付前, 受付中 (both days included), 受付終了.</summary>
    public static string StateOn(this ApplicationWindow window, DateOnly day) =>
        day < window.Opens ? "受付前" : day > window.Closes ? "受付終了" : Open;
}
