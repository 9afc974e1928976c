using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Data;
using Tsunagu.People;
using Tsunagu.Places;

namespace Tsunagu.Pages.People;

/// <summary>
/// 閲覧制限と共有: who may find the person. A restriction with its kind and the workers named on it; the cases of
/// office-run programs and the other offices they are shared with.
/// </summary>
public class RestrictionModel(TsunaguDb db, RecordScope scope, RestrictionService restrictions) : TsunaguPageModel
{
    [BindProperty(SupportsGet = true)]
    public int Id { get; set; }

    public Person Person { get; private set; } = null!;
    public List<StaffMember> Candidates { get; private set; } = [];
    public HashSet<string> Named { get; private set; } = [];
    public List<Enrollment> OfficeCases { get; private set; } = [];
    public ILookup<int, CaseShare> Shares { get; private set; } = Array.Empty<CaseShare>().ToLookup(s => s.EnrollmentId);
    public List<Office> Offices { get; private set; } = [];
    public bool IsManager => scope.IsInRole(Roles.Manager);

    public string OfficeName(int id) => Offices.FirstOrDefault(o => o.Id == id)?.Name ?? id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public async Task<IActionResult> OnGetAsync() =>
        await LoadAsync("GET /people/{id}/restriction") ? Page() : NotFound();

    public Task<IActionResult> OnPostRestrictAsync(RestrictionKind? kind) =>
        WriteAsync("restrict", () => restrictions.RestrictAsync(Id, kind), "閲覧制限をかけました。この記録は、名前のある職員と事業の管理者だけが見られます。");

    public Task<IActionResult> OnPostLiftAsync(string? reason) =>
        WriteAsync("lift", () => restrictions.LiftAsync(Id, reason), "閲覧制限を解除しました。");

    public Task<IActionResult> OnPostNameAsync(string? userId, bool named) =>
        WriteAsync("name", () => restrictions.NameAsync(Id, userId, named), named ? "閲覧できる職員に加えました。" : "閲覧できる職員から外しました。");

    public Task<IActionResult> OnPostShareAsync(int enrollmentId, int? officeId, string? reason) =>
        WriteAsync("share", () => restrictions.ShareAsync(enrollmentId, officeId, reason), "他の事業所と共有しました。");

    public Task<IActionResult> OnPostUnshareAsync(int enrollmentId, int officeId) =>
        WriteAsync("unshare", () => restrictions.UnshareAsync(enrollmentId, officeId), "共有を終えました。");

    async Task<IActionResult> WriteAsync(string what, Func<Task> write, string message)
    {
        if (!await LoadAsync($"POST /people/{{id}}/restriction ({what})"))
        {
            return NotFound();
        }
        return await WriteRecordsAsync(async () =>
        {
            await write();
            // Taken off one's own restricted record, the person is out of sight: back to the caseload.
            return await (await scope.PersonsAsync()).AnyAsync(p => p.Id == Id) ? $"/people/{Id}/restriction" : "/caseload";
        }, message);
    }

    async Task<bool> LoadAsync(string source)
    {
        var person = await scope.ReadPersonAsync(Id, source);
        if (person is null)
        {
            return false;
        }
        Person = person;
        Candidates = await restrictions.CandidatesAsync(Id);
        Named = [.. await restrictions.NamedAsync(Id)];
        OfficeCases = await (await scope.EnrollmentsAsync()).AsNoTracking().Include(e => e.Program)
            .Where(e => e.PersonId == Id && e.OfficeId != null).OrderBy(e => e.From).ToListAsync();
        var ids = OfficeCases.Select(e => e.Id).ToList();
        Shares = (await db.CaseShares.AsNoTracking().Where(s => ids.Contains(s.EnrollmentId)).ToListAsync()).ToLookup(s => s.EnrollmentId);
        Offices = await db.Offices.AsNoTracking().OrderBy(o => o.Kind).ThenBy(o => o.Name).ToListAsync();
        return true;
    }
}
