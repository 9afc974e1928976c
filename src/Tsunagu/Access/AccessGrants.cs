using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tsunagu.Audit;
using Tsunagu.Data;

namespace Tsunagu.Access;

public enum GrantKind
{
    Role = 0,    // a role that sees persons (case worker, manager)
    Program = 1, // a program (and office) whose persons the account sees
    SecondFactor = 2, // a new authenticator for a lost phone: with a password reset it would hand the account over
}

public enum GrantStatus
{
    Pending = 0,
    Approved = 1,
    Rejected = 2,
}

/// <summary>
/// A change that would let an account see persons, asked for by one account and waiting for a second to approve it
/// (another administrator, or for a program the program's manager). Until then nothing changes.
/// </summary>
public class AccessGrant
{
    public int Id { get; set; }
    public required string UserId { get; set; }
    public GrantKind Kind { get; set; }
    public string? Role { get; set; }
    public int? ProgramId { get; set; }
    public int? OfficeId { get; set; }
    public required string RequestedBy { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public GrantStatus Status { get; set; }
    public string? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
}

public sealed class AccessGrantConfiguration : IEntityTypeConfiguration<AccessGrant>
{
    public void Configure(EntityTypeBuilder<AccessGrant> builder)
    {
        builder.ToTable("access_grants");
        builder.Property(g => g.Role).HasMaxLength(32);
        builder.HasIndex(g => new { g.Status, g.UserId });
    }
}

/// <summary>
/// Who may give an account access to persons. No account changes its own roles or assignments; a change that grants
/// access to persons is a request until a second account approves it; taking access away applies at once.
/// The command line (the server's operator, who holds the database anyway) assigns directly, audited.
/// </summary>
public sealed class AccessGrants(TsunaguDb db, UserManager<TsunaguUser> users, AccountAdmin accounts, TimeProvider time, ILogger<AccessGrants> log)
{
    public sealed record Request(AccessGrant Grant, string Email, string? ProgramName, string? OfficeName);

    /// <summary>Changes a role: at once if it does not see persons, else a request for a second account.</summary>
    public async Task<bool> ChangeRoleAsync(string email, string role, string actor)
    {
        var user = await FindAsync(email);
        AccountAdmin.EnsureNotSelf(user.Email, actor);
        if (!Roles.Records.Contains(role))
        {
            await accounts.SetRoleAsync(email, role, actor);
            return true;
        }
        if ((await users.GetRolesAsync(user)).Contains(role))
        {
            return true;
        }
        await RequestAsync(new AccessGrant { UserId = user.Id, Kind = GrantKind.Role, Role = role, RequestedBy = actor }, user.Email!);
        return false;
    }

    /// <summary>Asks for a program (and office) to be assigned; a second account approves it.</summary>
    public async Task AssignAsync(string email, int programId, int? officeId, string actor)
    {
        var user = await FindAsync(email);
        AccountAdmin.EnsureNotSelf(user.Email, actor);
        var program = await ProgramAsync(programId);
        // The rules of an assignment (one body, a known office) are checked when asked, and again when approved.
        await ProgramAssignments.CheckAsync(db, user.Id, program, officeId);
        await RequestAsync(new AccessGrant { UserId = user.Id, Kind = GrantKind.Program, ProgramId = program.Id, OfficeId = officeId, RequestedBy = actor },
            $"{user.Email} → {program.Code}");
    }

    /// <summary>Asks for an account's second factor to be reset (a lost phone); another administrator approves it.</summary>
    public async Task ResetSecondFactorAsync(string email, string actor)
    {
        var user = await FindAsync(email);
        AccountAdmin.EnsureNotSelf(user.Email, actor);
        await RequestAsync(new AccessGrant { UserId = user.Id, Kind = GrantKind.SecondFactor, RequestedBy = actor }, user.Email!);
    }

    /// <summary>Takes a program away at once: less access needs nobody's approval (but never one's own).</summary>
    public async Task UnassignAsync(string email, int programId, string actor)
    {
        var user = await FindAsync(email);
        AccountAdmin.EnsureNotSelf(user.Email, actor);
        var program = await ProgramAsync(programId);
        await ProgramAssignments.UnassignAsync(db, user.Id, program, actor, time);
    }

    /// <summary>The requests <paramref name="approver"/> may decide: not their own, not about themselves.</summary>
    public async Task<List<Request>> PendingForAsync(string approver, bool isAdmin, IReadOnlyCollection<int> managedPrograms)
    {
        var approverId = await db.Users.Where(u => u.Email == approver).Select(u => u.Id).SingleOrDefaultAsync();
        var pending = await db.Set<AccessGrant>().AsNoTracking()
            .Where(g => g.Status == GrantStatus.Pending && g.RequestedBy != approver && g.UserId != approverId)
            .Where(g => isAdmin || (g.Kind == GrantKind.Program && managedPrograms.Contains(g.ProgramId!.Value)))
            .OrderBy(g => g.Id).ToListAsync();
        var emails = await db.Users.Where(u => pending.Select(g => g.UserId).Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email!);
        var programs = await db.Programs.AsNoTracking().ToDictionaryAsync(p => p.Id, p => $"{p.Code} {p.Name}");
        var offices = await db.Offices.AsNoTracking().ToDictionaryAsync(o => o.Id, o => o.Name);
        return [.. pending.Select(g => new Request(g, emails.GetValueOrDefault(g.UserId, g.UserId),
            g.ProgramId is { } p ? programs.GetValueOrDefault(p) : null, g.OfficeId is { } o ? offices.GetValueOrDefault(o) : null))];
    }

    /// <summary>Approves or rejects a request; an approved one takes effect now, audited under the approver.</summary>
    public async Task DecideAsync(int grantId, bool approve, string approver, bool isAdmin, IReadOnlyCollection<int> managedPrograms)
    {
        var grant = (await PendingForAsync(approver, isAdmin, managedPrograms)).SingleOrDefault(r => r.Grant.Id == grantId)?.Grant
            ?? throw new AccountException("承認できる依頼ではありません（自分が出した依頼・自分についての依頼は、別の人が承認します）。");
        var email = await db.Users.Where(u => u.Id == grant.UserId).Select(u => u.Email!).SingleAsync();
        // The change first (each writes its own audit entry), then the decision: approving again is harmless.
        if (approve && grant.Kind == GrantKind.Role)
        {
            await accounts.SetRoleAsync(email, grant.Role!, approver);
        }
        else if (approve && grant.Kind == GrantKind.SecondFactor)
        {
            await accounts.ResetSecondFactorAsync(email, approver);
        }
        else if (approve)
        {
            var program = await db.Programs.SingleAsync(p => p.Id == grant.ProgramId);
            await ProgramAssignments.AssignAsync(db, grant.UserId, program, approver, time, grant.OfficeId);
        }
        var tracked = await db.Set<AccessGrant>().SingleAsync(g => g.Id == grant.Id);
        tracked.Status = approve ? GrantStatus.Approved : GrantStatus.Rejected;
        tracked.DecidedBy = approver;
        tracked.DecidedAt = time.GetUtcNow();
        db.Audit(time, approver, approve ? AuditActions.GrantApprove : AuditActions.GrantReject, subject: email,
            after: Describe(grant), before: $"依頼者 {grant.RequestedBy}");
        log.LogInformation("Access grant {Decision} for {Account} ({Grant}) by {Approver}, asked by {Requester}",
            approve ? "approved" : "rejected", email, Describe(grant), approver, grant.RequestedBy);
        await db.SaveChangesAsync();
    }

    static string Describe(AccessGrant grant) => grant.Kind switch
    {
        GrantKind.Role => $"権限 {grant.Role}",
        GrantKind.SecondFactor => "二要素認証のやり直し",
        _ => $"事業 {grant.ProgramId}" + (grant.OfficeId is { } office ? $"（事業所 {office}）" : ""),
    };

    async Task RequestAsync(AccessGrant grant, string subject)
    {
        var duplicate = await db.Set<AccessGrant>().AnyAsync(g => g.Status == GrantStatus.Pending && g.UserId == grant.UserId && g.Kind == grant.Kind
            && g.Role == grant.Role && g.ProgramId == grant.ProgramId && g.OfficeId == grant.OfficeId);
        if (duplicate)
        {
            return;
        }
        grant.RequestedAt = time.GetUtcNow();
        db.Add(grant);
        db.Audit(time, grant.RequestedBy, AuditActions.GrantRequest, subject: subject, after: Describe(grant));
        log.LogInformation("Access grant asked for {Subject} ({Grant}) by {Requester}", subject, Describe(grant), grant.RequestedBy);
        await db.SaveChangesAsync();
    }

    async Task<Programs.SupportProgram> ProgramAsync(int id) =>
        await db.Programs.SingleOrDefaultAsync(p => p.Id == id) ?? throw new AccountException("その事業はありません。");

    async Task<TsunaguUser> FindAsync(string email) =>
        await users.FindByEmailAsync(email) ?? throw new AccountException($"{email} のアカウントはありません。");
}
