using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Calendar;
using Tsunagu.Contacts;
using Tsunagu.Data;
using Tsunagu.Indicators;
using Tsunagu.People;
using Tsunagu.Referrals;
using Tsunagu.Sessions;
using Tsunagu.Subsidies;

namespace Tsunagu.Pages.Indicators;

/// <summary>
/// One figure: its definition, its value, and what it counted. Records about people are listed only to those who work
/// with the program's records (and logged as read); everyone else sees the figure and its definition.
/// </summary>
public class FigureModel(TsunaguDb db, RecordScope scope, IndicatorComputer computer) : TsunaguPageModel
{
    /// <summary>Records on a page; the rest are on the next pages and in the CSV.</summary>
    public const int Listed = 100;

    /// <summary>At most this many records in one CSV: a program's year of contacts, bounded in memory and time.</summary>
    public const int ExportLimit = 100_000;

    // Not "page": Razor Pages keeps that name for the page's own route value.
    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    [BindProperty(SupportsGet = true)]
    public int Year { get; set; }

    [BindProperty(SupportsGet = true)]
    public int Id { get; set; }

    public IndicatorDefinition Definition { get; private set; } = null!;
    public IndicatorValue? Value { get; private set; }
    public List<IndicatorDefinition> Parts { get; private set; } = [];

    /// <summary>How many records the figure's own query finds now, and the first of them, as lines for the table.</summary>
    public int? Found { get; private set; }

    public List<string[]> Records { get; private set; } = [];
    public string[] Columns { get; private set; } = [];

    /// <summary>The figure counts people and the user does not work with the program's records.</summary>
    public bool PersonalOutOfScope { get; private set; }

    /// <summary>What <see cref="Found"/> counts: 人 for persons, 件 for contacts, 回 for sessions and distributions.</summary>
    public string FoundUnit { get; private set; } = "件";

    public int Pages => Found is { } found ? Math.Max(1, (found + Listed - 1) / Listed) : 1;

    public Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        // Past the last page is an empty page, never an overflow: a year has far fewer than a hundred million records.
        PageNumber = Math.Clamp(PageNumber, 1, 1_000_000);
        return LoadAsync((PageNumber - 1) * Listed, Listed, "GET /indicators/{year}/{id}", ct);
    }

    /// <summary>
    /// Every record the figure counted, as CSV: for the program's own staff, what the page lists (nothing more), each
    /// person in it logged as read; for anyone else the page's refusal.
    /// </summary>
    public async Task<IActionResult> OnGetExportAsync(CancellationToken ct)
    {
        var page = await LoadAsync(0, ExportLimit, "GET /indicators/{year}/{id} (CSV)", ct);
        if (page is not Microsoft.AspNetCore.Mvc.RazorPages.PageResult || Columns.Length == 0)
        {
            return page is Microsoft.AspNetCore.Mvc.RazorPages.PageResult ? NotFound() : page;
        }
        var file = new MemoryStream();
        await using (var text = new StreamWriter(file, Tsunagu.Reports.Files.TextEncodings.Utf8WithBom, leaveOpen: true))
        await using (var csv = new CsvHelper.CsvWriter(text, Tsunagu.Reports.ReportExporter.SpreadsheetSafe(new CsvHelper.Configuration.CsvConfiguration(CultureInfo.InvariantCulture))))
        {
            foreach (var row in Records.Prepend(Columns))
            {
                foreach (var cell in row)
                {
                    csv.WriteField(cell);
                }
                csv.NextRecord();
            }
        }
        file.Position = 0;
        // The file's name says which figure, never who is in it.
        return File(file, "text/csv; charset=utf-8", $"{FiscalYears.Label(Year)}_{Definition.Program.Code}_{Definition.Key}_数えた記録.csv");
    }

    async Task<IActionResult> LoadAsync(int skip, int take, string source, CancellationToken ct)
    {
        var definition = await db.IndicatorDefinitions.AsNoTracking().Include(d => d.Program).SingleOrDefaultAsync(d => d.Id == Id, ct);
        if (definition is null)
        {
            return NotFound();
        }
        Definition = definition;
        Value = await db.IndicatorValues.AsNoTracking().Where(v => v.FiscalYear == Year && v.DefinitionId == Id && v.Source == IndicatorSource.Computed)
            .SingleOrDefaultAsync(ct);
        Parts = await db.IndicatorDefinitions.AsNoTracking()
            .Where(d => d.ProgramId == definition.ProgramId && (d.Key == definition.NumeratorKey || d.Key == definition.DenominatorKey) && d.FromYear <= Year)
            .ToListAsync(ct);
        Parts = [.. Parts.GroupBy(d => d.Key).Select(g => g.OrderByDescending(d => d.FromYear).ThenByDescending(d => d.Version).First())];
        var offices = await db.Offices.AsNoTracking().ToDictionaryAsync(o => o.Name, o => o.Id, ct);
        var filter = MeasureFilter.Of(definition, offices);
        DateOnly from = FiscalYears.Start(Year), to = FiscalYears.End(Year);
        var inScope = (await scope.ProgramIdsAsync()).Contains(definition.ProgramId);
        switch (definition.Measure)
        {
            case MeasureKind.Contacts when inScope:
                var contacts = filter.Apply((await scope.ContactsAsync()).Where(c => c.ProgramId == definition.ProgramId && c.Date >= from && c.Date <= to));
                Found = await contacts.CountAsync(ct);
                var listed = await contacts.OrderByDescending(c => c.Date).ThenByDescending(c => c.Time).ThenByDescending(c => c.Id).Skip(skip).Take(take)
                    .Select(c => new { c.Date, c.Time, c.Kind, c.Category, c.Channel, c.WithGuardian, Persons = c.Persons.Select(p => new { p.PersonId, p.Person.Name }).ToList() })
                    .ToListAsync(ct);
                await scope.LogAsync(listed.SelectMany(c => c.Persons.Select(p => p.PersonId)), source);
                Columns = ["日付", "時刻", "種別", "分類", "方法", "保護者", "人"];
                FoundUnit = "件";
                Records = [.. listed.Select(c => new[]
                {
                    FiscalYears.FormatDate(c.Date), c.Time?.ToString("HH:mm", CultureInfo.InvariantCulture) ?? "", c.Kind.Japanese(), c.Category ?? "", c.Channel.Japanese(),
                    c.WithGuardian ? "○" : "", string.Join("、", c.Persons.Select(p => p.Name)),
                })];
                break;
            case MeasureKind.EnrolledPersons when inScope:
                var enrolled = filter.Enrolled(await scope.EnrollmentsAsync(), db.Persons, definition.ProgramId, from, to);
                Found = await enrolled.Select(e => e.PersonId).Distinct().CountAsync(ct);
                var people = await enrolled.OrderBy(e => e.Person.KanaKey).ThenBy(e => e.Id).Skip(skip).Take(take)
                    .Select(e => new { e.PersonId, e.Person.Name, e.Person.Role, e.From, e.To }).ToListAsync(ct);
                await scope.LogAsync(people.Select(p => p.PersonId), source);
                Columns = ["人", "本人区分", "登録日", "終了日"];
                FoundUnit = "人";
                Records = [.. people.Select(p => new[] { p.Name, p.Role.Japanese(), FiscalYears.FormatDate(p.From), p.To is { } t ? FiscalYears.FormatDate(t) : "" })];
                break;
            case MeasureKind.OutcomePersons when inScope:
                var outcomes = filter.Apply((await scope.OutcomesAsync()).Where(o => o.ProgramId == definition.ProgramId && o.FiscalYear == Year));
                Found = await outcomes.CountAsync(ct);
                var results = await outcomes.OrderBy(o => o.Person.KanaKey).ThenBy(o => o.Id).Skip(skip).Take(take).Select(o => new { o.PersonId, o.Person.Name, o.Kind, o.Course }).ToListAsync(ct);
                await scope.LogAsync(results.Select(o => o.PersonId), source);
                Columns = ["人", "進路・結果", "課程"];
                FoundUnit = "人";
                Records = [.. results.Select(o => new[] { o.Name, o.Kind.Japanese(), o.Course ?? "" })];
                break;
            case MeasureKind.ServedPersons or MeasureKind.AttendingPersons when inScope:
                var ids = computer.DistinctPersons(definition, filter, from, to);
                var counted = (await scope.PersonsAsync()).AsNoTracking().Where(p => ids.Contains(p.Id));
                Found = await counted.CountAsync(ct);
                var names = await counted.OrderBy(p => p.KanaKey).ThenBy(p => p.Id).Skip(skip).Take(take).Select(p => new { p.Id, p.Name, p.Role }).ToListAsync(ct);
                await scope.LogAsync(names.Select(p => p.Id), source);
                Columns = ["人", "本人区分"];
                FoundUnit = "人";
                Records = [.. names.Select(p => new[] { p.Name, p.Role.Japanese() })];
                break;
            // Titles, staff and facilities are free text that may name someone: the program's staff read them,
            // everyone else the dates and counts.
            case MeasureKind.Sessions or MeasureKind.Attendances:
                var sessions = filter.Apply(db.Sessions.AsNoTracking().Where(s => s.ProgramId == definition.ProgramId && s.Date >= from && s.Date <= to));
                Found = await sessions.CountAsync(ct);
                var held = await sessions.OrderBy(s => s.Date).ThenBy(s => s.Id).Skip(skip).Take(take)
                    .Select(s => new { s.Date, s.Title, s.Kind, Came = s.Attendances.Count, s.UnregisteredHeadCount }).ToListAsync(ct);
                Columns = inScope ? ["日付", "名称", "種別", "参加（登録者）", "参加（登録外）"] : ["日付", "種別", "参加（登録者）", "参加（登録外）"];
                FoundUnit = "回";
                Records = [.. held.Select(s => new[] { FiscalYears.FormatDate(s.Date), s.Title, SessionText.Japanese(s.Kind), s.Came.ToString(CultureInfo.InvariantCulture), s.UnregisteredHeadCount.ToString(CultureInfo.InvariantCulture) }
                    .Where((_, i) => inScope || i != 1).ToArray())];
                break;
            case MeasureKind.Placements:
                var placements = db.Placements.AsNoTracking().Where(p => p.ProgramId == definition.ProgramId && p.FiscalYear == Year);
                Found = await placements.CountAsync(ct);
                FoundUnit = "名";
                if (!inScope)
                {
                    break;
                }
                Columns = ["配置職員", "配置先"];
                Records = [.. (await placements.OrderBy(p => p.StaffName).ThenBy(p => p.Id).Skip(skip).Take(take)
                        .Select(p => new { p.StaffName, School = db.Schools.Where(s => s.Id == p.SchoolId).Select(s => s.Name).FirstOrDefault(), Office = db.Offices.Where(o => o.Id == p.OfficeId).Select(o => o.Name).FirstOrDefault() })
                        .ToListAsync(ct))
                    .Select(p => new[] { p.StaffName, p.School ?? p.Office ?? "" })];
                break;
            case MeasureKind.Distributions:
                var distributions = db.Distributions.AsNoTracking().Where(x => x.ProgramId == definition.ProgramId && x.Date >= from && x.Date <= to);
                Found = await distributions.CountAsync(ct);
                var given = await distributions.OrderBy(x => x.Date).ThenBy(x => x.Id).Skip(skip).Take(take).ToListAsync(ct);
                Columns = inScope ? ["日付", "配布物", "配布先", "部数"] : ["日付", "部数"];
                FoundUnit = "回";
                Records = [.. given.Select(x => inScope
                    ? new[] { FiscalYears.FormatDate(x.Date), x.Item, x.Facility, x.Copies.ToString(CultureInfo.InvariantCulture) }
                    : [FiscalYears.FormatDate(x.Date), x.Copies.ToString(CultureInfo.InvariantCulture)])];
                break;
            case MeasureKind.NoticedHouseholds:
                // By notice and channel: the systems and days are public, the households are counted, never named.
                var reached = Tsunagu.Notices.Recipients.Reached(db, definition.ProgramId, from, to);
                Found = await reached.Select(x => x.HouseholdId).Distinct().CountAsync(ct);
                var byNotice = await reached.GroupBy(x => new { x.CampaignId, x.Channel, x.Subject })
                    .Select(g => new { g.Key.CampaignId, g.Key.Channel, g.Key.Subject, Households = g.Select(x => x.HouseholdId).Distinct().Count() })
                    .OrderBy(g => g.CampaignId).ThenBy(g => g.Channel).Skip(skip).Take(take).ToListAsync(ct);
                Columns = ["お知らせ", "方法", "世帯数"];
                FoundUnit = "世帯";
                Records = [.. byNotice.Select(g => new[] { g.Subject, Tsunagu.People.ContactDetailsRules.Japanese(g.Channel), g.Households.ToString(CultureInfo.InvariantCulture) })];
                break;
            case MeasureKind.Rate:
                break;
            default:
                PersonalOutOfScope = true;
                break;
        }
        return Page();
    }
}
