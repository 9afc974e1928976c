using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.People;

namespace Tsunagu.Pages.People;

/// <summary>
/// Finding a person. The search is a POST: names and birth dates never stand in an address, a browser's history or
/// a server's request log.
/// </summary>
public class IndexModel(RecordScope scope) : TsunaguPageModel
{
    [BindProperty]
    public string? Q { get; set; }

    [BindProperty]
    public DateOnly? BirthDate { get; set; }

    [BindProperty]
    public string? Phone { get; set; }

    [BindProperty]
    public string? Address { get; set; }

    public List<Person> Results { get; private set; } = [];
    public Dictionary<int, List<string>> Programs { get; private set; } = [];

    /// <summary>Of the results, the user's own cases (listed first, marked 担当).</summary>
    public HashSet<int> Own { get; private set; } = [];
    public bool Searched { get; private set; }

    public void OnGet()
    {
    }

    public async Task OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            Errors.Add("生年月日を日付として読めません。");
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        var terms = new PersonQuery(Q, BirthDate, Phone, Address);
        if (PersonSearch.Refusal(terms) is { } refusal)
        {
            Errors.Add(refusal);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        Searched = !terms.IsEmpty;
        Results = await scope.FindPersonsAsync(terms, ct);
        var ids = Results.Select(p => p.Id).ToList();
        Programs = (await (await scope.EnrollmentsAsync()).Where(e => ids.Contains(e.PersonId))
                .Select(e => new { e.PersonId, e.Program.Name }).ToListAsync(ct))
            .GroupBy(e => e.PersonId).ToDictionary(g => g.Key, g => g.Select(e => e.Name).ToList());
        Own = (await scope.OwnCases().Where(id => ids.Contains(id)).ToListAsync(ct)).ToHashSet();
        await scope.LogAsync(ids, "POST /people (search)");
    }
}
