using Tsunagu.People;
using Tsunagu.Programs;

namespace Tsunagu.Records;

public enum ReferralSource
{
    School = 0,            // 学校
    WardWelfare = 1,       // 区保護課
    AfterSchoolService = 2, // 放課後等デイサービス
    ChildGuidance = 3,     // 児童相談所
    Self = 4,              // 本人・家族
    OtherProgram = 5,      // 他事業
    Other = 6,
}

public enum EnrollmentStatus { Active = 0, Ended = 1 }

/// <summary>A person registered in a program: from, to, who referred them. The scope of who sees a person.</summary>
public class Enrollment
{
    public int Id { get; set; }
    public int PersonId { get; set; }
    public Person Person { get; set; } = null!;
    public int ProgramId { get; set; }
    public SupportProgram Program { get; set; } = null!;
    public DateOnly From { get; set; }
    public DateOnly? To { get; set; }
    public ReferralSource Source { get; set; }
    public EnrollmentStatus Status { get; set; }
}

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
public class Contact
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
    public int? DurationMinutes { get; set; }

    /// <summary>The staff member's account (user id) and, for display, their name at the time.</summary>
    public string? StaffUserId { get; set; }

    public string StaffName { get; set; } = "";
    public List<ContactPerson> Persons { get; set; } = [];
    public List<ContactNote> Notes { get; set; } = [];

    /// <summary>The row of the file it came from, so re-running an import does not record it twice.</summary>
    public string? ImportKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    static readonly TimeOnly OfficeOpens = new(8, 30), OfficeCloses = new(17, 15);

    /// <summary>A weekday from 17:15: the evening hours some programs keep open.</summary>
    public bool IsWeekdayEvening => Date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && Time is { } t && t >= OfficeCloses;

    public bool IsSaturday => Date.DayOfWeek == DayOfWeek.Saturday;

    /// <summary>Outside the city's office hours (8:30–17:15 on weekdays): evenings, early mornings, weekends.</summary>
    public bool IsOutsideOfficeHours => Date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday || (Time is { } t && (t < OfficeOpens || t >= OfficeCloses));
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
}

public enum SessionKind
{
    StudySession = 0,     // 学習会
    Ibasho = 1,           // 居場所
    OnlineClass = 2,      // オンライン教室
    EmploymentSeminar = 3, // 就業支援セミナー
    SpecialistSeminar = 4, // 専門セミナー
}

/// <summary>A session or seminar held; who came by person, or by head count where they are not registered.</summary>
public class SupportSession
{
    public int Id { get; set; }
    public int ProgramId { get; set; }
    public SupportProgram Program { get; set; } = null!;
    public SessionKind Kind { get; set; }
    public DateOnly Date { get; set; }
    public TimeOnly? Start { get; set; }
    public required string Title { get; set; }
    public int? OfficeId { get; set; }
    public int UnregisteredHeadCount { get; set; }
    public List<Attendance> Attendances { get; set; } = [];
}

public class Attendance
{
    public int SessionId { get; set; }
    public int PersonId { get; set; }
    public Person Person { get; set; } = null!;
}

public enum ReferralStatus { Sent = 0, Accepted = 1, Declined = 2, Closed = 3 }

/// <summary>A person connected from one program to another program or an outside agency: "つないだ" as a recorded fact.</summary>
public class Referral
{
    public int Id { get; set; }
    public int PersonId { get; set; }
    public Person Person { get; set; } = null!;
    public int FromProgramId { get; set; }
    public SupportProgram FromProgram { get; set; } = null!;
    public int? ToProgramId { get; set; }
    public SupportProgram? ToProgram { get; set; }

    /// <summary>An agency outside Tsunagu (ハローワーク, 法テラス…) when the referral does not go to a program.</summary>
    public string? ToAgency { get; set; }

    public required string Reason { get; set; }
    public ReferralStatus Status { get; set; }
    public DateTimeOffset SentAt { get; set; }
    public required string SentBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? DecidedBy { get; set; }
    public string? DecisionNote { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
}

public enum SubsidyKind
{
    MockExamJh3 = 0,  // 中3 模試代
    ExamFeeHs3 = 1,   // 高3 受験料
    MockExamHs3 = 2,  // 高3 模試代
}

public enum SubsidyDecision { Pending = 0, Approved = 1, Rejected = 2 }

/// <summary>進学チャレンジ応援補助金: an application, its decision and payment.</summary>
public class SubsidyApplication
{
    public int Id { get; set; }
    public int PersonId { get; set; }
    public Person Person { get; set; } = null!;
    public int ProgramId { get; set; }
    public SubsidyKind Kind { get; set; }
    public DateOnly AppliedOn { get; set; }
    public decimal AmountRequested { get; set; }
    public SubsidyDecision Decision { get; set; }
    public decimal? AmountApproved { get; set; }
    public DateOnly? DecidedOn { get; set; }
    public DateOnly? PaidOn { get; set; }
}

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
