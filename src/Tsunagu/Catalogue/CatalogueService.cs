using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Audit;
using Tsunagu.Calendar;
using Tsunagu.Data;
using Tsunagu.Records;

namespace Tsunagu.Catalogue;

/// <summary>A window as typed on the form: the dates and the targeting rule in the screens' words.</summary>
public sealed record WindowInput(string? Label, DateOnly? Opens, DateOnly? Closes, string? Target);

/// <summary>A support system as typed on the form (or read from a catalogue file).</summary>
/// <param name="Version">The version the form was filled from (<see cref="SupportScheme.Version"/>); null for a new system.</param>
public sealed record SchemeInput(
    int FiscalYear, string? Key, string? Name, string? Summary, string? EasySummary, string? WhoCanApply, string? HowToApply, string? ContactPoint,
    int ProgramId, LifeSituation Situations, IReadOnlyList<WindowInput> Windows, int? Version = null)
{
    /// <summary>A row of the form left empty is not a window; the others keep their row numbers for the messages.</summary>
    public static bool IsBlank(WindowInput w) => w.Opens is null && w.Closes is null && string.IsNullOrWhiteSpace(w.Label) && string.IsNullOrWhiteSpace(w.Target);
}

/// <summary>
/// The catalogue of support (支援制度), per fiscal year: read by everyone who reads reports, edited by planners and by the
/// manager of the responsible program; every change audited (public information, so the audit may name it).
/// </summary>
public sealed partial class CatalogueService(TsunaguDb db, RecordScope scope, TimeProvider time)
{
    public const int TextMax = 2_000;
    public const int WindowsMax = 6;

    public async Task<List<SupportScheme>> ListAsync(int fiscalYear, CancellationToken ct = default) =>
        await db.SupportSchemes.AsNoTracking().Include(s => s.Program).Include(s => s.Windows.OrderBy(w => w.Opens))
            .Where(s => s.FiscalYear == fiscalYear).OrderBy(s => s.Name).ToListAsync(ct);

    public async Task<SupportScheme?> FindAsync(int id, CancellationToken ct = default) =>
        await db.SupportSchemes.AsNoTracking().Include(s => s.Program).Include(s => s.Windows.OrderBy(w => w.Opens)).SingleOrDefaultAsync(s => s.Id == id, ct);

    /// <summary>Planners edit the whole catalogue; a program's manager the systems their program is responsible for.</summary>
    public async Task<bool> MayEditAsync(int programId) =>
        scope.IsInRole(Roles.Planner) || scope.IsInRole(Roles.Manager) && (await scope.ProgramIdsAsync()).Contains(programId);

    /// <summary>Adds a system (<paramref name="id"/> null) or replaces one's text and windows; checked whole before anything is written.</summary>
    public async Task<SupportScheme> SaveAsync(int? id, SchemeInput input, CancellationToken ct = default)
    {
        var scheme = id is { } existing
            ? await db.SupportSchemes.Include(s => s.Windows).SingleOrDefaultAsync(s => s.Id == existing, ct) ?? throw new RecordNotFoundException("その支援制度はありません。")
            : null;
        if (scheme is not null && !await MayEditAsync(scheme.ProgramId) || !await MayEditAsync(input.ProgramId))
        {
            throw new RecordAccessException("支援制度を編集できるのは、企画担当と、担当事業の事業担当です。");
        }
        return await WriteAsync(scheme, input, ct);
    }

    /// <summary>The save itself, for a user allowed to (or the operator at the server, loading the demo).</summary>
    async Task<SupportScheme> WriteAsync(SupportScheme? scheme, SchemeInput input, CancellationToken ct)
    {
        var id = scheme?.Id;
        var programs = await db.Programs.AsNoTracking().ToListAsync(ct);
        var key = input.Key?.Trim().ToLowerInvariant() ?? "";
        RecordRules.Require(
            ("fiscalYear", "年度", RecordRules.FiscalYear(input.FiscalYear, time)),
            ("key", "英字の名前（URL）", !KeyShape().IsMatch(key) ? "半角の英小文字・数字・ハイフンで、60文字までです（例 shingaku-challenge）。"
                : await db.SupportSchemes.AnyAsync(s => s.FiscalYear == input.FiscalYear && s.Key == key && s.Id != (id ?? 0), ct) ? "この年度にすでに使われています。" : null),
            ("name", "名称", RecordRules.Line(input.Name, RecordRules.TitleMax, required: true)),
            ("summary", "概要", RecordRules.Note(input.Summary, TextMax, required: true)),
            ("easySummary", "やさしい日本語", RecordRules.Note(input.EasySummary, TextMax)),
            ("whoCanApply", "対象となる方", RecordRules.Note(input.WhoCanApply, TextMax, required: true)),
            ("howToApply", "申し込み方法", RecordRules.Note(input.HowToApply, TextMax, required: true)),
            ("contactPoint", "問い合わせ先", RecordRules.Note(input.ContactPoint, TextMax, required: true)),
            ("programId", "担当事業", programs.Any(p => p.Id == input.ProgramId) ? null : "一覧から選んでください。"),
            ("situations", "暮らしの場面", (input.Situations & ~AllSituations) != 0 ? "一覧から選んでください。" : null),
            ("windows", "申込期間", input.Windows.Count(w => !SchemeInput.IsBlank(w)) > WindowsMax ? $"{WindowsMax}つまでです。" : null));
        if (scheme is not null && input.Version is { } version && version != scheme.Version)
        {
            throw new StaleRecordException();
        }
        // A window belongs to its fiscal year: it may open up to half a year before it and close up to a year after.
        DateOnly earliest = FiscalYears.Start(input.FiscalYear).AddMonths(-6), latest = FiscalYears.End(input.FiscalYear).AddYears(1);
        string? Within(DateOnly? day) => day < earliest || day > latest
            ? $"{FiscalYears.Label(input.FiscalYear)}の申込期間は{FiscalYears.FormatDate(earliest)}から{FiscalYears.FormatDate(latest)}までです。" : null;
        var windows = new List<ApplicationWindow>();
        foreach (var (window, i) in input.Windows.Select((w, i) => (w, i + 1)).Where(x => !SchemeInput.IsBlank(x.w)))
        {
            RecordRules.Require(
                ($"windows[{i}].label", $"申込期間{i}の名前", RecordRules.Line(window.Label, RecordRules.CategoryMax)),
                ($"windows[{i}].opens", $"申込期間{i}の開始日", window.Opens is null ? "入力してください。" : Within(window.Opens)),
                ($"windows[{i}].closes", $"申込期間{i}の終了日", window.Closes is null ? "入力してください。" : window.Closes < window.Opens ? "開始日より前です。" : Within(window.Closes)));
            TargetRule? rule;
            try
            {
                rule = string.IsNullOrWhiteSpace(window.Target) ? null : TargetRule.Parse(window.Target, programs);
            }
            catch (RecordInputException e)
            {
                throw new RecordInputException($"windows[{i}].target", $"申込期間{i}の{e.Message}");
            }
            windows.Add(new ApplicationWindow { Label = string.IsNullOrWhiteSpace(window.Label) ? null : window.Label.Trim(), Opens = window.Opens!.Value, Closes = window.Closes!.Value, Target = rule?.Text });
        }
        var before = scheme is null ? null : Describe(scheme, programs);
        if (scheme is not null)
        {
            await Notices.CampaignService.FollowCatalogueAsync(db, scheme, windows, input.ProgramId, scope, ct);
        }
        else
        {
            scheme = new SupportScheme { Key = key, Name = "", Summary = "", WhoCanApply = "", HowToApply = "", ContactPoint = "" };
            db.Add(scheme);
        }
        scheme.FiscalYear = input.FiscalYear;
        scheme.Key = key;
        scheme.Name = input.Name!.Trim();
        scheme.Summary = input.Summary!.Trim();
        scheme.EasySummary = string.IsNullOrWhiteSpace(input.EasySummary) ? null : input.EasySummary.Trim();
        scheme.WhoCanApply = input.WhoCanApply!.Trim();
        scheme.HowToApply = input.HowToApply!.Trim();
        scheme.ContactPoint = input.ContactPoint!.Trim();
        scheme.ProgramId = input.ProgramId;
        scheme.Situations = input.Situations;
        scheme.UpdatedAt = time.GetUtcNow();
        // Windows are updated in place, row by row: their ids stay, and with them the calendar's UIDs and the feed's entries.
        var existing = scheme.Windows.OrderBy(w => w.Id).ToList();
        for (var i = 0; i < windows.Count; i++)
        {
            if (i < existing.Count)
            {
                (existing[i].Label, existing[i].Opens, existing[i].Closes, existing[i].Target) = (windows[i].Label, windows[i].Opens, windows[i].Closes, windows[i].Target);
            }
            else
            {
                scheme.Windows.Add(windows[i]);
            }
        }
        foreach (var surplus in existing.Skip(windows.Count))
        {
            scheme.Windows.Remove(surplus);
            db.Remove(surplus);
        }
        scope.Audit(AuditActions.CatalogueSave, programs.Single(p => p.Id == input.ProgramId).Code, scheme.AuditSubject(), Describe(scheme, programs), before, input.FiscalYear);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e is not DbUpdateConcurrencyException)
        {
            // Another planner took the same key at the same moment (the unique index); anything else is a fault.
            db.ChangeTracker.Clear();
            if (await db.SupportSchemes.AsNoTracking().AnyAsync(s => s.FiscalYear == input.FiscalYear && s.Key == key && s.Id != (id ?? 0), ct))
            {
                throw new RecordInputException("key", "英字の名前（URL）: この年度にすでに使われています。");
            }
            throw;
        }
        return scheme;
    }

    static readonly LifeSituation AllSituations = Enum.GetValues<LifeSituation>().Aggregate(LifeSituation.None, (all, s) => all | s);

    /// <summary>Every field, as published: who changed a contact point or a date is on record (public information).</summary>
    static string Describe(SupportScheme s, IEnumerable<Programs.SupportProgram> programs) =>
        $"{s.Key} {s.Name}／担当 {programs.FirstOrDefault(p => p.Id == s.ProgramId)?.Code}／場面 {s.Situations.Japanese()}／概要 {s.Summary}／やさしい日本語 {s.EasySummary}／対象 {s.WhoCanApply}／方法 {s.HowToApply}／問い合わせ {s.ContactPoint}／"
        + string.Join(" ", s.Windows.OrderBy(w => w.Opens).Select(w =>
            $"[{w.Label} {w.Opens.ToString("O", CultureInfo.InvariantCulture)}〜{w.Closes.ToString("O", CultureInfo.InvariantCulture)} {w.Target}]"));

    /// <summary>
    /// The demo city's catalogue for a year (five systems with invented but plausible windows), as a planner would enter
    /// it; refused where the year has a catalogue already.
    /// </summary>
    public async Task<int> LoadDemoAsync(int fiscalYear, CancellationToken ct = default)
    {
        if (await db.SupportSchemes.AnyAsync(s => s.FiscalYear == fiscalYear, ct))
        {
            throw new RecordConflictException($"{FiscalYears.Label(fiscalYear)}の支援制度はすでにあります。");
        }
        using var stream = typeof(CatalogueService).Assembly.GetManifestResourceStream("Tsunagu.CityData.demo-catalogue.json")
            ?? throw new InvalidOperationException("The demo catalogue is not embedded.");
        var entries = await JsonSerializer.DeserializeAsync<List<DemoEntry>>(stream, DemoJson, ct) ?? [];
        var programs = await db.Programs.AsNoTracking().ToDictionaryAsync(p => p.Code, p => p.Id, ct);
        // "MM-DD" in the fiscal year: April to December in its first calendar year, January to March in the next.
        DateOnly Day(string monthDay)
        {
            var date = DateOnly.ParseExact($"2000-{monthDay}", "yyyy-MM-dd", CultureInfo.InvariantCulture);
            return new DateOnly(date.Month >= 4 ? fiscalYear : fiscalYear + 1, date.Month, date.Month == 2 && date.Day == 29 ? 28 : date.Day);
        }
        foreach (var e in entries)
        {
            await WriteAsync(null, new SchemeInput(fiscalYear, e.Key, e.Name, e.Summary, e.Easy, e.Who, e.How, e.Contact,
                programs.GetValueOrDefault(e.Program, -1), e.Situations.Aggregate(LifeSituation.None, (all, s) => all | Enum.Parse<LifeSituation>(s)),
                [.. e.Windows.Select(w => new WindowInput(w.Label, Day(w.Opens), Day(w.Closes), w.Target))]), ct);
        }
        return entries.Count;
    }

    static readonly JsonSerializerOptions DemoJson = new(JsonSerializerDefaults.Web);

    sealed record DemoEntry(string Key, string Name, string Program, List<string> Situations, string Summary, string? Easy, string Who, string How,
        string Contact, List<DemoWindow> Windows);

    sealed record DemoWindow(string? Label, string Opens, string Closes, string? Target);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,59}$")]
    private static partial Regex KeyShape();
}
