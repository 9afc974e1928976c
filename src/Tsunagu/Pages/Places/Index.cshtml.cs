using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Data;
using Tsunagu.Places;

namespace Tsunagu.Pages.Places;

/// <summary>
/// The masters every record points at: schools (MEXT codes) and offices. No personal data, so every signed-in user
/// reads it; the administrator loads the school list and adds offices.
/// </summary>
[UploadLimit]
public class IndexModel(TsunaguDb db, SchoolList schoolList, OfficeList offices, UploadStore uploads, TimeProvider time) : TsunaguPageModel
{
    public List<School> Schools { get; private set; } = [];
    public List<Office> Offices { get; private set; } = [];
    public SchoolListResult? Loaded { get; private set; }
    public bool CanAdminister => User.IsInRole(Roles.Admin);

    [BindProperty(SupportsGet = true)]
    public SchoolType? Type { get; set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostSchoolsAsync(IFormFile? file, CancellationToken ct)
    {
        if (!CanAdminister)
        {
            return Forbid();
        }
        if (file is null || file.Length == 0)
        {
            Errors.Add("学校コードの一覧（.csv または .xlsx）を選んでください。");
        }
        else
        {
            Loaded = await uploads.WithFileAsync(file, UploadOwner("schools"), path => schoolList.LoadAsync(path, Actor, time, ct), ct);
        }
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostOfficeAsync(string? name, OfficeKind kind, string? wardCode)
    {
        if (!CanAdminister)
        {
            return Forbid();
        }
        // Full-width digits are what a Japanese keyboard often gives: OfficeList folds them, as for a file's rows.
        if (await offices.AddAsync(name, kind, wardCode, Actor, time) is { } problem)
        {
            Errors.Add(problem);
            await LoadAsync();
            return Page();
        }
        TempData["Message"] = $"「{name!.Trim()}」を追加しました。";
        return Redirect("/places#offices");
    }

    async Task LoadAsync()
    {
        var schools = db.Schools.AsNoTracking();
        if (Type is { } type)
        {
            schools = schools.Where(s => s.Type == type);
        }
        Schools = await schools.OrderBy(s => s.Type).ThenBy(s => s.Code).ToListAsync();
        Offices = await db.Offices.AsNoTracking().OrderBy(o => o.Kind).ThenBy(o => o.Name).ToListAsync();
    }
}
