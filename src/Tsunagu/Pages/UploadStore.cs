using System.Security.Cryptography;
using System.Text;

namespace Tsunagu.Pages;

/// <summary>
/// Uploaded files between the preview and the confirmation: each in a folder of its own under a random token, in
/// the private folder <c>Uploads:Folder</c> (default data/uploads; 0700, files 0600 — never a shared temp folder),
/// bound to the account and the purpose it was uploaded for, and removed when applied, cancelled, or after a day.
/// A file of records holds what people said: it waits sealed with the key ring (Keys.SealedText), and is opened into a
/// private file only while a preview or an import reads it (<see cref="UseAsync{T}"/>).
/// </summary>
public sealed class UploadStore(TimeProvider time, IConfiguration configuration, Keys.KeyRing keys)
{
    const string OwnerFile = ".owner";

    readonly string root = Path.GetFullPath(configuration["Uploads:Folder"] ?? Path.Combine("data", "uploads"));

    string Folder(string token) => Path.Combine(root, token);

    async Task<(string Token, string Path)> SaveAsync(IFormFile file, string owner, CancellationToken ct)
    {
        Sweep();
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var folder = Data.PrivateFiles.CreateFolder(root, Folder(token));
        await using (var ownerFile = Data.PrivateFiles.Create(Path.Combine(folder, OwnerFile)))
        {
            await ownerFile.WriteAsync(Encoding.UTF8.GetBytes(owner), ct);
        }
        // The name as uploaded (errors name the file, the format is read from its extension), never a path.
        var name = Path.GetFileName(file.FileName.Replace('\\', '/'));
        var path = Path.Combine(folder, string.IsNullOrWhiteSpace(name) || name.StartsWith('.') ? "upload" : name);
        // Bounded by the upload limit (FileLimits.MaxUploadBytes), as the request itself is.
        using var content = new MemoryStream();
        await file.CopyToAsync(content, ct);
        await Keys.SealedText.WriteFileAsync(keys, path, content.ToArray(), ct);
        return (token, path);
    }

    /// <summary>
    /// Runs <paramref name="use"/> on the upload opened into a private file under its own name (errors name the file as
    /// the user knows it), removed as soon as <paramref name="use"/> ends.
    /// </summary>
    public async Task<T> UseAsync<T>(string path, Func<string, Task<T>> use)
    {
        var opened = Path.Combine(Data.PrivateFiles.CreateFolder(Path.GetDirectoryName(path)!, Path.Combine(Path.GetDirectoryName(path)!, "open")), Path.GetFileName(path));
        await using (var clear = Data.PrivateFiles.Create(opened))
        {
            await clear.WriteAsync(await Keys.SealedText.ReadFileAsync(keys, path, CancellationToken.None));
        }
        try
        {
            return await use(opened);
        }
        finally
        {
            File.Delete(opened);
        }
    }

    /// <summary>
    /// Saves the upload for <paramref name="owner"/> (the account and what it is for, e.g. its id and "records:P001")
    /// and runs <paramref name="dryRun"/> on it. A file that would import is kept for the confirmation and its token
    /// returned; one that would not is removed at once.
    /// </summary>
    public async Task<(string? Token, string FileName, T Result)> PreviewAsync<T>(IFormFile file, string owner, Func<string, Task<T>> dryRun,
        Func<T, bool> succeeded, CancellationToken ct)
    {
        var (token, path) = await SaveAsync(file, owner, ct);
        try
        {
            var result = await UseAsync(path, dryRun);
            if (succeeded(result))
            {
                return (token, Path.GetFileName(path), result);
            }
            Remove(path);
            return (null, Path.GetFileName(path), result);
        }
        catch
        {
            Remove(path);
            throw;
        }
    }

    /// <summary>
    /// Saves the upload under its own name, runs <paramref name="use"/> on it and removes it: for uploads applied at
    /// once, without a preview.
    /// </summary>
    public async Task<T> WithFileAsync<T>(IFormFile file, string owner, Func<string, Task<T>> use, CancellationToken ct)
    {
        var (_, path) = await SaveAsync(file, owner, ct);
        try
        {
            return await UseAsync(path, use);
        }
        finally
        {
            Remove(path);
        }
    }

    /// <summary>
    /// The file saved under the token for this owner: another account's token (or the same account's token for
    /// another program) finds nothing. Only a token of 32 hex digits is accepted, never a path.
    /// </summary>
    public string? Find(string? token, string owner)
    {
        if (token is not { Length: 32 } || !token.All(char.IsAsciiHexDigitLower))
        {
            return null;
        }
        var folder = Folder(token);
        var ownerFile = Path.Combine(folder, OwnerFile);
        if (!File.Exists(ownerFile) || !CryptographicOperations.FixedTimeEquals(
                Encoding.UTF8.GetBytes(File.ReadAllText(ownerFile)), Encoding.UTF8.GetBytes(owner)))
        {
            return null;
        }
        return Directory.GetFiles(folder).SingleOrDefault(f => Path.GetFileName(f) != OwnerFile);
    }

    /// <summary>Removes the owner's upload, if it is there: the preview's 「やめる」.</summary>
    public void Cancel(string? token, string owner)
    {
        if (Find(token, owner) is { } path)
        {
            Remove(path);
        }
    }

    public static void Remove(string path) => Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);

    /// <summary>Removes uploads older than a day: at each upload and when the server starts.</summary>
    public void Sweep()
    {
        if (!Directory.Exists(root))
        {
            return;
        }
        var cutoff = time.GetUtcNow().UtcDateTime.AddDays(-1);
        foreach (var old in new DirectoryInfo(root).GetDirectories().Where(d => d.CreationTimeUtc < cutoff))
        {
            try
            {
                old.Delete(recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
                // Swept by another upload at the same moment.
            }
        }
    }
}
