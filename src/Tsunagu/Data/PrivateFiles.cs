namespace Tsunagu.Data;

/// <summary>
/// Files that hold persons' data outside the database (uploads waiting for a preview, a preview's snapshot): readable
/// by Tsunagu's own account only — folders 0700, files 0600 — wherever the umask or the parent folder says otherwise.
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>A new file, open for writing; it must not exist yet.</summary>
    public static FileStream Create(string path) => Open(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write });

    /// <summary>
    /// A lock of the operating system on <paramref name="path"/> (made 0600 if new), or null while another process or
    /// another open of it holds it: FileShare.None is flock on Linux, released when the stream is disposed or the
    /// process ends. The file itself stays (removing a lock file races with the next one to open it).
    /// </summary>
    public static FileStream? TryLock(string path)
    {
        try
        {
            return Open(path, new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None });
        }
        catch (IOException)
        {
            return null;
        }
    }

    static FileStream Open(string path, FileStreamOptions options)
    {
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = File;
        }
        return new FileStream(path, options);
    }

    /// <summary>The folder (and its parent, the root of such folders) made private.</summary>
    public static string CreateFolder(string root, string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(root);
            return Directory.CreateDirectory(folder).FullName;
        }
        Directory.CreateDirectory(root, Folder);
        System.IO.File.SetUnixFileMode(root, Folder);
        return Directory.CreateDirectory(folder, Folder).FullName;
    }
}
