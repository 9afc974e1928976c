using Microsoft.AspNetCore.Mvc;
using Tsunagu.Access;

namespace Tsunagu.Pages.Users;

/// <summary>Accounts, for administrators (the folder is authorized for the admin role only).</summary>
public class IndexModel(AccountAdmin accounts) : TsunaguPageModel
{
    public IReadOnlyList<AccountAdmin.Account> Accounts { get; private set; } = [];
    public string? CreatedEmail { get; private set; }
    public string? OneTimePassword { get; private set; }
    public List<string> Errors { get; } = [];

    public async Task OnGetAsync() => Accounts = await accounts.ListAsync();

    public Task<IActionResult> OnPostAddAsync(string email, string role) => RunAsync(async () =>
    {
        OneTimePassword = await accounts.AddAsync(email.Trim(), role, Actor);
        CreatedEmail = email.Trim();
    });

    public Task<IActionResult> OnPostRoleAsync(string email, string role) => RunAsync(() => accounts.SetRoleAsync(email, role, Actor));

    public Task<IActionResult> OnPostResetAsync(string email) => RunAsync(async () =>
    {
        OneTimePassword = await accounts.ResetPasswordAsync(email, Actor);
        CreatedEmail = email;
    });

    async Task<IActionResult> RunAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (AccountException e)
        {
            Errors.Add(e.Message);
        }
        Accounts = await accounts.ListAsync();
        return Page();
    }
}
