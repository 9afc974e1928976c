using System.Text;

namespace Tsunagu.Tests.Infrastructure;

/// <summary>The city's published FY2024 table, as shipped in the executable, and files made from it.</summary>
public static class Seed
{
    public static byte[] Bytes()
    {
        using var stream = Tsunagu.Reports.SampleData.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public static string Text() => Encoding.UTF8.GetString(Bytes());

    /// <summary>The seed's rows of cells (title, blank line and header included), split on tabs.</summary>
    public static string[][] Rows() => Text().Split('\n').Select(line => line.Split('\t')).ToArray();

    /// <summary>The cells of the program rows only.</summary>
    public static string[][] ProgramRows() => Rows()[3..];

    /// <summary>The FY2024 table as the database holds it now, exported to xlsx: compared byte for byte before and after.</summary>
    public static async Task<byte[]> ExportAsync(Tsunagu.Data.TsunaguDb db)
    {
        using var output = new MemoryStream();
        await Tsunagu.Reports.ReportExporter.WriteAsync(await new Tsunagu.Reports.ReportReader(db).ReadAsync(2024),
            Tsunagu.Reports.ExportFormat.Xlsx, new Tsunagu.Reports.ExportOptions(new Tsunagu.City("仙台市", "041009")), output);
        return output.ToArray();
    }

    public static string Write(string folder, string name, byte[] bytes)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}

/// <summary>A temporary folder for the files one test writes.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("tsunagu-files-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, string text, Encoding encoding)
    {
        var path = File(name);
        System.IO.File.WriteAllBytes(path, [.. encoding.GetPreamble(), .. encoding.GetBytes(text)]);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
