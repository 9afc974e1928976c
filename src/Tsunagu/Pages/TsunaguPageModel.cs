using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tsunagu.Access;
using Tsunagu.Records;

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

    /// <summary>What went wrong, shown by the _Messages partial.</summary>
    public List<string> Errors { get; } = [];

    /// <summary>
    /// A write to the records from a form. Done: to the address <paramref name="write"/> returns, with
    /// <paramref name="message"/> as the notice. Refused by the records' rules (scope, eligibility…): this page again
    /// with the reason, after <paramref name="reload"/> where the page is not loaded yet.
    /// </summary>
    protected async Task<IActionResult> WriteRecordsAsync(Func<Task<string>> write, string? message, Func<Task>? reload = null)
    {
        string next;
        try
        {
            next = await write();
        }
        catch (RecordAccessException e)
        {
            Errors.Add(e.Message);
            if (reload is not null)
            {
                await reload();
            }
            return Page();
        }
        if (message is not null)
        {
            TempData["Message"] = message;
        }
        return Redirect(next);
    }
}
