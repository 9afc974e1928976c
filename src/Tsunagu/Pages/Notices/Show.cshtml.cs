using Microsoft.AspNetCore.Mvc;
using Tsunagu.Notices;
using Tsunagu.People;

namespace Tsunagu.Pages.Notices;

/// <summary>
/// One notice: the households it would reach by channel and its words as they will read (counts only: the page names no
/// one), the manager's approval, and once sent, what it reached.
/// </summary>
public class ShowModel(CampaignService campaigns) : TsunaguPageModel
{
    [BindProperty(SupportsGet = true)]
    public int Id { get; set; }

    public Campaign Campaign { get; private set; } = null!;
    public CampaignPreview? Preview { get; private set; }
    public List<(ReachChannel Channel, DeliveryStatus Status, int Count)> Results { get; private set; } = [];
    public bool MayEdit { get; private set; }
    public bool MayApprove { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostApproveAsync(int version, CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return NotFound();
        }
        return await WriteRecordsAsync(async () =>
        {
            await campaigns.ApproveAsync(Id, version, ct);
            return $"/notices/{Id}";
        }, "承認しました。送る日に送られます。");
    }

    async Task<bool> LoadAsync(CancellationToken ct)
    {
        if (await campaigns.FindAsync(Id, ct) is not { } campaign)
        {
            return false;
        }
        Campaign = campaign;
        MayEdit = campaign.Status is CampaignStatus.Draft or CampaignStatus.Approved && await campaigns.MayEditAsync(campaign);
        MayApprove = campaign.Status == CampaignStatus.Draft && await campaigns.MayApproveAsync(campaign);
        // The counts are of the whole register: for who writes or approves the notice, not for every member of staff.
        if (campaign.Status is CampaignStatus.Draft or CampaignStatus.Approved && (MayEdit || MayApprove))
        {
            Preview = await campaigns.PreviewAsync(campaign, ct);
        }
        Results = await campaigns.ResultsAsync(Id, ct);
        return true;
    }
}
