using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tsunagu.Programs;

namespace Tsunagu.People;

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

public sealed class EnrollmentConfiguration : IEntityTypeConfiguration<Enrollment>
{
    public void Configure(EntityTypeBuilder<Enrollment> builder)
    {
        builder.ToTable("enrollments");
        builder.HasIndex(x => new { x.ProgramId, x.PersonId });
        builder.HasIndex(x => x.PersonId);
    }
}

/// <summary>The words staff read for an enrolment.</summary>
public static class EnrollmentText
{
    public static string Japanese(this ReferralSource source) => source switch
    {
        ReferralSource.School => "学校",
        ReferralSource.WardWelfare => "区保護課",
        ReferralSource.AfterSchoolService => "放課後等デイサービス",
        ReferralSource.ChildGuidance => "児童相談所",
        ReferralSource.Self => "本人・家族",
        ReferralSource.OtherProgram => "他事業",
        _ => "その他",
    };
}
