using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Calendar;
using Tsunagu.Catalogue;
using Tsunagu.Data;

namespace Tsunagu.Pages.Catalogue;

/// <summary>A support system added or edited, with its windows and their targeting rules (checked when saved).</summary>
public class EditModel(TsunaguDb db, CatalogueService catalogue, TimeProvider time) : TsunaguPageModel
{
    /// <summary>Rows for windows on the form; a system with more is rare (the service takes up to six).</summary>
    public const int WindowRows = 4;

    [BindProperty(SupportsGet = true)]
    public int? Id { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? Year { get; set; }

    [BindProperty]
    public SchemeForm Form { get; set; } = new();

    public sealed class SchemeForm
    {
        public int FiscalYear { get; set; }
        public string? Key { get; set; }
        public string? Name { get; set; }
        public string? Summary { get; set; }
        public string? EasySummary { get; set; }
        public string? WhoCanApply { get; set; }
        public string? HowToApply { get; set; }
        public string? ContactPoint { get; set; }
        public int ProgramId { get; set; }
        public List<LifeSituation> Situations { get; set; } = [];
        public List<WindowForm> Windows { get; set; } = [];

        /// <summary>The version of the system the form was filled from: another editor's save in between is not overwritten.</summary>
        public int Version { get; set; }
    }

    public sealed class WindowForm
    {
        public string? Label { get; set; }
        public DateOnly? Opens { get; set; }
        public DateOnly? Closes { get; set; }
        public string? Target { get; set; }
    }

    public List<Tsunagu.Programs.SupportProgram> Programs { get; private set; } = [];
    public bool MayEdit { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (Id is { } id)
        {
            if (await catalogue.FindAsync(id, ct) is not { } scheme)
            {
                return NotFound();
            }
            Form = new SchemeForm
            {
                FiscalYear = scheme.FiscalYear,
                Key = scheme.Key,
                Name = scheme.Name,
                Summary = scheme.Summary,
                EasySummary = scheme.EasySummary,
                WhoCanApply = scheme.WhoCanApply,
                HowToApply = scheme.HowToApply,
                ContactPoint = scheme.ContactPoint,
                ProgramId = scheme.ProgramId,
                Situations = [.. scheme.Situations.Each()],
                Windows = [.. scheme.Windows.OrderBy(w => w.Id).Select(w => new WindowForm { Label = w.Label, Opens = w.Opens, Closes = w.Closes, Target = w.Target })],
                Version = scheme.Version,
            };
        }
        else
        {
            Form.FiscalYear = Year is >= 2000 and <= 2100 ? Year.Value : CityClock.CurrentFiscalYear(time);
        }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        // Every row, blank ones too: the service skips those and names the others by their row.
        var windows = Form.Windows.Select(w => new WindowInput(w.Label, w.Opens, w.Closes, w.Target)).ToList();
        var input = new SchemeInput(Form.FiscalYear, Form.Key, Form.Name, Form.Summary, Form.EasySummary, Form.WhoCanApply, Form.HowToApply, Form.ContactPoint,
            Form.ProgramId, Form.Situations.Aggregate(LifeSituation.None, (all, s) => all | s), windows, Id is null ? null : Form.Version);
        return await WriteRecordsAsync(async () =>
        {
            var saved = await catalogue.SaveAsync(Id, input, ct);
            return $"/catalogue?year={saved.FiscalYear}";
        }, $"「{Form.Name?.Trim()}」を保存しました。");
    }

    async Task LoadAsync(CancellationToken ct)
    {
        Programs = await db.Programs.AsNoTracking().OrderBy(p => p.Code).ToListAsync(ct);
        MayEdit = await catalogue.MayEditAsync(Form.ProgramId) || Id is null && (User.IsInRole(Access.Roles.Planner) || User.IsInRole(Access.Roles.Manager));
        while (Form.Windows.Count < WindowRows)
        {
            Form.Windows.Add(new WindowForm());
        }
    }
}
