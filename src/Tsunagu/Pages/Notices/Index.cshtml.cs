using Microsoft.AspNetCore.Mvc;
using Tsunagu.Calendar;
using Tsunagu.Notices;

namespace Tsunagu.Pages.Notices;

/// <summary>お知らせの一覧 of a fiscal year's support systems: when each goes, by what, and where it stands. For every member of staff.</summary>
public class IndexModel(CampaignService campaigns, TimeProvider time) : TsunaguPageModel
{
    [BindProperty(SupportsGet = true)]
    public int? Year { get; set; }

    public int FiscalYear { get; private set; }
    public List<Campaign> Campaigns { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        FiscalYear = Year is >= 2000 and <= 2100 ? Year.Value : CityClock.CurrentFiscalYear(time);
        Campaigns = await campaigns.OfYearAsync(FiscalYear, ct);
    }
}
