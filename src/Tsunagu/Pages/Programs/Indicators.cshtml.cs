using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Calendar;
using Tsunagu.Contacts;
using Tsunagu.Data;
using Tsunagu.Indicators;
using Tsunagu.Programs;

namespace Tsunagu.Pages.Programs;

/// <summary>A program's indicator definitions: every version with the years it applies to; planners add a version from a year.</summary>
public class IndicatorsModel(TsunaguDb db, IndicatorDefinitions definitions, TimeProvider time) : TsunaguPageModel
{
    [BindProperty(SupportsGet = true)]
    public string Code { get; set; } = "";

    public SupportProgram Program { get; private set; } = null!;
    public List<IndicatorDefinition> Versions { get; private set; } = [];
    public IReadOnlyList<string> Categories { get; private set; } = [];
    public List<string> Offices { get; private set; } = [];

    /// <summary>The form, filled again after a refusal, or from a version to change.</summary>
    [BindProperty]
    public DefinitionForm Form { get; set; } = new();

    public sealed class DefinitionForm
    {
        public string Key { get; set; } = "";
        public int FromYear { get; set; }
        public int Position { get; set; }
        public string Label { get; set; } = "";
        public string Unit { get; set; } = "";
        public MeasureKind Measure { get; set; }
        public string? Filter { get; set; }
        public string? NumeratorKey { get; set; }
        public string? DenominatorKey { get; set; }
        public int Decimals { get; set; }
        public string? Wording { get; set; }
        public bool InResults { get; set; } = true;
        public bool Retired { get; set; }
    }

    public async Task<IActionResult> OnGetAsync(int? from, CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return NotFound();
        }
        Form.FromYear = CityClock.CurrentFiscalYear(time);
        if (Versions.FirstOrDefault(v => v.Id == from) is { } start)
        {
            Form = new DefinitionForm
            {
                Key = start.Key,
                FromYear = Form.FromYear,
                Position = start.Position,
                Label = start.Label,
                Unit = start.Unit,
                Measure = start.Measure,
                Filter = start.Filter,
                NumeratorKey = start.NumeratorKey,
                DenominatorKey = start.DenominatorKey,
                Decimals = start.Decimals,
                Wording = start.Wording,
                InResults = start.InResults,
            };
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!CanEdit)
        {
            return Forbid();
        }
        try
        {
            var f = Form;
            var saved = await definitions.SaveAsync(new DefinitionInput(Code, f.Key, f.FromYear, f.Position, f.Label, f.Unit, f.Measure, f.Filter,
                string.IsNullOrWhiteSpace(f.NumeratorKey) ? null : f.NumeratorKey.Trim(), string.IsNullOrWhiteSpace(f.DenominatorKey) ? null : f.DenominatorKey.Trim(),
                f.Decimals, f.Wording, f.InResults, f.Retired), Actor, ct);
            TempData["Message"] = $"「{saved.Label}」の定義 第{saved.Version}版を保存しました（{FiscalYears.Label(saved.FromYear)}から）。";
            return Redirect($"/programs/{Code}/indicators");
        }
        catch (DefinitionException e)
        {
            Errors.Add(e.Message);
            return await LoadAsync(ct) ? Page() : NotFound();
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
        Categories = ContactCategories.For(program);
        Offices = await db.Offices.AsNoTracking().OrderBy(o => o.Id).Select(o => o.Name).ToListAsync(ct);
        return true;
    }
}
