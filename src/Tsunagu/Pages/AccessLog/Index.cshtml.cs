using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Data;

namespace Tsunagu.Pages.AccessLog;

/// <summary>Who read which person's record, for auditors. Person ids only: an auditor investigates, never reads records.</summary>
public class IndexModel(TsunaguDb db) : TsunaguPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Staff { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? Person { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    public List<AccessLogEntry> Entries { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var query = db.AccessLog.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(Staff))
        {
            query = query.Where(e => e.UserName.Contains(Staff));
        }
        if (Person is { } person)
        {
            query = query.Where(e => e.PersonId == person);
        }
        if (From is { } from)
        {
            var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            query = query.Where(e => e.At >= start);
        }
        if (To is { } to)
        {
            var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            query = query.Where(e => e.At < end);
        }
        Entries = await query.OrderByDescending(e => e.Id).Take(500).ToListAsync();
    }
}
