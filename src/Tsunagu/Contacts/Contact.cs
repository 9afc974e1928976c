using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tsunagu.Japanese;
using Tsunagu.Keys;
using Tsunagu.People;
using Tsunagu.Programs;

namespace Tsunagu.Contacts;

public enum ContactKind
{
    Consultation = 0,   // 相談
    HomeVisit = 1,      // 訪問
    Accompaniment = 2,  // 同行支援
    Counselling = 3,    // カウンセリング
    StudySession = 4,   // 学習支援
    Information = 5,    // 情報提供
    StaffAdvice = 6,    // 教職員への助言
}

public enum ContactChannel
{
    Visit = 0,   // 来所
    Phone = 1,   // 電話
    Email = 2,   // メール
    Home = 3,    // 訪問
    Online = 4,  // オンライン
    School = 5,  // 学校
}

/// <summary>Where a piece of a record's text came from; a disclosure copy can leave out some of them.</summary>
public enum NoteProvenance
{
    PersonSaid = 0,      // 本人の話
    ThirdPartySaid = 1,  // 第三者の話
    AgencySaid = 2,      // 関係機関からの情報
    StaffAssessment = 3, // 職員の所見
}

/// <summary>One piece of work with people (支援記録): a consultation, a visit, a counselling session.</summary>
public class Contact : Data.IVersioned
{
    public long Id { get; set; }
    public int ProgramId { get; set; }
    public SupportProgram Program { get; set; } = null!;

    /// <summary>City local date and time: what the case worker wrote down, and what 年度 and evening rules read.</summary>
    public DateOnly Date { get; set; }

    public TimeOnly? Time { get; set; }
    public ContactKind Kind { get; set; }

    /// <summary>The program's own category: 主訴 for school counselling, 女性相談 / ひとり親家庭相談 / 母子保健…</summary>
    public string? Category { get; set; }

    public ContactChannel Channel { get; set; }

    /// <summary>
    /// A guardian took part (保護者支援): decided when the contact is written, from who was on it, so that the figure
    /// does not change if a person's role is corrected later.
    /// </summary>
    public bool WithGuardian { get; set; }

    public int? OfficeId { get; set; }

    /// <summary>次回予定: when the worker means to see or call the person next; a task until a later contact is recorded.</summary>
    public DateOnly? NextOn { get; set; }
    public int? DurationMinutes { get; set; }

    /// <summary>The staff member's account (user id) and, for display, their name at the time.</summary>
    public string? StaffUserId { get; set; }

    public string StaffName { get; set; } = "";
    public List<ContactPerson> Persons { get; set; } = [];
    public List<ContactNote> Notes { get; set; } = [];

    /// <summary>The row of the file it came from, so re-running an import does not record it twice.</summary>
    public string? ImportKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// 取消: when the record was withdrawn (entered for the wrong person, never took place). Never deleted: kept, shown
    /// struck through on the person's timeline, and not counted — every query leaves it out (the model's filter) and
    /// the facts' triggers take it out of the counts.
    /// </summary>
    public DateTimeOffset? WithdrawnAt { get; set; }

    /// <summary>Goes up with each correction; a correction made from an older version is refused (<see cref="Data.IVersioned"/>).</summary>
    public int Version { get; set; }

    /// <summary>A weekday from closing time: the evening hours some programs keep open.</summary>
    public bool IsWeekdayEvening => OfficeHours.IsIn(TimeBand.WeekdayEvening, Date.DayOfWeek, Time);

    public bool IsSaturday => OfficeHours.IsIn(TimeBand.Saturday, Date.DayOfWeek, Time);

    /// <summary>Outside the city's office hours (<see cref="OfficeHours"/>): evenings, early mornings, weekends.</summary>
    public bool IsOutsideOfficeHours => OfficeHours.IsIn(TimeBand.OutsideHours, Date.DayOfWeek, Time);
}

public enum ContactPersonRole { Subject = 0, Guardian = 1, Other = 2 }

public class ContactPerson
{
    public long ContactId { get; set; }
    public int PersonId { get; set; }
    public Person Person { get; set; } = null!;
    public ContactPersonRole Role { get; set; }
}

public class ContactNote
{
    public long Id { get; set; }
    public long ContactId { get; set; }
    public int Position { get; set; }
    public NoteProvenance Provenance { get; set; }
    public required string Text { get; set; }
    public List<ContactNoteRevision> Revisions { get; set; } = [];
}

/// <summary>
/// A note's text before a correction (訂正): kept with the record, not in the audit trail, so that the earlier words
/// stay where the record's own staff read them and out of what auditors read.
/// </summary>
public class ContactNoteRevision
{
    public long Id { get; set; }
    public long NoteId { get; set; }
    public required string Text { get; set; }
    public DateTimeOffset ReplacedAt { get; set; }
    public string ReplacedBy { get; set; } = "";
}

public sealed class ContactConfiguration : IEntityTypeConfiguration<Contact>
{
    public void Configure(EntityTypeBuilder<Contact> builder)
    {
        builder.ToTable("contacts");
        builder.HasIndex(c => new { c.ProgramId, c.Date });
        builder.HasIndex(c => new { c.ProgramId, c.ImportKey }).IsUnique();
        builder.Ignore(c => c.IsOutsideOfficeHours);
        builder.Ignore(c => c.IsWeekdayEvening);
        builder.Ignore(c => c.IsSaturday);
        builder.HasMany(c => c.Persons).WithOne().HasForeignKey(p => p.ContactId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(c => c.Notes).WithOne().HasForeignKey(n => n.ContactId).OnDelete(DeleteBehavior.Cascade);
        // A withdrawn record is left out of every query; the timeline asks for it with IgnoreQueryFilters.
        builder.HasQueryFilter(c => c.WithdrawnAt == null);
    }
}

public sealed class ContactPersonConfiguration : IEntityTypeConfiguration<ContactPerson>
{
    public void Configure(EntityTypeBuilder<ContactPerson> builder)
    {
        builder.ToTable("contact_persons");
        builder.HasKey(x => new { x.ContactId, x.PersonId });
        builder.HasIndex(x => x.PersonId);
    }
}

public sealed class ContactNoteConfiguration : IEntityTypeConfiguration<ContactNote>
{
    public void Configure(EntityTypeBuilder<ContactNote> builder)
    {
        builder.ToTable("contact_notes");
        builder.Property(n => n.Text).IsSealed();
        builder.HasMany(n => n.Revisions).WithOne().HasForeignKey(r => r.NoteId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class ContactNoteRevisionConfiguration : IEntityTypeConfiguration<ContactNoteRevision>
{
    public void Configure(EntityTypeBuilder<ContactNoteRevision> builder)
    {
        builder.ToTable("contact_note_revisions");
        builder.Property(r => r.Text).IsSealed();
    }
}

/// <summary>The words staff read for a contact.</summary>
public static class ContactText
{
    public static string Japanese(this ContactKind kind) => kind switch
    {
        ContactKind.Consultation => "相談",
        ContactKind.HomeVisit => "家庭訪問",
        ContactKind.Accompaniment => "同行支援",
        ContactKind.Counselling => "カウンセリング",
        ContactKind.StudySession => "学習支援",
        ContactKind.Information => "情報提供",
        ContactKind.StaffAdvice => "教職員への助言",
        _ => kind.ToString(),
    };

    public static string Japanese(this ContactChannel channel) => channel switch
    {
        ContactChannel.Visit => "来所",
        ContactChannel.Phone => "電話",
        ContactChannel.Email => "メール",
        ContactChannel.Home => "訪問",
        ContactChannel.Online => "オンライン",
        ContactChannel.School => "学校",
        _ => channel.ToString(),
    };

    public static string Japanese(this NoteProvenance provenance) => provenance switch
    {
        NoteProvenance.PersonSaid => "本人・家族の話",
        NoteProvenance.ThirdPartySaid => "第三者の話",
        NoteProvenance.AgencySaid => "関係機関からの情報",
        NoteProvenance.StaffAssessment => "職員の所見",
        _ => provenance.ToString(),
    };
}

/// <summary>
/// Each program's own categories of contact. Kept by program name until planning staff edit them as data:
/// school counselling uses MEXT's 主訴 list; the ward family consultations their three kinds; the specialist
/// consultations their three specialists.
/// </summary>
public static class ContactCategories
{
    static readonly Dictionary<string, string[]> ByProgram = new()
    {
        [JapaneseText.MatchKey("スクールカウンセラー配置事業")] =
            ["不登校", "いじめ", "暴力行為", "児童虐待", "友人関係", "非行・不良行為", "家庭の問題", "教職員との関係", "心身の健康・保健", "学業・進路", "発達障害等", "その他"],
        [JapaneseText.MatchKey("こども家庭総合相談事業")] = ["女性相談", "ひとり親家庭相談", "母子保健"],
        [JapaneseText.MatchKey("ひとり親家庭等相談支援センター事業(専門相談・セミナー事業)")] = ["弁護士相談", "家計相談", "養育費相談"],
        [JapaneseText.MatchKey("ひとり親家庭等相談支援センター事業(就業相談・就業情報提供事業・就業支援セミナー)")] = ["就業相談", "就業情報提供"],
    };

    public static IReadOnlyList<string> For(SupportProgram program) =>
        ByProgram.TryGetValue(program.NameKey, out var categories) ? categories : [];
}
