using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.People;
using Tsunagu.Records;

namespace Tsunagu.Pages.People;

public class IndexModel(RecordScope scope) : TsunaguPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? BirthDate { get; set; }

    public List<Person> Results { get; private set; } = [];
    public Dictionary<int, List<string>> Programs { get; private set; } = [];
    public bool Searched => !string.IsNullOrWhiteSpace(Q) || BirthDate is not null;

    public async Task OnGetAsync(CancellationToken ct)
    {
        Results = await scope.FindPersonsAsync(Q, BirthDate, ct);
        var ids = Results.Select(p => p.Id).ToList();
        Programs = (await (await scope.EnrollmentsAsync()).Where(e => ids.Contains(e.PersonId))
                .Select(e => new { e.PersonId, e.Program.Name }).ToListAsync(ct))
            .GroupBy(e => e.PersonId).ToDictionary(g => g.Key, g => g.Select(e => e.Name).ToList());
        await scope.LogAsync(ids, "GET /people (search)");
    }
}
