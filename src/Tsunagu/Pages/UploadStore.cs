namespace Tsunagu.Pages;

/// <summary>
/// Uploaded files between the preview and the confirmation: each in a folder of its own under a random token,
/// removed once applied, and swept after a day.
/// </summary>
public sealed class UploadStore(TimeProvider time)
{
    static readonly string Root = Path.Combine(Path.GetTempPath(), "tsunagu-uploads");

    async Task<(string Token, string Path)> SaveAsync(IFormFile file, CancellationToken ct)
    {
        Sweep();
        var token = Guid.NewGuid().ToString("N");
        var folder = Directory.CreateDirectory(Path.Combine(Root, token)).FullName;
        var path = Path.Combine(folder, Path.GetFileName(file.FileName));
        await using var stored = File.Create(path);
        await file.CopyToAsync(stored, ct);
        return (token, path);
    }

    /// <summary>
    /// Saves the upload and runs <paramref name="dryRun"/> on it. A file that would import is kept for the
    /// confirmation and its token returned; one that would not is removed at once.
    /// </summary>
    public async Task<(string? Token, string FileName, T Result)> PreviewAsync<T>(IFormFile file, Func<string, Task<T>> dryRun, Func<T, bool> succeeded, CancellationToken ct)
    {
        var (token, path) = await SaveAsync(file, ct);
        var result = await dryRun(path);
        if (succeeded(result))
        {
            return (token, Path.GetFileName(path), result);
        }
        Remove(path);
        return (null, Path.GetFileName(path), result);
    }

    /// <summary>
    /// Saves the upload under its own name (the format is read from the extension, errors name the file), runs
    /// <paramref name="use"/> on it and removes it: for uploads applied at once, without a preview.
    /// </summary>
    public async Task<T> WithFileAsync<T>(IFormFile file, Func<string, Task<T>> use, CancellationToken ct)
    {
        var (_, path) = await SaveAsync(file, ct);
        try
        {
            return await use(path);
        }
        finally
        {
            Remove(path);
        }
    }

    /// <summary>The file saved under the token; only a GUID is accepted, never a path.</summary>
    public static string? Find(string? token)
    {
        if (!Guid.TryParseExact(token, "N", out _))
        {
            return null;
        }
        var folder = Path.Combine(Root, token!);
        return Directory.Exists(folder) ? Directory.GetFiles(folder).SingleOrDefault() : null;
    }

    public static void Remove(string path) => Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);

    void Sweep()
    {
        if (!Directory.Exists(Root))
        {
            return;
        }
        var cutoff = time.GetUtcNow().UtcDateTime.AddDays(-1);
        foreach (var old in new DirectoryInfo(Root).GetDirectories().Where(d => d.CreationTimeUtc < cutoff))
        {
            old.Delete(recursive: true);
        }
    }
}
