using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Calendar;
using Tsunagu.Contacts;
using Tsunagu.Data;
using Tsunagu.Indicators;
using Tsunagu.Programs;
using Tsunagu.Reports;

namespace Tsunagu.Pages.Programs;

/// <summary>
/// A program's indicator definitions: every version with the years it applies to; planners add a version from a year
/// through a form of lists (what is counted, the conditions' values, a rate's parts by their labels), preview it, and
/// save it. What is stored and audited is the definition's text form (「分類=女性相談; 方法=電話」), as before.
/// </summary>
public class IndicatorsModel(TsunaguDb db, IndicatorDefinitions definitions, TimeProvider time) : TsunaguPageModel
{
    /// <summary>The value a wording's example is shown with: a count, or a rate's percentage.</summary>
    public static decimal Sample(MeasureKind measure) => measure == MeasureKind.Rate ? 98.5m : 123m;

    [BindProperty(SupportsGet = true)]
    public string Code { get; set; } = "";

    public SupportProgram Program { get; private set; } = null!;
    public List<IndicatorDefinition> Versions { get; private set; } = [];

    /// <summary>The program's indicators (latest version of each key): a rate's parts are picked from them by label.</summary>
    public List<IndicatorDefinition> Indicators { get; private set; } = [];
    public Dictionary<(int ProgramId, string Key), string> Labels { get; private set; } = [];

    /// <summary>Each condition's field with the words it may be: the conditions are ticked, not typed.</summary>
    public List<(string Field, IReadOnlyList<string> Choices, IReadOnlyList<MeasureKind> Measures)> Fields { get; private set; } = [];

    public IReadOnlyList<int> Years { get; private set; } = [];

    Dictionary<string, int> officeIds = [];

    /// <summary>After 確認: the version as it would be saved.</summary>
    public IndicatorDefinition? Preview { get; private set; }

    /// <summary>The form, filled again after a refusal or a preview, or from a version to change.</summary>
    [BindProperty]
    public DefinitionForm Form { get; set; } = new();

    public sealed class DefinitionForm
    {
        /// <summary>Empty for a new indicator (a key is made for it); the indicator's when changing it.</summary>
        public string? Key { get; set; }

        /// <summary>The version the form was started from (0 for a new indicator): another saved since is a conflict.</summary>
        public int BasedOn { get; set; }

        public int FromYear { get; set; }
        public int Position { get; set; }
        public string? Label { get; set; }
        public string? Unit { get; set; }
        public MeasureKind Measure { get; set; }

        /// <summary>The conditions ticked, each 「項目=値」.</summary>
        public List<string> Conditions { get; set; } = [];
        public string? NumeratorKey { get; set; }
        public string? DenominatorKey { get; set; }
        public int Decimals { get; set; }

        /// <summary>As written on the form: 「［指標名］:［値］［単位］」.</summary>
        public string? Wording { get; set; }
        public bool InResults { get; set; } = true;
        public bool Retired { get; set; }

        /// <summary>The conditions as the definition's text: 「種別=家庭訪問,同行支援; 方法=電話」, fields in the order ticked.</summary>
        public string Filter() => string.Join("; ", Conditions.Select(c => c.Split('=', 2)).Where(p => p.Length == 2)
            .GroupBy(p => p[0]).Select(g => $"{g.Key}={string.Join(",", g.Select(p => p[1]))}"));
    }

    public async Task<IActionResult> OnGetAsync(int? from, CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return NotFound();
        }
        Form.FromYear = CityClock.CurrentFiscalYear(time);
        Form.Wording = IndicatorDefinition.WordingAsWritten(IndicatorDefinition.DefaultWording);
        if (Versions.FirstOrDefault(v => v.Id == from) is { } start)
        {
            Form = new DefinitionForm
            {
                Key = start.Key,
                BasedOn = LatestVersion(start.Key),
                FromYear = Form.FromYear,
                Position = start.Position,
                Label = start.Label,
                Unit = start.Unit,
                Measure = start.Measure,
                Conditions = ConditionsOf(start),
                NumeratorKey = start.NumeratorKey,
                DenominatorKey = start.DenominatorKey,
                Decimals = start.Decimals,
                Wording = IndicatorDefinition.WordingAsWritten(start.Wording),
                InResults = start.InResults,
            };
        }
        return Page();
    }

    /// <summary>
    /// A version's conditions as the form's boxes: its filter read as the screens word it (「Phone」 stored by a file is
    /// the box 「電話」). A filter the lists no longer hold (an office since removed) is said, not silently dropped.
    /// </summary>
    List<string> ConditionsOf(IndicatorDefinition version)
    {
        var text = version.Filter;
        try
        {
            text = MeasureFilter.Parse(version.Filter, version.Measure, ContactCategories.For(Program), officeIds).Text;
        }
        catch (DefinitionException e)
        {
            Errors.Add($"この版の条件「{version.Filter}」の一部は、いまの一覧にありません（{e.Message}）。保存する前に条件を選び直してください。");
        }
        return [.. Records.ConditionText.Split(text, message => new DefinitionException(message)).SelectMany(f => f.Values.Select(v => $"{f.Field}={v}"))];
    }

    /// <summary>The indicator's latest version (0 if it has none).</summary>
    int LatestVersion(string? key) => Versions.Where(v => v.Key == key).Select(v => v.Version).DefaultIfEmpty().Max();

    /// <summary>確認: the version as it would be saved, checked by the same rules, and nothing saved.</summary>
    public Task<IActionResult> OnPostPreviewAsync(CancellationToken ct) => SubmitAsync(save: false, ct);

    public Task<IActionResult> OnPostAsync(CancellationToken ct) => SubmitAsync(save: true, ct);

    async Task<IActionResult> SubmitAsync(bool save, CancellationToken ct)
    {
        if (!CanEdit)
        {
            return Forbid();
        }
        var f = Form;
        try
        {
            // A new indicator gets a key of its own (and so no version to be stale against); a change names its key and version.
            var key = string.IsNullOrWhiteSpace(f.Key) ? await definitions.NewKeyAsync(Code, f.Measure, ct) : f.Key.Trim();
            var input = new DefinitionInput(Code, key, f.FromYear, f.Position, f.Label ?? "", f.Unit ?? "", f.Measure, f.Filter(),
                string.IsNullOrWhiteSpace(f.NumeratorKey) ? null : f.NumeratorKey.Trim(), string.IsNullOrWhiteSpace(f.DenominatorKey) ? null : f.DenominatorKey.Trim(),
                f.Decimals, f.Wording, f.InResults, f.Retired, string.IsNullOrWhiteSpace(f.Key) ? null : f.BasedOn);
            if (!save)
            {
                Preview = (await definitions.CheckAsync(input, Actor, ct)).Definition;
                return await LoadAsync(ct) ? Page() : NotFound();
            }
            var saved = await definitions.SaveAsync(input, Actor, ct);
            TempData["Message"] = $"「{saved.Label}」の定義 第{saved.Version}版を保存しました（{FiscalYears.Label(saved.FromYear)}から）。";
            return Redirect($"/programs/{Code}/indicators");
        }
        catch (RefusalException e) when (e is DefinitionException or StaleVersionException)
        {
            Errors.Add(e.Message);
            if (!await LoadAsync(ct))
            {
                return NotFound();
            }
            if (e is StaleVersionException)
            {
                // The form keeps what was typed, now on the version saved since: saving again is a decision.
                Form.BasedOn = LatestVersion(f.Key?.Trim());
                Response.StatusCode = StatusCodes.Status409Conflict;
            }
            else
            {
                Response.StatusCode = StatusCodes.Status400BadRequest;
            }
            return Page();
        }
    }

    async Task<bool> LoadAsync(CancellationToken ct)
    {
        var program = await db.Programs.AsNoTracking().SingleOrDefaultAsync(p => p.Code == Code, ct);
        if (program is null)
        {
            return false;
        }
        Program = program;
        Versions = await db.IndicatorDefinitions.AsNoTracking().Where(d => d.ProgramId == program.Id)
            .OrderBy(d => d.Position).ThenBy(d => d.Key).ThenByDescending(d => d.Version).ToListAsync(ct);
        Indicators = [.. Versions.GroupBy(v => v.Key).Select(g => g.MaxBy(v => v.Version)!).Where(d => d.Measure != MeasureKind.Rate && !d.Retired)];
        Labels = IndicatorDefinitions.Labels(Versions);
        officeIds = await db.Offices.AsNoTracking().OrderBy(o => o.Id).ToDictionaryAsync(o => o.Name, o => o.Id, ct);
        var categories = ContactCategories.For(program);
        Fields = [.. Enum.GetValues<MeasureKind>().SelectMany(m => Measure.Of(m).FilterFields).Distinct()
            .Select(field => (field, MeasureFilter.Choices(field, categories, officeIds),
                (IReadOnlyList<MeasureKind>)[.. Enum.GetValues<MeasureKind>().Where(m => Measure.Of(m).FilterFields.Contains(field))]))
            .Where(f => f.Item2.Count > 0)];
        var current = CityClock.CurrentFiscalYear(time);
        var first = Math.Min(current - 1, await db.Reports.MinAsync(r => (int?)r.FiscalYear, ct) ?? current);
        Years = [.. Enumerable.Range(first, current + 2 - first).Reverse()];
        return true;
    }
}
