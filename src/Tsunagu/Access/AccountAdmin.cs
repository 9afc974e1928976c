using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Audit;
using Tsunagu.Data;

namespace Tsunagu.Access;

public sealed class AccountException(string message) : RefusalException(RefusalKind.Invalid, message);

/// <summary>Accounts: created with a one-time password, given one role, audited.</summary>
public sealed class AccountAdmin(UserManager<TsunaguUser> users, RoleManager<IdentityRole> roles, TsunaguDb db, TimeProvider time, ILogger<AccountAdmin> log)
{
    public sealed record Account(string Email, string Role, bool MustChangePassword, bool LockedOut, DateTimeOffset CreatedAt,
        bool Disabled = false, bool TwoFactor = false)
    {
        /// <summary>The staff member's name (氏名) as records and pages show it; null until an administrator sets it.</summary>
        public string? Name { get; init; }

        /// <summary>The programs (and office) a case worker or manager works in.</summary>
        public IReadOnlyList<Assignment> Assignments { get; init; } = [];
    }

    public sealed record Assignment(int ProgramId, string ProgramCode, string ProgramName, string? OfficeName);

    /// <summary>Creates an account and returns its one-time password, which is shown once and never stored.</summary>
    public async Task<string> AddAsync(string email, string role, string actor, string? name = null)
    {
        EnsureRole(role);
        name = string.IsNullOrWhiteSpace(name) ? null : CheckName(name);
        if (await users.FindByEmailAsync(email) is not null)
        {
            throw new AccountException($"{email} のアカウントはすでにあります。");
        }
        await EnsureRolesExistAsync();
        var password = NewOneTimePassword();
        var user = new TsunaguUser { UserName = email, Email = email, DisplayName = name, MustChangePassword = true, CreatedAt = time.GetUtcNow() };
        await using var transaction = await db.Database.BeginTransactionAsync();
        Check(await users.CreateAsync(user, password));
        Check(await users.AddToRoleAsync(user, role));
        Write(actor, AuditActions.AccountCreate, email, null, role);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        return password;
    }

    /// <summary>
    /// Sets the staff member's name (氏名), which contacts written from now on carry instead of the e-mail address. Kept
    /// as typed (髙, 𠮷), only the spaces at either end removed; an administrator may set anyone's, their own included.
    /// </summary>
    public async Task SetNameAsync(string email, string name, string actor)
    {
        var user = await users.FindByEmailAsync(email) ?? throw new AccountException($"{email} のアカウントはありません。");
        name = CheckName(name);
        if (user.DisplayName == name)
        {
            return;
        }
        Write(actor, AuditActions.AccountName, email, user.DisplayName, name);
        user.DisplayName = name;
        Check(await users.UpdateAsync(user));
    }

    static string CheckName(string name) =>
        Records.RecordRules.Line(name, Records.RecordRules.NameMax, required: true) is { } problem ? throw new AccountException($"氏名: {problem}") : name.Trim();

    public async Task SetRoleAsync(string email, string role, string actor)
    {
        EnsureRole(role);
        var user = await users.FindByEmailAsync(email) ?? throw new AccountException($"{email} のアカウントはありません。");
        EnsureNotSelf(email, actor);
        var current = await users.GetRolesAsync(user);
        if (current.SequenceEqual([role]))
        {
            return;
        }
        await EnsureRolesExistAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        Check(await users.RemoveFromRolesAsync(user, current));
        Check(await users.AddToRoleAsync(user, role));
        Check(await users.UpdateSecurityStampAsync(user));
        Write(actor, AuditActions.AccountRole, email, string.Join(",", current), role);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }

    public async Task<string> ResetPasswordAsync(string email, string actor)
    {
        var user = await users.FindByEmailAsync(email) ?? throw new AccountException($"{email} のアカウントはありません。");
        var password = NewOneTimePassword();
        await using var transaction = await db.Database.BeginTransactionAsync();
        Check(await users.RemovePasswordAsync(user));
        Check(await users.AddPasswordAsync(user, password));
        user.MustChangePassword = true;
        Check(await users.UpdateAsync(user));
        Check(await users.SetLockoutEndDateAsync(user, null));
        // The authenticator stays as it is: whoever learns the one-time password still needs the owner's phone.
        await db.Set<UserSession>().Where(s => s.UserId == user.Id).ExecuteDeleteAsync();
        Write(actor, AuditActions.AccountPassword, email, null, "一時パスワードを再発行");
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        return password;
    }

    /// <summary>
    /// A leaver: no more sign-in, and every session the account has ends now (sessions live in the database).
    /// Enabling it again gives nothing back but the sign-in.
    /// </summary>
    public async Task SetDisabledAsync(string email, bool disabled, string actor)
    {
        var user = await users.FindByEmailAsync(email) ?? throw new AccountException($"{email} のアカウントはありません。");
        if (string.Equals(email, actor, StringComparison.OrdinalIgnoreCase))
        {
            throw new AccountException("自分のアカウントは停止できません。");
        }
        if (user.Disabled == disabled)
        {
            return;
        }
        await using var transaction = await db.Database.BeginTransactionAsync();
        user.Disabled = disabled;
        Check(await users.UpdateAsync(user));
        Check(await users.UpdateSecurityStampAsync(user));
        await db.Set<UserSession>().Where(s => s.UserId == user.Id).ExecuteDeleteAsync();
        Write(actor, disabled ? AuditActions.AccountDisable : AuditActions.AccountEnable, email, null, null);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }

    /// <summary>
    /// A lost or replaced phone: the authenticator key, its recovery codes and every session go, and the owner enrols
    /// a new phone at the next sign-in. From the pages this is a request a second administrator approves (see
    /// <see cref="AccessGrants"/>), since with a password reset it would hand the account over.
    /// </summary>
    public async Task ResetSecondFactorAsync(string email, string actor)
    {
        var user = await users.FindByEmailAsync(email) ?? throw new AccountException($"{email} のアカウントはありません。");
        EnsureNotSelf(email, actor);
        await using var transaction = await db.Database.BeginTransactionAsync();
        Check(await users.SetTwoFactorEnabledAsync(user, false));
        Check(await users.ResetAuthenticatorKeyAsync(user));
        Check(await users.RemoveAuthenticationTokenAsync(user, TsunaguUserStore.Provider, TsunaguUserStore.RecoveryCodesName));
        user.LastAuthenticatorStep = null;
        Check(await users.UpdateAsync(user));
        await db.Set<UserSession>().Where(s => s.UserId == user.Id).ExecuteDeleteAsync();
        Write(actor, AuditActions.MfaReset, email, null, "認証アプリを登録し直す");
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }

    /// <summary>The person's own change of a password; clears the one-time flag.</summary>
    public async Task<IdentityResult> ChangePasswordAsync(TsunaguUser user, string current, string next)
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        var result = await users.ChangePasswordAsync(user, current, next);
        if (!result.Succeeded)
        {
            return result;
        }
        user.MustChangePassword = false;
        Check(await users.UpdateAsync(user));
        Write(user.Email!, AuditActions.AccountPassword, user.Email, null, "本人が変更");
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        return result;
    }

    public async Task<IReadOnlyList<Account>> ListAsync()
    {
        var accounts = await users.Users.OrderBy(u => u.Email).ToListAsync();
        var assigned = (await (from a in db.ProgramAssignments
                               join p in db.Programs on a.ProgramId equals p.Id
                               from o in db.Offices.Where(o => o.Id == a.OfficeId).DefaultIfEmpty()
                               orderby p.Code
                               select new { a.UserId, Assignment = new Assignment(p.Id, p.Code, p.Name, o == null ? null : o.Name) }).ToListAsync())
            .ToLookup(a => a.UserId, a => a.Assignment);
        var list = new List<Account>();
        foreach (var user in accounts)
        {
            var role = (await users.GetRolesAsync(user)).FirstOrDefault() ?? "";
            list.Add(new Account(user.Email!, role, user.MustChangePassword, await users.IsLockedOutAsync(user), user.CreatedAt, user.Disabled, user.TwoFactorEnabled)
            {
                Name = user.DisplayName,
                Assignments = [.. assigned[user.Id]],
            });
        }
        return list;
    }

    /// <summary>16 characters from an alphabet without look-alikes (0/O, 1/l/I), with each class the policy asks for.</summary>
    public static string NewOneTimePassword()
    {
        const string upper = "ABCDEFGHJKLMNPQRSTUVWXYZ", lower = "abcdefghijkmnpqrstuvwxyz", digits = "23456789", symbols = "!#%+-=?@";
        var all = upper + lower + digits + symbols;
        var chars = new[] { Pick(upper), Pick(lower), Pick(digits), Pick(symbols) }
            .Concat(Enumerable.Range(0, 12).Select(_ => Pick(all)))
            .ToArray();
        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);

        static char Pick(string set) => set[RandomNumberGenerator.GetInt32(set.Length)];
    }

    /// <summary>No account changes its own roles or assignments.</summary>
    public static void EnsureNotSelf(string? email, string actor)
    {
        if (string.Equals(email, actor, StringComparison.OrdinalIgnoreCase))
        {
            throw new AccountException("自分の権限や担当事業は変更できません。別の管理者に依頼してください。");
        }
    }

    static void EnsureRole(string role)
    {
        if (!Roles.All.Contains(role))
        {
            throw new AccountException($"権限「{role}」はありません。{string.Join(" / ", Roles.All)} のいずれかです。");
        }
    }

    async Task EnsureRolesExistAsync()
    {
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                Check(await roles.CreateAsync(new IdentityRole(role)));
            }
        }
    }

    /// <summary>An account's change: in the audit trail, and a security event in the log (accounts only, no person's data).</summary>
    void Write(string actor, string action, string? subject, string? before, string? after)
    {
        db.Audit(time, actor, action, subject: subject, before: before, after: after);
        log.LogInformation("Account change {Action} of {Account} by {Actor}: {Before} → {After}", action, subject, actor, before, after);
    }

    static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new AccountException(string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }
}
