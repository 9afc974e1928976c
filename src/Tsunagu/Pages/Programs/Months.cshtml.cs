using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Calendar;
using Tsunagu.Data;
using Tsunagu.Indicators;
using Tsunagu.Programs;

namespace Tsunagu.Pages.Programs;

/// <summary>
/// 月別の実績: a program's figures by month of the fiscal year so far, beside last year's same months, for the
/// program's managers (who see its records anyway; the figures are not suppressed here, nor published).
/// </summary>
public class MonthsModel(TsunaguDb db, RecordScope scope, MonthlyFigures monthly, TimeProvider time) : TsunaguPageModel
{
    [BindProperty(SupportsGet = true)]
    public string Code { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public int? Year { get; set; }

    public SupportProgram Program { get; private set; } = null!;
    public int FiscalYear { get; private set; }
    public List<FiscalMonth> Months { get; private set; } = [];
    public List<MonthlyFigure> Figures { get; private set; } = [];
    public int CurrentYear => CityClock.CurrentFiscalYear(time);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var program = await db.Programs.AsNoTracking().SingleOrDefaultAsync(p => p.Code == Code, ct);
        if (program is null)
        {
            return NotFound();
        }
        if (!scope.IsInRole(Roles.Manager) || !(await scope.ProgramIdsAsync()).Contains(program.Id))
        {
            return Forbid();
        }
        Program = program;
        FiscalYear = Year ?? CurrentYear;
        if (FiscalYear < 2000 || FiscalYear > CurrentYear)
        {
            Errors.Add($"年度は2000年度から{FiscalYears.Label(CurrentYear)}までです。");
            Response.StatusCode = StatusCodes.Status400BadRequest;
            FiscalYear = CurrentYear;
        }
        (Months, Figures) = await monthly.ForAsync(program.Id, FiscalYear, ct);
        return Page();
    }
}
