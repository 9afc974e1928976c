namespace Tsunagu.Data;

/// <summary>
/// Files that hold persons' data outside the database (uploads waiting for a preview, a preview's snapshot): readable
/// by Tsunagu's own account only — folders 0700, files 0600 — wherever the umask or the parent folder says otherwise.
/// </summary>
public static class PrivateFiles
{
    const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>A new file, open for writing; it must not exist yet.</summary>
    public static FileStream Create(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
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
