using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.People;
using Tsunagu.Sessions;

namespace Tsunagu.Pages.Sessions;

/// <summary>Attendance of one session: the program's registered people ticked off, the rest as a head count.</summary>
public class ShowModel(RecordScope scope, SessionService sessions) : TsunaguPageModel
{
    [BindProperty(SupportsGet = true)]
    public int Id { get; set; }

    public SupportSession Session { get; private set; } = null!;
    public List<Person> Enrolled { get; private set; } = [];
    public HashSet<int> Present { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(List<int> present, int headCount, string? reason)
    {
        if (!await LoadAsync())
        {
            return NotFound();
        }
        var result = await WriteRecordsAsync(async () =>
        {
            var (saved, seen) = await sessions.SetAttendanceAsync(Id, present, headCount, reason);
            TempData["Message"] = $"出席 {seen.Count} 人、登録のない参加者 {saved.UnregisteredHeadCount} 人を保存しました。";
            return $"/sessions/{Id}";
        }, null);
        // Refused: the boxes as the worker left them, not as stored.
        Present = present.ToHashSet();
        return result;
    }

    /// <summary>Attendance is recorded already: a change is a correction and asks for its reason.</summary>
    public bool Recorded => Session.Attendances.Count > 0 || Session.UnregisteredHeadCount > 0;

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
        // Those enrolled on the day, and anyone ticked off already (a correction can untick them).
        var persons = await scope.PersonsAsync();
        Enrolled = await sessions.EnrolledOnTheDay(persons, session).Union(persons.Where(p => Present.Contains(p.Id))).AsNoTracking()
            .OrderBy(p => p.KanaKey).ToListAsync();
        await scope.LogAsync(Enrolled.Select(p => p.Id), "GET /sessions/{id}");
        return true;
    }
}
