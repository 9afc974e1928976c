using Microsoft.AspNetCore.Mvc.RazorPages;
using Tsunagu.Access;

namespace Tsunagu.Pages;

/// <summary>
/// What the pages share. Razor Pages ignores [Authorize] on handler methods, so a page that everyone may read
/// checks the edit role in each handler that writes.
/// </summary>
public abstract class TsunaguPageModel : PageModel
{
    public bool CanEdit => User.IsInRole(Roles.Planner);

    /// <summary>Who is recorded in the audit: the signed-in account's e-mail address.</summary>
    protected string Actor => User.Identity?.Name ?? throw new InvalidOperationException("No signed-in user.");
}
