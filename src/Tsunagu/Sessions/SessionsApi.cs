using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Data;

namespace Tsunagu.Sessions;

public sealed record SessionInput(string ProgramCode, SessionKind Kind, DateOnly Date, TimeOnly? Start, string Title, int HeadCount = 0);

/// <summary>Who came; once attendance is recorded, a change is a correction and takes its reason.</summary>
public sealed record AttendanceInput(IReadOnlyList<int> PersonIds, int HeadCount = 0, string? Reason = null);

/// <summary>A session as listed: how many attended (registered persons), and how many more came unregistered.</summary>
public sealed record SessionSummary(int Id, string ProgramCode, SessionKind Kind, DateOnly Date, TimeOnly? Start, string Title, int Attendees, int UnregisteredHeadCount);

public sealed record SessionItem(int Id, string ProgramCode, SessionKind Kind, DateOnly Date, TimeOnly? Start, string Title, IReadOnlyList<int> PersonIds, int HeadCount);

/// <summary>Sessions and seminars under /api/v1: listed, held, attendance taken; within the caller's programs.</summary>
public static class SessionsApi
{
    public static void MapSessionsApi(this WebApplication app)
    {
        var api = app.MapRecordsGroup();

        api.MapGet("/sessions", async (RecordScope scope) =>
            await (await scope.SessionsAsync()).OrderByDescending(s => s.Date)
                .Select(s => new SessionSummary(s.Id, s.Program.Code, s.Kind, s.Date, s.Start, s.Title, s.Attendances.Count, s.UnregisteredHeadCount))
                .Take(500).ToListAsync())
            .WithName("listSessions").WithSummary("Sessions of the caller's programs, newest first (500 at most), with how many attended");

        api.MapPost("/sessions", async Task<Created<SessionItem>> (SessionInput input, SessionService sessions, TsunaguDb db) =>
        {
            var s = await sessions.HoldSessionAsync(await RecordsApiGroup.ProgramIdAsync(db, input.ProgramCode), input.Kind, input.Date, input.Start, input.Title, input.HeadCount);
            return TypedResults.Created($"/api/v1/sessions/{s.Id}", new SessionItem(s.Id, input.ProgramCode, s.Kind, s.Date, s.Start, s.Title, [], s.UnregisteredHeadCount));
        }).WithName("holdSession").WithSummary("Records a session held by one of the caller's programs");

        // Only persons enrolled in the session's program and in the caller's scope are kept; the answer says which.
        api.MapPut("/sessions/{id:int}/attendance", async Task<Ok<SessionItem>> (int id, AttendanceInput input, SessionService sessions, TsunaguDb db) =>
        {
            var (s, present) = await sessions.SetAttendanceAsync(id, input.PersonIds, input.HeadCount, input.Reason);
            var code = await db.Programs.Where(p => p.Id == s.ProgramId).Select(p => p.Code).SingleAsync();
            return TypedResults.Ok(new SessionItem(s.Id, code, s.Kind, s.Date, s.Start, s.Title, present, s.UnregisteredHeadCount));
        }).WithName("setAttendance").WithSummary("Sets who attended a session: enrolled persons in scope are kept, the answer says which");
    }
}
