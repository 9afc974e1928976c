using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Audit;
using Tsunagu.Calendar;
using Tsunagu.Data;

namespace Tsunagu.Access;

/// <summary>What an auditor asks of the access log: one account, one person, days in Japan time.</summary>
public sealed record AccessLogFilter(string? UserId, int? PersonId, DateOnly From, DateOnly To)
{
    /// <summary>Days are Japan's, whatever zone the server runs in: 1 April starts at 1 April 00:00 +09:00.</summary>
    public IQueryable<AccessLogEntry> Apply(IQueryable<AccessLogEntry> log)
    {
        DateTimeOffset start = CityClock.StartInJapan(From), end = CityClock.StartInJapan(To.AddDays(1));
        log = log.Where(e => e.At >= start && e.At < end);
        if (!string.IsNullOrEmpty(UserId))
        {
            log = log.Where(e => e.UserId == UserId);
        }
        if (PersonId is { } person)
        {
            log = log.Where(e => e.PersonId == person);
        }
        return log;
    }

    /// <summary>The filter as the audit trail records it: ids and days, nothing more.</summary>
    public override string ToString() =>
        $"{From:yyyy-MM-dd}〜{To:yyyy-MM-dd}" + (UserId is null ? "" : $" user:{UserId}") + (PersonId is null ? "" : $" person:{PersonId}");
}

/// <param name="Reads">Rows of the access log.</param>
/// <param name="Persons">Distinct persons among them.</param>
public sealed record DailyReads(DateOnly Day, string UserName, int Reads, int Persons);

public sealed record ReadAlert(string UserName, string Period, int Persons, int Threshold);

/// <summary>
/// The auditor's view of the access log: entries a page at a time, reads per account and day, the accounts that
/// read more persons than the configured thresholds, and a CSV of the same rows. Looking is itself audited.
/// </summary>
public sealed class AccessLogSearch(TsunaguDb db, LimitSettings limits, TimeProvider time)
{
    public const int PageSize = 500;

    /// <summary>Counts per day are worked out for at most this many days, newest first.</summary>
    public const int CountedDays = 31;

    public async Task<(List<AccessLogEntry> Entries, int Total)> PageAsync(AccessLogFilter filter, int page, CancellationToken ct)
    {
        var query = filter.Apply(db.AccessLog.AsNoTracking());
        var total = await query.CountAsync(ct);
        var entries = await query.OrderByDescending(e => e.Id).Skip(Math.Max(0, page - 1) * PageSize).Take(PageSize).ToListAsync(ct);
        return (entries, total);
    }

    public async Task<List<DailyReads>> DailyAsync(AccessLogFilter filter, CancellationToken ct)
    {
        var days = new List<DailyReads>();
        var first = filter.To.AddDays(1 - CountedDays) > filter.From ? filter.To.AddDays(1 - CountedDays) : filter.From;
        for (var day = filter.To; day >= first; day = day.AddDays(-1))
        {
            var counts = await (filter with { From = day, To = day }).Apply(db.AccessLog.AsNoTracking())
                .GroupBy(e => e.UserName)
                .Select(g => new { UserName = g.Key, Reads = g.Count(), Persons = g.Select(e => e.PersonId).Distinct().Count() })
                .ToListAsync(ct);
            days.AddRange(counts.OrderBy(c => c.UserName).Select(c => new DailyReads(day, c.UserName, c.Reads, c.Persons)));
        }
        return days;
    }

    /// <summary>Accounts that read more distinct persons in the last hour, or today, than the thresholds allow.</summary>
    public async Task<List<ReadAlert>> AlertsAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var hourAgo = now.AddHours(-1);
        var today = CityClock.StartInJapan(CityClock.Today(time));
        var alerts = new List<ReadAlert>();
        foreach (var (since, period, threshold) in new[] { (hourAgo, "直近1時間", limits.AlertPersonsPerHour), (today, "今日", limits.AlertPersonsPerDay) })
        {
            var over = await db.AccessLog.AsNoTracking().Where(e => e.At >= since)
                .GroupBy(e => e.UserName)
                .Select(g => new { UserName = g.Key, Persons = g.Select(e => e.PersonId).Distinct().Count() })
                .Where(g => g.Persons > threshold)
                .ToListAsync(ct);
            alerts.AddRange(over.OrderByDescending(o => o.Persons).Select(o => new ReadAlert(o.UserName, period, o.Persons, threshold)));
        }
        return alerts;
    }

    /// <summary>Every entry the filter selects, oldest first, as CSV (UTF-8 with BOM for Excel).</summary>
    public async Task WriteCsvAsync(AccessLogFilter filter, Stream output, CancellationToken ct)
    {
        await using var writer = new StreamWriter(output, new System.Text.UTF8Encoding(true), leaveOpen: true);
        await using var csv = new CsvWriter(writer, Reports.ReportExporter.SpreadsheetSafe(new CsvConfiguration(CultureInfo.InvariantCulture)));
        foreach (var header in new[] { "日時（日本時間）", "職員", "本人の番号", "画面・API" })
        {
            csv.WriteField(header);
        }
        await csv.NextRecordAsync();
        await foreach (var entry in filter.Apply(db.AccessLog.AsNoTracking()).OrderBy(e => e.Id).AsAsyncEnumerable().WithCancellation(ct))
        {
            csv.WriteField(entry.At.InJapan().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            csv.WriteField(entry.UserName);
            csv.WriteField(entry.PersonId);
            csv.WriteField(entry.Source);
            await csv.NextRecordAsync();
        }
    }

    /// <summary>Who looked at the access log, with what filter: the auditors are audited too.</summary>
    public async Task RecordViewAsync(string actor, string action, AccessLogFilter filter)
    {
        db.Audit(time, actor, action, subject: filter.ToString());
        await db.SaveChangesAsync();
    }
}
