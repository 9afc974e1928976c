using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Calendar;
using Tsunagu.People;
using Tsunagu.Programs;
using Tsunagu.Records;

namespace Tsunagu.Pages.People;

/// <summary>
/// Recording a year's 進路・結果 as a step of its own, away from the everyday contact form: nothing is preselected, the
/// result is chosen deliberately, and recording again for the same year says it replaces what was there.
/// </summary>
public class OutcomeModel(RecordScope scope, PersonService people, TimeProvider time) : TsunaguPageModel
{
    [BindProperty(SupportsGet = true)]
    public int Id { get; set; }

    [BindProperty]
    public int ProgramId { get; set; }

    [BindProperty]
    public int FiscalYear { get; set; }

    /// <summary>Empty until chosen: an outcome is never recorded by a default.</summary>
    [BindProperty]
    public OutcomeKind? Kind { get; set; }

    [BindProperty]
    public string? Course { get; set; }

    public Person Person { get; private set; } = null!;
    public List<SupportProgram> Programs { get; private set; } = [];
    public List<Outcome> Recorded { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await LoadAsync("GET /people/{id}/outcome"))
        {
            return NotFound();
        }
        FiscalYear = CityClock.CurrentFiscalYear(time);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await LoadAsync("POST /people/{id}/outcome"))
        {
            return NotFound();
        }
        return await WriteRecordsAsync(async () =>
        {
            var kind = Kind ?? throw new RecordInputException("kind", "進路・結果: 選んでください。");
            await people.RecordOutcomeAsync(Id, ProgramId, FiscalYear, kind, Course);
            return $"/people/{Id}#outcomes";
        }, $"{FiscalYears.Label(FiscalYear)}の進路・結果「{Kind?.Japanese()}」を記録しました。");
    }

    public async Task<IActionResult> OnPostWithdrawAsync(int outcomeId, string? reason)
    {
        if (!await LoadAsync("POST /people/{id}/outcome (withdraw)"))
        {
            return NotFound();
        }
        return await WriteRecordsAsync(async () =>
        {
            await people.WithdrawOutcomeAsync(outcomeId, reason);
            return $"/people/{Id}#outcomes";
        }, "進路・結果を取り消しました。集計には数えられません。");
    }

    async Task<bool> LoadAsync(string source)
    {
        var person = await scope.ReadPersonAsync(Id, source);
        if (person is null)
        {
            return false;
        }
        Person = person;
        Programs = await (await scope.EnrollmentsAsync()).Where(e => e.PersonId == Id).Select(e => e.Program).Distinct().OrderBy(p => p.Code).ToListAsync();
        Recorded = await (await scope.OutcomesAsync()).AsNoTracking().Where(o => o.PersonId == Id).OrderByDescending(o => o.FiscalYear).ToListAsync();
        return true;
    }
}
