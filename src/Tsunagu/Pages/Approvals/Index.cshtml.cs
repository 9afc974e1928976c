using Microsoft.AspNetCore.Mvc;
using Tsunagu.Access;

namespace Tsunagu.Pages.Approvals;

/// <summary>
/// Requests that would let an account see persons, for a second account to decide: administrators decide every
/// request, a program's manager those for their program. Nobody decides their own request or one about themselves.
/// </summary>
public class IndexModel(AccessGrants grants, RecordScope scope) : TsunaguPageModel
{
    public List<AccessGrants.Request> Requests { get; private set; } = [];

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostAsync(int id, bool approve)
    {
        try
        {
            await grants.DecideAsync(id, approve, Actor, User.IsInRole(Roles.Admin), await ManagedAsync());
            TempData["Message"] = approve ? "承認しました。" : "却下しました。";
            return Redirect("/approvals");
        }
        catch (RefusalException e)
        {
            Errors.Add(e.Message);
            await LoadAsync();
            return Page();
        }
    }

    async Task<IReadOnlyCollection<int>> ManagedAsync() => User.IsInRole(Roles.Manager) ? await scope.ProgramIdsAsync() : [];

    async Task LoadAsync() => Requests = await grants.PendingForAsync(Actor, User.IsInRole(Roles.Admin), await ManagedAsync());
}
