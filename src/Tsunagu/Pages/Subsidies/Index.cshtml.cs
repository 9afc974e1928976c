using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Calendar;
using Tsunagu.Subsidies;

namespace Tsunagu.Pages.Subsidies;

public class IndexModel(RecordScope scope, SubsidyService subsidies, TimeProvider time) : TsunaguPageModel
{
    public List<SubsidyApplication> Applications { get; private set; } = [];
    public DateOnly Today { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public Task<IActionResult> OnPostDecideAsync(int id, bool approve, decimal? amount) => RunAsync(() => subsidies.DecideAsync(id, approve, amount));

    public Task<IActionResult> OnPostPayAsync(int id, DateOnly paidOn) => RunAsync(() => subsidies.PayAsync(id, paidOn));

    public Task<IActionResult> OnPostWithdrawAsync(int id, string? reason) => RunAsync(() => subsidies.WithdrawAsync(id, reason));

    Task<IActionResult> RunAsync(Func<Task> action) => WriteRecordsAsync(async () =>
    {
        await action();
        return "/subsidies";
    }, null, LoadAsync);

    async Task LoadAsync()
    {
        Today = CityClock.Today(time);
        Applications = await (await scope.SubsidiesAsync()).AsNoTracking().Include(s => s.Person)
            .OrderByDescending(s => s.AppliedOn).ThenByDescending(s => s.Id).Take(500).ToListAsync();
        await scope.LogAsync(Applications.Select(a => a.PersonId), "GET /subsidies");
    }
}
