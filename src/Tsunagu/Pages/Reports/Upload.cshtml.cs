using Microsoft.AspNetCore.Mvc;
using Tsunagu.Reports;

namespace Tsunagu.Pages.Reports;

/// <summary>
/// Upload of a year's table: the file is kept in a folder of its own under a random token, imported once as a
/// dry run to show what would change, and imported for real only when the planner confirms.
/// </summary>
[UploadLimit]
public class UploadModel(ReportImporter importer, UploadStore uploads) : TsunaguPageModel
{
    [BindProperty(SupportsGet = true)]
    public int? FiscalYear { get; set; }

    /// <summary>Whether program names not known yet become new programs (else they are listed and nothing is imported).</summary>
    [BindProperty]
    public bool NewPrograms { get; set; }

    public string? Token { get; private set; }

    /// <summary>The preview's file opens only for what was previewed: this planner, this year, this choice about new programs.</summary>
    string Owner => UploadOwner($"report:{FiscalYear}:{NewPrograms}");
    public string? FileName { get; private set; }
    public ImportResult? Result { get; private set; }

    public IActionResult OnGet() => CanEdit ? Page() : Forbid();

    public async Task<IActionResult> OnPostPreviewAsync(IFormFile? file, CancellationToken ct)
    {
        if (!CanEdit)
        {
            return Forbid();
        }
        if (file is null || file.Length == 0)
        {
            Errors.Add("ファイルを選んでください。");
            return Page();
        }
        (Token, FileName, Result) = await uploads.PreviewAsync(file, Owner, path => importer.ImportAsync(path, FiscalYear, Actor, dryRun: true, NewPrograms, ct), r => r.Succeeded, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostApplyAsync(string token, CancellationToken ct)
    {
        if (!CanEdit)
        {
            return Forbid();
        }
        var path = uploads.Find(token, Owner);
        if (path is null)
        {
            Errors.Add("アップロードしたファイルが見つかりません（時間が経ちすぎたか、すでに取り込み済みです）。もう一度アップロードしてください。");
            return Page();
        }
        ImportResult result;
        try
        {
            result = await uploads.UseAsync(path, file => importer.ImportAsync(file, FiscalYear, Actor, newPrograms: NewPrograms, ct: ct));
        }
        finally
        {
            UploadStore.Remove(path);
        }
        if (!result.Succeeded)
        {
            Result = result;
            return Page();
        }
        TempData["Message"] = $"{Path.GetFileName(path)} を取り込みました（{result.Rows} 事業）。";
        return Redirect($"/reports/{result.FiscalYear}");
    }

    public IActionResult OnPostCancel(string token)
    {
        if (!CanEdit)
        {
            return Forbid();
        }
        uploads.Cancel(token, Owner);
        return RedirectToPage();
    }
}
