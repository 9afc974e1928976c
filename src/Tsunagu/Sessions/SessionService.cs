using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Audit;
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
    /// Who came: only people enrolled in the session's program on its day and within the user's scope can be ticked
    /// off; any other id is left out. The rest come as a head count. Taking someone off or lowering the count is a
    /// correction (訂正): it takes a reason, and the audit keeps who was added and removed (by id) and the counts.
    /// </summary>
    /// <returns>The session, and who came among the persons the user sees (the only ids the answer may name).</returns>
    public async Task<(SupportSession Session, IReadOnlyList<int> Present)> SetAttendanceAsync(int sessionId, IEnumerable<int> present, int headCount, string? reason = null)
    {
        var session = await (await scope.SessionsAsync()).Include(s => s.Attendances).Include(s => s.Program).SingleOrDefaultAsync(s => s.Id == sessionId)
            ?? throw new RecordNotFoundException("その学習会・セミナーは見られません。");
        var ids = present.Distinct().ToList();
        RecordRules.Require(
            ("headCount", "参加人数（登録のない人）", RecordRules.Count(headCount, 0, RecordRules.HeadCountMax)),
            ("personIds", "参加した人", RecordRules.Persons(ids.Count, RecordRules.HeadCountMax)));
        var persons = await scope.PersonsAsync();
        var allowed = (await EnrolledOnTheDay(persons, session).Where(p => ids.Contains(p.Id)).Select(p => p.Id).ToListAsync()).ToHashSet();
        var recorded = session.Attendances.Select(a => a.PersonId).ToList();
        var before = (await persons.Where(p => recorded.Contains(p.Id)).Select(p => p.Id).ToListAsync()).ToHashSet();
        // Someone the user does not see (a restricted record, another office's case) stays as recorded, unseen.
        var unseen = recorded.Except(before).ToList();
        // Adding who came is recording as they arrive; taking someone off, or lowering the count, corrects the record.
        if (before.Except(allowed).Any() || headCount < session.UnregisteredHeadCount)
        {
            RecordRules.Require(("reason", "訂正の理由", RecordRules.Note(reason, RecordRules.ReasonMax, required: true)));
            static string Ids(IEnumerable<int> ids) => string.Join(",", ids.Order());
            scope.Audit(AuditActions.AttendanceCorrect, session.Program.Code, $"session:{sessionId}",
                $"出席 {allowed.Count} 人（追加 {Ids(allowed.Except(before))}／削除 {Ids(before.Except(allowed))}）、登録のない参加者 {headCount} 人",
                $"出席 {before.Count} 人、登録のない参加者 {session.UnregisteredHeadCount} 人", FiscalYears.Of(session.Date), reason);
        }
        session.Attendances = allowed.Concat(unseen).Select(id => new Attendance { SessionId = sessionId, PersonId = id }).ToList();
        session.UnregisteredHeadCount = headCount;
        await db.SaveChangesAsync();
        return (session, [.. allowed.Order()]);
    }

    /// <summary>The persons (of <paramref name="persons"/>) enrolled in the session's program on the session's day.</summary>
    public IQueryable<Person> EnrolledOnTheDay(IQueryable<Person> persons, SupportSession session) =>
        persons.Where(p => db.Enrollments.Any(e => e.PersonId == p.Id && e.ProgramId == session.ProgramId
            && e.From <= session.Date && (e.To == null || e.To >= session.Date)));
}
