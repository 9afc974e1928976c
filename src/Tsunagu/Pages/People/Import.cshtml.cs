using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Data;
using Tsunagu.Programs;
using Tsunagu.Records.Import;

namespace Tsunagu.Pages.People;

/// <summary>A program manager's upload of the program's old spreadsheet: checked, previewed, then applied.</summary>
[UploadLimit]
public class ImportModel(TsunaguDb db, RecordScope scope, RecordImporter importer, UploadStore uploads) : TsunaguPageModel
{
    [BindProperty]
    public int ProgramId { get; set; }

    public List<SupportProgram> Programs { get; private set; } = [];
    public RecordImportResult? Result { get; private set; }
    public bool Applied { get; private set; }
    public string? Token { get; private set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : Forbid();

    public async Task<IActionResult> OnPostPreviewAsync(IFormFile? file, CancellationToken ct)
    {
        if (!await LoadAsync())
        {
            return Forbid();
        }
        if (file is null || file.Length == 0)
        {
            Errors.Add("ファイルを選んでください。");
            return Page();
        }
        var program = Programs.SingleOrDefault(p => p.Id == ProgramId);
        if (program is null)
        {
            Errors.Add("担当の事業を選んでください。");
            return Page();
        }
        var visible = await scope.ProgramIdsAsync();
        (Token, _, Result) = await uploads.PreviewAsync(file, UploadOwner($"records:{program.Code}"),
            path => importer.ImportAsync(path, program.Code, Actor, visible, dryRun: true, ct), r => r.Succeeded, ct);
        await LogShownAsync("POST /people/import (preview)");
        return Page();
    }

    public async Task<IActionResult> OnPostApplyAsync(string token, CancellationToken ct)
    {
        if (!await LoadAsync())
        {
            return Forbid();
        }
        var program = Programs.SingleOrDefault(p => p.Id == ProgramId);
        var path = program is null ? null : uploads.Find(token, UploadOwner($"records:{program.Code}"));
        if (program is null || path is null)
        {
            Errors.Add("アップロードしたファイルが見つかりません。もう一度アップロードしてください。");
            return Page();
        }
        var visible = await scope.ProgramIdsAsync();
        try
        {
            Result = await uploads.UseAsync(path, file => importer.ImportAsync(file, program.Code, Actor, visible, dryRun: false, ct));
        }
        finally
        {
            UploadStore.Remove(path);
        }
        Applied = Result.Succeeded;
        await LogShownAsync("POST /people/import (apply)");
        return Page();
    }

    public async Task<IActionResult> OnPostCancelAsync(string token)
    {
        if (!await LoadAsync())
        {
            return Forbid();
        }
        if (Programs.SingleOrDefault(p => p.Id == ProgramId) is { } program)
        {
            uploads.Cancel(token, UploadOwner($"records:{program.Code}"));
        }
        return RedirectToPage();
    }

    /// <summary>The registered persons the result points to are shown (by number, with a link): a read like any other.</summary>
    Task LogShownAsync(string source) => Result is { } result ? scope.LogAsync(result.Doubtful.Select(d => d.ExistingPersonId), source) : Task.CompletedTask;

    /// <summary>Managers only, and only for the programs they are assigned to.</summary>
    async Task<bool> LoadAsync()
    {
        if (!User.IsInRole(Roles.Manager))
        {
            return false;
        }
        var ids = await scope.ProgramIdsAsync();
        Programs = await db.Programs.AsNoTracking().Where(p => ids.Contains(p.Id)).OrderBy(p => p.Code).ToListAsync();
        return true;
    }
}
