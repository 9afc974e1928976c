using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Data;
using Tsunagu.Programs;

namespace Tsunagu.Pages.Users;

/// <summary>Accounts, for administrators (the folder is authorized for the admin role only).</summary>
public class IndexModel(AccountAdmin accounts, AccessGrants grants, TsunaguDb db) : TsunaguPageModel
{
    public IReadOnlyList<AccountAdmin.Account> Accounts { get; private set; } = [];
    public List<SupportProgram> Programs { get; private set; } = [];
    public List<Tsunagu.Places.Office> Offices { get; private set; } = [];

    public string? CreatedEmail { get; private set; }
    public string? OneTimePassword { get; private set; }
    public string? Notice { get; private set; }

    /// <summary>Requests waiting for a second account, shown so the administrator knows what is not in force yet.</summary>
    public int Pending { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public Task<IActionResult> OnPostAddAsync(string email, string role, string? name) => RunAsync(async () =>
    {
        OneTimePassword = await accounts.AddAsync(email.Trim(), role, Actor, name);
        CreatedEmail = email.Trim();
    });

    public Task<IActionResult> OnPostRoleAsync(string email, string role) => RunAsync(async () =>
    {
        if (!await grants.ChangeRoleAsync(email, role, Actor))
        {
            Notice = $"{email} を「{Roles.Japanese(role)}」にする依頼を出しました。別の管理者が承認すると有効になります。";
        }
    });

    public Task<IActionResult> OnPostNameAsync(string email, string? name) => RunAsync(async () =>
    {
        await accounts.SetNameAsync(email, name ?? "", Actor);
        Notice = $"{email} の氏名を設定しました。";
    });

    public Task<IActionResult> OnPostResetAsync(string email) => RunAsync(async () =>
    {
        OneTimePassword = await accounts.ResetPasswordAsync(email, Actor);
        CreatedEmail = email;
    });

    public Task<IActionResult> OnPostSecondFactorAsync(string email) => RunAsync(async () =>
    {
        await grants.ResetSecondFactorAsync(email, Actor);
        Notice = $"{email} の二要素認証のやり直しを依頼しました。別の管理者が承認すると、次のサインインで認証アプリを登録し直します。";
    });

    public Task<IActionResult> OnPostDisableAsync(string email, bool disabled) => RunAsync(() => accounts.SetDisabledAsync(email, disabled, Actor));

    public Task<IActionResult> OnPostAssignAsync(string email, int programId, int? officeId) => RunAsync(async () =>
    {
        await grants.AssignAsync(email, programId, officeId, Actor);
        Notice = $"{email} への事業の割り当てを依頼しました。別の管理者かその事業の事業担当が承認すると有効になります。";
    });

    public Task<IActionResult> OnPostUnassignAsync(string email, int programId) => RunAsync(() => grants.UnassignAsync(email, programId, Actor));

    async Task<IActionResult> RunAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (RefusalException e)
        {
            Errors.Add(e.Message);
        }
        await LoadAsync();
        return Page();
    }

    async Task LoadAsync()
    {
        Accounts = await accounts.ListAsync();
        Pending = await db.Set<AccessGrant>().CountAsync(g => g.Status == GrantStatus.Pending);
        Programs = await db.Programs.AsNoTracking().OrderBy(p => p.Code).ToListAsync();
        Offices = await db.Offices.AsNoTracking().OrderBy(o => o.Kind).ThenBy(o => o.Name).ToListAsync();
    }
}
