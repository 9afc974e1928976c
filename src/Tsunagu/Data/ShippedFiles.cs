namespace Tsunagu.Data;

/// <summary>
/// Data that ships inside the executable (the city's published FY2024 table, its offices, its way of counting the
/// table's figures): handed to the loaders, which read paths as they do a city's own files, through a temporary copy
/// that is removed afterwards.
/// </summary>
public static class ShippedFiles
{
    public const string SampleReport = "Tsunagu.SampleData.r6-main-8-programs.tsv";
    public const string Offices = "Tsunagu.CityData.offices.csv";
    public const string Definitions = "Tsunagu.CityData.definitions.csv";

    public static async Task<T> UseAsync<T>(string resource, Func<string, Task<T>> use, CancellationToken ct = default)
    {
        var folder = Directory.CreateTempSubdirectory("tsunagu-shipped-");
        try
        {
            // The loaders name the file in their messages: the resource's own name (r6-main-8-programs.tsv, offices.csv).
            var path = Path.Combine(folder.FullName, string.Join('.', resource.Split('.')[^2..]));
            await using (var file = File.Create(path))
            await using (var stream = typeof(ShippedFiles).Assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"{resource} is missing from the build."))
            {
                await stream.CopyToAsync(file, ct);
            }
            return await use(path);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
