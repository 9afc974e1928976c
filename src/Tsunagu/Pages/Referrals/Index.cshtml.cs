using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Referrals;

namespace Tsunagu.Pages.Referrals;

/// <summary>The referral inbox: requests to the user's programs to accept or decline, and those they sent.</summary>
public class IndexModel(RecordScope scope, ReferralService referrals) : TsunaguPageModel
{
    public List<Referral> Incoming { get; private set; } = [];
    public List<Referral> Sent { get; private set; } = [];
    public IReadOnlyList<int> MyPrograms { get; private set; } = [];

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostDecideAsync(int id, bool accept, string? note)
    {
        return await WriteRecordsAsync(async () =>
        {
            await referrals.DecideAsync(id, accept, note);
            return "/referrals";
        }, accept ? "受理しました。事業に登録しました。" : "不受理にしました。", LoadAsync);
    }

    public Task<IActionResult> OnPostWithdrawAsync(int id, string? reason) =>
        WriteRecordsAsync(async () =>
        {
            await referrals.WithdrawAsync(id, reason);
            return "/referrals";
        }, "依頼を取り下げました。", LoadAsync);

    async Task LoadAsync()
    {
        MyPrograms = await scope.ProgramIdsAsync();
        var referrals = await (await scope.ReferralsAsync()).AsNoTracking()
            .Include(r => r.Person).Include(r => r.FromProgram).Include(r => r.ToProgram)
            .OrderByDescending(r => r.SentAt).Take(300).ToListAsync();
        Incoming = referrals.Where(r => r.ToProgramId is { } to && MyPrograms.Contains(to)).ToList();
        Sent = referrals.Where(r => MyPrograms.Contains(r.FromProgramId)).ToList();
        await scope.LogAsync(referrals.Select(r => r.PersonId), "GET /referrals");
    }
}
