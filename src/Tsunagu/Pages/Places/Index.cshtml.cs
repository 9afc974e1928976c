using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Audit;
using Tsunagu.Data;
using Tsunagu.Places;

namespace Tsunagu.Pages.Places;

/// <summary>
/// The masters every record points at: schools (MEXT codes) and offices. No personal data, so every signed-in user
/// reads it; the administrator loads the school list and adds offices.
/// </summary>
[UploadLimit]
public class IndexModel(TsunaguDb db, SchoolList schoolList, UploadStore uploads, TimeProvider time) : TsunaguPageModel
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
        name = name?.Trim() ?? "";
        // Full-width digits are what a Japanese keyboard often gives.
        wardCode = string.IsNullOrWhiteSpace(wardCode) ? null : wardCode.Trim().Normalize(System.Text.NormalizationForm.FormKC);
        if (name.Length == 0)
        {
            Errors.Add("名称を入力してください。");
        }
        else if (wardCode is not null && !MunicipalityCode.IsValid(wardCode))
        {
            Errors.Add($"区のコード {wardCode} は正しい団体コードではありません（6桁、検査数字つき）。");
        }
        else if (await db.Offices.AnyAsync(o => o.Name == name))
        {
            Errors.Add($"「{name}」はすでにあります。");
        }
        if (Errors.Count > 0)
        {
            await LoadAsync();
            return Page();
        }
        db.Offices.Add(new Office { Name = name, Kind = kind, WardCode = wardCode });
        db.Audit(time, Actor, Tsunagu.Audit.AuditActions.OfficeAdd, subject: name, after: kind.Japanese());
        await db.SaveChangesAsync();
        TempData["Message"] = $"「{name}」を追加しました。";
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
