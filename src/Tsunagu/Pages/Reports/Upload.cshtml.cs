using Microsoft.AspNetCore.Mvc;
using Tsunagu.Reports;
using Tsunagu.Reports.Files;

namespace Tsunagu.Pages.Reports;

/// <summary>
/// Upload of a year's table: the file is kept in a folder of its own under a random token, imported once as a
/// dry run to show what would change, and imported for real only when the planner confirms.
/// </summary>
[RequestSizeLimit(MaxBytes)]
public class UploadModel(ReportImporter importer, TimeProvider time) : TsunaguPageModel
{
    const int MaxBytes = 50 * 1024 * 1024;
    static readonly string Uploads = Path.Combine(Path.GetTempPath(), "tsunagu-uploads");

    [BindProperty(SupportsGet = true)]
    public int? FiscalYear { get; set; }

    public string? Token { get; private set; }
    public string? FileName { get; private set; }
    public ImportResult? Result { get; private set; }
    public List<string> Errors { get; } = [];

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
        RemoveOldUploads();
        Token = Guid.NewGuid().ToString("N");
        FileName = Path.GetFileName(file.FileName);
        var folder = Directory.CreateDirectory(Path.Combine(Uploads, Token)).FullName;
        await using (var stored = System.IO.File.Create(Path.Combine(folder, FileName)))
        {
            await file.CopyToAsync(stored, ct);
        }
        Result = await importer.ImportAsync(Path.Combine(folder, FileName), FiscalYear, Actor, ct, dryRun: true);
        if (!Result.Succeeded)
        {
            Directory.Delete(folder, recursive: true);
            Token = null;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostApplyAsync(string token, CancellationToken ct)
    {
        if (!CanEdit)
        {
            return Forbid();
        }
        // The token names a folder: only a GUID, never a path, is accepted.
        var folder = Guid.TryParseExact(token, "N", out _) ? Path.Combine(Uploads, token) : null;
        var path = folder is not null && Directory.Exists(folder) ? Directory.GetFiles(folder).SingleOrDefault() : null;
        if (path is null)
        {
            Errors.Add("アップロードしたファイルが見つかりません（時間が経ちすぎたか、すでに取り込み済みです）。もう一度アップロードしてください。");
            return Page();
        }
        var result = await importer.ImportAsync(path, FiscalYear, Actor, ct);
        Directory.Delete(folder!, recursive: true);
        if (!result.Succeeded)
        {
            Result = result;
            return Page();
        }
        TempData["Message"] = $"{Path.GetFileName(path)} を取り込みました（{result.Rows} 事業）。";
        return Redirect($"/reports/{result.FiscalYear}");
    }

    void RemoveOldUploads()
    {
        if (!Directory.Exists(Uploads))
        {
            return;
        }
        foreach (var old in new DirectoryInfo(Uploads).GetDirectories().Where(d => d.CreationTimeUtc < time.GetUtcNow().UtcDateTime.AddDays(-1)))
        {
            old.Delete(recursive: true);
        }
    }
}
