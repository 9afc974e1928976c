using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Audit;
using Tsunagu.Data;

namespace Tsunagu.Pages.Account;

/// <summary>The signed-in person's own sessions: where and since when, and ending any of them.</summary>
public class SessionsModel(TsunaguDb db, TimeProvider time) : PageModel
{
    public List<UserSession> Sessions { get; private set; } = [];

    public string? Current => User.FindFirstValue(DatabaseTicketStore.SessionIdClaim);

    string UserId => User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";

    public async Task OnGetAsync() =>
        Sessions = await db.Set<UserSession>().AsNoTracking().Where(s => s.UserId == UserId).OrderByDescending(s => s.LastSeenAt).ToListAsync();

    /// <summary>Ends one of the person's own sessions, or all but this one (<paramref name="id"/> empty).</summary>
    public async Task<IActionResult> OnPostAsync(string? id)
    {
        var mine = db.Set<UserSession>().Where(s => s.UserId == UserId);
        var ended = string.IsNullOrEmpty(id)
            ? await mine.Where(s => s.Id != Current).ExecuteDeleteAsync()
            : await mine.Where(s => s.Id == id).ExecuteDeleteAsync();
        db.Audit(time, User.Identity!.Name!, AuditActions.SessionEnd, subject: User.Identity.Name, after: $"{ended} 件");
        await db.SaveChangesAsync();
        return Redirect(id == Current ? "/account/login" : "/account/sessions");
    }
}
