using Tsunagu.Data;

namespace Tsunagu.Reports;

/// <summary>The city's published FY2024 table, shipped inside the executable as sample data.</summary>
public static class SampleData
{
    public static Stream Open() => typeof(SampleData).Assembly.GetManifestResourceStream(ShippedFiles.SampleReport)
        ?? throw new InvalidOperationException("The sample report is missing from the build.");

    public static async Task<ImportResult> ImportAsync(ReportImporter importer, CancellationToken ct = default)
    {
        var result = await ShippedFiles.UseAsync(ShippedFiles.SampleReport, path => importer.ImportAsync(path, null, "system:sample", ct: ct), ct);
        return result.Succeeded
            ? result
            : throw new InvalidOperationException($"The sample report did not import: {result.Errors[0]}");
    }
}
