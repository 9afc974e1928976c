using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Calendar;
using Tsunagu.Data;
using Tsunagu.People;
using Tsunagu.Records;

namespace Tsunagu.Sessions;

/// <summary>Sessions and seminars a program holds, and who came. Only within the user's programs; pages and API alike.</summary>
public sealed class SessionService(TsunaguDb db, RecordScope scope, TimeProvider time)
{
    public async Task<SupportSession> HoldSessionAsync(int programId, SessionKind kind, DateOnly date, TimeOnly? start, string title, int headCount)
    {
        await scope.EnsureProgramAsync(programId);
        RecordRules.Require(
            ("title", "名称", RecordRules.Line(title, RecordRules.TitleMax, required: true)),
            ("kind", "種類", RecordRules.Defined(kind)),
            ("headCount", "参加人数（登録のない人）", RecordRules.Count(headCount, 0, RecordRules.HeadCountMax)),
            ("date", "日付", RecordRules.FiscalYear(FiscalYears.Of(date), time)));
        var session = new SupportSession { ProgramId = programId, Kind = kind, Date = date, Start = start, Title = title.Trim(), UnregisteredHeadCount = headCount };
        db.Sessions.Add(session);
        await db.SaveChangesAsync();
        return session;
    }

    /// <summary>
    /// Who came: only people enrolled (and active) in the session's program and within the user's scope can be ticked
    /// off; any other id is left out. The rest come as a head count.
    /// </summary>
    public async Task<SupportSession> SetAttendanceAsync(int sessionId, IEnumerable<int> present, int headCount)
    {
        var session = await (await scope.SessionsAsync()).Include(s => s.Attendances).SingleOrDefaultAsync(s => s.Id == sessionId)
            ?? throw new RecordNotFoundException("その学習会・セミナーは見られません。");
        var ids = present.Distinct().ToList();
        RecordRules.Require(
            ("headCount", "参加人数（登録のない人）", RecordRules.Count(headCount, 0, RecordRules.HeadCountMax)),
            ("personIds", "参加した人", RecordRules.Persons(ids.Count, RecordRules.HeadCountMax)));
        var allowed = await (await scope.PersonsAsync())
            .Where(p => ids.Contains(p.Id) && db.Enrollments.Any(e => e.PersonId == p.Id && e.ProgramId == session.ProgramId && e.Status == EnrollmentStatus.Active))
            .Select(p => p.Id).ToListAsync();
        session.Attendances = allowed.Select(id => new Attendance { SessionId = sessionId, PersonId = id }).ToList();
        session.UnregisteredHeadCount = headCount;
        await db.SaveChangesAsync();
        return session;
    }
}
