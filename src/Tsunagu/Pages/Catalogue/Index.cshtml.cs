using Microsoft.AspNetCore.Mvc;
using Tsunagu.Calendar;
using Tsunagu.Catalogue;

namespace Tsunagu.Pages.Catalogue;

/// <summary>支援制度の一覧 of a fiscal year, with each window where it stands today: for every member of staff.</summary>
public class IndexModel(CatalogueService catalogue, TimeProvider time) : TsunaguPageModel
{
    [BindProperty(SupportsGet = true)]
    public int? Year { get; set; }

    public int FiscalYear { get; private set; }
    public DateOnly Today { get; private set; }
    public List<SupportScheme> Schemes { get; private set; } = [];
    public bool MayAdd { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Today = CityClock.Today(time);
        FiscalYear = Year is >= 2000 and <= 2100 ? Year.Value : CityClock.CurrentFiscalYear(time);
        Schemes = await catalogue.ListAsync(FiscalYear, ct);
        MayAdd = User.IsInRole(Access.Roles.Planner) || User.IsInRole(Access.Roles.Manager);
    }
}
