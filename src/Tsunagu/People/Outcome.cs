using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tsunagu.People;

public enum OutcomeKind
{
    EnteredHighSchool = 0,       // 高等学校（課程を Course に）
    EnteredSecondaryUpper = 1,   // 中等教育学校後期課程
    EnteredSpecialNeedsUpper = 2, // 特別支援学校高等部
    EnteredTechnicalCollege = 3, // 高等専門学校
    EnteredVocationalUpper = 4,  // 専修学校高等課程
    FinishedJuniorHigh = 5,      // 中学校卒業（進路未定を含む）
    Promoted = 6,                // 進級
    Graduated = 7,               // 卒業
    DroppedOut = 8,              // 中途退学
    Employed = 9,                // 就職
    Other = 10,
}

public class Outcome
{
    public int Id { get; set; }
    public int PersonId { get; set; }
    public Person Person { get; set; } = null!;
    public int ProgramId { get; set; }
    public int FiscalYear { get; set; }
    public OutcomeKind Kind { get; set; }
    public string? Course { get; set; }
    public DateOnly RecordedOn { get; set; }

    /// <summary>取消: recorded in error. Kept, and left out of every query (the model's filter) and so of 高校進学率.</summary>
    public DateTimeOffset? WithdrawnAt { get; set; }
}

public sealed class OutcomeConfiguration : IEntityTypeConfiguration<Outcome>
{
    public void Configure(EntityTypeBuilder<Outcome> builder)
    {
        builder.ToTable("outcomes");
        // One outcome per person, program and year: recording again replaces it (高校進学率 counts persons).
        builder.HasIndex(o => new { o.PersonId, o.ProgramId, o.FiscalYear }).IsUnique();
        builder.HasQueryFilter(o => o.WithdrawnAt == null);
    }
}

/// <summary>The words staff read for an outcome.</summary>
public static class OutcomeText
{
    public static string Japanese(this OutcomeKind kind) => kind switch
    {
        OutcomeKind.EnteredHighSchool => "高等学校に進学",
        OutcomeKind.EnteredSecondaryUpper => "中等教育学校後期課程に進学",
        OutcomeKind.EnteredSpecialNeedsUpper => "特別支援学校高等部に進学",
        OutcomeKind.EnteredTechnicalCollege => "高等専門学校に進学",
        OutcomeKind.EnteredVocationalUpper => "専修学校高等課程に進学",
        OutcomeKind.FinishedJuniorHigh => "中学校卒業（進路未定など）",
        OutcomeKind.Promoted => "進級",
        OutcomeKind.Graduated => "卒業",
        OutcomeKind.DroppedOut => "中途退学",
        OutcomeKind.Employed => "就職",
        _ => "その他",
    };

    /// <summary>課程 of a high school, as the 高校進学率 definition counts them.</summary>
    public static readonly string[] HighSchoolCourses = ["全日制", "定時制", "通信制"];
}
