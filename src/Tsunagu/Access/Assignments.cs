namespace Tsunagu.Access;

/// <summary>A case worker or manager assigned to a program (and, where it matters, an office).</summary>
public class ProgramAssignment
{
    public int Id { get; set; }
    public required string UserId { get; set; }
    public int ProgramId { get; set; }
    public int? OfficeId { get; set; }
}

/// <summary>One read of a person's record: who, when, which person, from which page or API call.</summary>
public class AccessLogEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public required string UserId { get; set; }
    public required string UserName { get; set; }
    public int PersonId { get; set; }

    /// <summary>The page or API route, e.g. GET /people/{id}.</summary>
    public required string Source { get; set; }
}
