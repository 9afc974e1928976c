using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Data;
using Tsunagu.People;
using Tsunagu.Sessions;

namespace Tsunagu.Pages.Sessions;

/// <summary>Attendance of one session: the program's registered people ticked off, the rest as a head count.</summary>
public class ShowModel(TsunaguDb db, RecordScope scope, SessionService sessions) : TsunaguPageModel
{
    [BindProperty(SupportsGet = true)]
    public int Id { get; set; }

    public SupportSession Session { get; private set; } = null!;
    public List<Person> Enrolled { get; private set; } = [];
    public HashSet<int> Present { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(List<int> present, int headCount)
    {
        if (!await LoadAsync())
        {
            return NotFound();
        }
        var saved = await sessions.SetAttendanceAsync(Id, present, headCount);
        TempData["Message"] = $"出席 {saved.Attendances.Count} 人、登録のない参加者 {saved.UnregisteredHeadCount} 人を保存しました。";
        return Redirect($"/sessions/{Id}");
    }

    async Task<bool> LoadAsync()
    {
        var session = await (await scope.SessionsAsync()).AsNoTracking().Include(s => s.Program).Include(s => s.Attendances)
            .SingleOrDefaultAsync(s => s.Id == Id);
        if (session is null)
        {
            return false;
        }
        Session = session;
        Present = session.Attendances.Select(a => a.PersonId).ToHashSet();
        Enrolled = await (await scope.PersonsAsync()).AsNoTracking()
            .Where(p => db.Enrollments.Any(e => e.PersonId == p.Id && e.ProgramId == session.ProgramId && e.Status == EnrollmentStatus.Active))
            .OrderBy(p => p.KanaKey).ToListAsync();
        await scope.LogAsync(Enrolled.Select(p => p.Id), "GET /sessions/{id}");
        return true;
    }
}
