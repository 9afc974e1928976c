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

    /// <summary>Whose upload a file is, and for what: a preview's token opens nothing for anyone else.</summary>
    protected string UploadOwner(string purpose) =>
        $"{User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value ?? throw new InvalidOperationException("No signed-in user.")}|{purpose}";

    /// <summary>What went wrong, shown by the _Messages partial.</summary>
    public List<string> Errors { get; } = [];

    /// <summary>What is wrong with a field, shown beside it (by its API name: date, durationMinutes…) and in Errors.</summary>
    public Dictionary<string, string> FieldErrors { get; } = [];

    public string? ErrorFor(string field) => FieldErrors.GetValueOrDefault(field);

    /// <summary>
    /// Values the form could not even read (a date left empty, letters in a number): the page again with the message
    /// by the field, before anything is written.
    /// </summary>
    protected bool UnreadableFields()
    {
        foreach (var (key, entry) in ModelState)
        {
            if (entry.Errors.Count == 0 || key.Length == 0)
            {
                continue;
            }
            var field = RecordRules.FieldOf(key);
            var message = $"{RecordRules.Label(field)}: " + (string.IsNullOrWhiteSpace(entry.AttemptedValue) ? "入力してください。" : $"「{entry.AttemptedValue}」は読めません。");
            FieldErrors.TryAdd(field, message);
            Errors.Add(message);
        }
        return Errors.Count > 0;
    }

    /// <summary>
    /// A write to the records from a form. Done: to the address <paramref name="write"/> returns, with
    /// <paramref name="message"/> as the notice. Refused by the records' rules (scope, eligibility…): this page again
    /// with the reason, after <paramref name="reload"/> where the page is not loaded yet.
    /// </summary>
    protected async Task<IActionResult> WriteRecordsAsync(Func<Task<string>> write, string? message, Func<Task>? reload = null)
    {
        var next = "";
        try
        {
            next = UnreadableFields() ? "" : await write();
        }
        catch (RefusalException e)
        {
            // Whatever the refused write had changed stays unsaved: the page's reload writes the access log.
            HttpContext.RequestServices.GetRequiredService<Data.TsunaguDb>().ChangeTracker.Clear();
            Errors.Add(e.Message);
            if (e.Field is { } field)
            {
                FieldErrors[field] = e.Message;
            }
            // A field refused is a 400, a state that no longer allows it a 409; a refusal of scope keeps the page's answer.
            Response.StatusCode = e.Kind is RefusalKind.Invalid or RefusalKind.Conflict ? RefusalHandler.StatusOf(e.Kind) : Response.StatusCode;
        }
        if (Errors.Count > 0)
        {
            if (FieldErrors.Count > 0 && Response.StatusCode == StatusCodes.Status200OK)
            {
                Response.StatusCode = StatusCodes.Status400BadRequest;
            }
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
