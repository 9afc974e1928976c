using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tsunagu.People;
using Tsunagu.Programs;

namespace Tsunagu.Sessions;

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

public sealed class SupportSessionConfiguration : IEntityTypeConfiguration<SupportSession>
{
    public void Configure(EntityTypeBuilder<SupportSession> builder)
    {
        builder.ToTable("sessions");
        builder.HasMany(s => s.Attendances).WithOne().HasForeignKey(a => a.SessionId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class AttendanceConfiguration : IEntityTypeConfiguration<Attendance>
{
    public void Configure(EntityTypeBuilder<Attendance> builder)
    {
        builder.ToTable("attendances");
        builder.HasKey(a => new { a.SessionId, a.PersonId });
    }
}

public static class SessionText
{
    public static string Japanese(this SessionKind kind) => kind switch
    {
        SessionKind.StudySession => "学習会",
        SessionKind.Ibasho => "居場所",
        SessionKind.OnlineClass => "オンライン教室",
        SessionKind.EmploymentSeminar => "就業支援セミナー",
        SessionKind.SpecialistSeminar => "専門セミナー",
        _ => kind.ToString(),
    };
}
