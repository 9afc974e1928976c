using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Catalogue;
using Tsunagu.Data;
using Tsunagu.Notices;
using Tsunagu.People;

namespace Tsunagu.Pages.Notices;

/// <summary>A notice written or changed for one window: when it goes, by which channels, in what words.</summary>
public class EditModel(TsunaguDb db, CampaignService campaigns, CatalogueService catalogue) : TsunaguPageModel
{
    [BindProperty(SupportsGet = true)]
    public int? Id { get; set; }

    /// <summary>The window a new notice is for.</summary>
    [BindProperty(SupportsGet = true)]
    public int? Window { get; set; }

    [BindProperty]
    public CampaignForm Form { get; set; } = new();

    public sealed class CampaignForm
    {
        public NoticeTiming? Timing { get; set; }
        public int? Days { get; set; }
        public List<ReachChannel> Channels { get; set; } = [];
        public string? Message { get; set; }
        public int Version { get; set; }
    }

    public ApplicationWindow? ForWindow { get; private set; }
    public bool MayEdit { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (Id is { } id)
        {
            if (await campaigns.FindAsync(id, ct) is not { } campaign)
            {
                return NotFound();
            }
            Window = campaign.WindowId;
            Form = new CampaignForm { Timing = campaign.Timing, Days = campaign.Days, Channels = campaign.Channels, Message = campaign.Message, Version = campaign.Version };
        }
        else
        {
            Form = new CampaignForm { Timing = NoticeTiming.BeforeOpening, Days = 7, Channels = [ReachChannel.Email, ReachChannel.Line] };
        }
        return await LoadAsync(ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return NotFound();
        }
        var input = new CampaignInput(ForWindow!.Id, Form.Timing, Form.Days, Form.Channels, Form.Message, Id is null ? null : Form.Version);
        return await WriteRecordsAsync(async () => $"/notices/{(await campaigns.SaveAsync(Id, input, ct)).Id}", "お知らせを保存しました。承認されると、送る日に送られます。");
    }

    async Task<bool> LoadAsync(CancellationToken ct)
    {
        if (Id is { } id)
        {
            Window = await db.Campaigns.Where(c => c.Id == id).Select(c => (int?)c.WindowId).SingleOrDefaultAsync(ct);
        }
        ForWindow = Window is { } windowId ? await db.ApplicationWindows.AsNoTracking().Include(w => w.Scheme).SingleOrDefaultAsync(w => w.Id == windowId, ct) : null;
        MayEdit = ForWindow is not null && await catalogue.MayEditAsync(ForWindow.Scheme.ProgramId);
        return ForWindow is not null;
    }
}
