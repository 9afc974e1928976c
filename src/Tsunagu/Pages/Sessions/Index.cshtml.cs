using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Data;
using Tsunagu.Programs;
using Tsunagu.Records;

namespace Tsunagu.Pages.Sessions;

public class IndexModel(TsunaguDb db, RecordScope scope, TimeProvider time) : TsunaguPageModel
{
    public List<SupportSession> Sessions { get; private set; } = [];
    public List<SupportProgram> Programs { get; private set; } = [];
    public List<string> Errors { get; } = [];
    public DateOnly Today { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostAsync(int programId, SessionKind kind, DateOnly date, TimeOnly? start, string title, int headCount)
    {
        await LoadAsync();
        if (Programs.All(p => p.Id != programId))
        {
            return Forbid();
        }
        if (string.IsNullOrWhiteSpace(title) || headCount < 0)
        {
            Errors.Add("名称を入れ、参加人数（登録のない人）は0以上にしてください。");
            return Page();
        }
        var session = new SupportSession { ProgramId = programId, Kind = kind, Date = date, Start = start, Title = title.Trim(), UnregisteredHeadCount = headCount };
        db.Sessions.Add(session);
        await db.SaveChangesAsync();
        return Redirect($"/sessions/{session.Id}");
    }

    async Task LoadAsync()
    {
        Today = FiscalYears.FiscalYear.Today(time);
        var ids = await scope.ProgramIdsAsync();
        Programs = await db.Programs.AsNoTracking().Where(p => ids.Contains(p.Id)).OrderBy(p => p.Code).ToListAsync();
        Sessions = await (await scope.SessionsAsync()).AsNoTracking().Include(s => s.Program).Include(s => s.Attendances)
            .OrderByDescending(s => s.Date).Take(200).ToListAsync();
    }
}
