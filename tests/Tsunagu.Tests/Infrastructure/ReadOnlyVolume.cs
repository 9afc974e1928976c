using System.Diagnostics;

namespace Tsunagu.Tests.Infrastructure;

/// <summary>
/// A folder's contents seen through a read-only mount, as a restored backup on a write-protected volume is. As root
/// (CI), a read-only bind mount: permissions do not stop root, a read-only file system does. Otherwise a copy whose
/// folder and files are read-only to their owner.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ReadOnlyVolume : IDisposable
{
    readonly bool mounted;

    public string Path { get; }

    ReadOnlyVolume(string path, bool mounted)
    {
        Path = path;
        this.mounted = mounted;
    }

    public static ReadOnlyVolume Of(string folder)
    {
        var target = Directory.CreateTempSubdirectory("tsunagu-ro-").FullName;
        if (Environment.UserName == "root")
        {
            Run("mount", "--bind", folder, target);
            Run("mount", "-o", "remount,ro,bind", target);
            return new ReadOnlyVolume(target, mounted: true);
        }
        foreach (var file in Directory.GetFiles(folder))
        {
            File.Copy(file, System.IO.Path.Combine(target, System.IO.Path.GetFileName(file)));
            File.SetUnixFileMode(System.IO.Path.Combine(target, System.IO.Path.GetFileName(file)), UnixFileMode.UserRead);
        }
        File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        return new ReadOnlyVolume(target, mounted: false);
    }

    static void Run(string command, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(command, args) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', args)}: {error}");
    }

    public void Dispose()
    {
        if (mounted)
        {
            Run("umount", Path);
        }
        else
        {
            File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        Directory.Delete(Path, recursive: true);
    }
}
