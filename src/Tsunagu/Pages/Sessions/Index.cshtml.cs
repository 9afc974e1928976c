using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Calendar;
using Tsunagu.Data;
using Tsunagu.Programs;
using Tsunagu.Sessions;

namespace Tsunagu.Pages.Sessions;

public class IndexModel(TsunaguDb db, RecordScope scope, SessionService sessions, TimeProvider time) : TsunaguPageModel
{
    public List<SupportSession> Sessions { get; private set; } = [];
    public List<SupportProgram> Programs { get; private set; } = [];
    public DateOnly Today { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostAsync(int programId, SessionKind kind, DateOnly date, TimeOnly? start, string title, int headCount)
    {
        return await WriteRecordsAsync(async () =>
        {
            var session = await sessions.HoldSessionAsync(programId, kind, date, start, title, headCount);
            return $"/sessions/{session.Id}";
        }, null, LoadAsync);
    }

    async Task LoadAsync()
    {
        Today = CityClock.Today(time);
        var ids = await scope.ProgramIdsAsync();
        Programs = await db.Programs.AsNoTracking().Where(p => ids.Contains(p.Id)).OrderBy(p => p.Code).ToListAsync();
        Sessions = await (await scope.SessionsAsync()).AsNoTracking().Include(s => s.Program).Include(s => s.Attendances)
            .OrderByDescending(s => s.Date).Take(200).ToListAsync();
    }
}
