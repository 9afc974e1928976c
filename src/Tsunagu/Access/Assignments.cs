using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tsunagu.Audit;
using Tsunagu.Data;
using Tsunagu.Programs;

namespace Tsunagu.Access;

/// <summary>A case worker or manager assigned to a program (and, where it matters, an office).</summary>
public class ProgramAssignment
{
    public int Id { get; set; }
    public required string UserId { get; set; }
    public int ProgramId { get; set; }
    public int? OfficeId { get; set; }
}

/// <summary>Writing assignments, once their approval is settled (see <see cref="AccessGrants"/>).</summary>
public static class ProgramAssignments
{
    /// <summary>Refuses an assignment to programs of both governing bodies, or to an office not on the list.</summary>
    public static async Task CheckAsync(TsunaguDb db, string userId, SupportProgram program, int? officeId)
    {
        var bodies = await db.ProgramAssignments.Where(a => a.UserId == userId)
            .Join(db.Programs, a => a.ProgramId, p => p.Id, (a, p) => p.Body).Distinct().ToListAsync();
        if (bodies.Any(b => b != program.Body))
        {
            throw new AccountException(
                "教育委員会の事業と市長部局の事業の両方を一人に割り当てることはできません（記録は依頼を通してだけ渡ります）。");
        }
        if (officeId is { } office && !await db.Offices.AnyAsync(o => o.Id == office))
        {
            throw new AccountException("その事業所は一覧にありません。");
        }
    }

    /// <summary>
    /// Assigns a case worker or manager to a program (and the office they work at, if given), never to programs of
    /// both governing bodies. Assigning again changes the office.
    /// </summary>
    public static async Task AssignAsync(TsunaguDb db, string userId, SupportProgram program, string actor, TimeProvider time, int? officeId = null)
    {
        await CheckAsync(db, userId, program, officeId);
        var assignment = await db.ProgramAssignments.SingleOrDefaultAsync(a => a.UserId == userId && a.ProgramId == program.Id);
        if (assignment is not null && assignment.OfficeId == officeId)
        {
            return;
        }
        if (assignment is null)
        {
            db.ProgramAssignments.Add(new ProgramAssignment { UserId = userId, ProgramId = program.Id, OfficeId = officeId });
        }
        else
        {
            assignment.OfficeId = officeId;
        }
        db.Audit(time, actor, AuditActions.AccountAssign, programCode: program.Code, subject: userId, after: officeId is null ? null : $"office:{officeId}");
        await db.SaveChangesAsync();
    }

    /// <summary>
    /// The server operator's assignment (<c>tsunagu users assign</c>), by e-mail address and program code; in force at
    /// once, as the operator of the server could change the database anyway. The web asks a second account
    /// (<see cref="AccessGrants"/>).
    /// </summary>
    public static async Task<SupportProgram> AssignAsync(TsunaguDb db, string email, string programCode, string actor, TimeProvider time)
    {
        var userId = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleOrDefaultAsync()
            ?? throw new AccountException($"{email} のアカウントはありません。");
        var program = await db.Programs.SingleOrDefaultAsync(p => p.Code == programCode)
            ?? throw new AccountException($"事業 {programCode} はありません。");
        await AssignAsync(db, userId, program, actor, time);
        return program;
    }

    /// <summary>Takes a program away from an account: from then on its records are out of that person's scope.</summary>
    public static async Task UnassignAsync(TsunaguDb db, string userId, SupportProgram program, string actor, TimeProvider time)
    {
        var assignment = await db.ProgramAssignments.SingleOrDefaultAsync(a => a.UserId == userId && a.ProgramId == program.Id);
        if (assignment is null)
        {
            return;
        }
        db.ProgramAssignments.Remove(assignment);
        db.Audit(time, actor, AuditActions.AccountUnassign, programCode: program.Code, subject: userId);
        await db.SaveChangesAsync();
    }
}

public sealed class ProgramAssignmentConfiguration : IEntityTypeConfiguration<ProgramAssignment>
{
    public void Configure(EntityTypeBuilder<ProgramAssignment> builder)
    {
        builder.ToTable("program_assignments");
        builder.HasIndex(a => new { a.UserId, a.ProgramId }).IsUnique();
    }
}
