using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.People;

namespace Tsunagu.Pages.People;

/// <summary>A household: its ward and circumstances, and the members the user may see (others stay hidden).</summary>
public class HouseholdModel(RecordScope scope, PersonService people) : TsunaguPageModel
{
    [BindProperty(SupportsGet = true)]
    public int Id { get; set; }

    public Household Household { get; private set; } = null!;
    public List<Person> Members { get; private set; } = [];
    public List<Enrollment> Enrollments { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync() => await LoadAsync("GET /households/{id}") ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(List<HouseholdCircumstances> circumstances)
    {
        if (!await LoadAsync("POST /households/{id}"))
        {
            return NotFound();
        }
        return await WriteRecordsAsync(async () =>
        {
            await people.SetCircumstancesAsync(Id, circumstances.Aggregate(HouseholdCircumstances.None, (all, c) => all | c));
            return $"/households/{Id}";
        }, "世帯の状況を更新しました。");
    }

    async Task<bool> LoadAsync(string source)
    {
        Members = await (await scope.PersonsAsync()).AsNoTracking().Include(p => p.Household).Where(p => p.HouseholdId == Id)
            .OrderBy(p => p.BirthDate).ToListAsync();
        if (Members.Count == 0)
        {
            return false;
        }
        Household = Members[0].Household!;
        var ids = Members.Select(m => m.Id).ToList();
        Enrollments = await (await scope.EnrollmentsAsync()).AsNoTracking().Include(e => e.Program).Where(e => ids.Contains(e.PersonId)).ToListAsync();
        await scope.LogAsync(ids, source);
        return true;
    }
}
