using System.CommandLine;
using Tsunagu.Data;
using Tsunagu.Reports.Files;

namespace Tsunagu.Places;

/// <summary>The `places` verb: the city's offices and schools, loaded from the lists a city keeps.</summary>
public static class PlaceCommands
{
    public static Command Create(Cli cli)
    {
        var officesFile = new Argument<FileInfo>("FILE") { Description = "事業所の一覧（.csv / .xlsx、見出し: 名称・種類・区コード）" };
        var offices = new Command("offices", "事業所（区役所・総合支所・センター）の一覧を読み込みます。名称で照合し、追加・更新します。") { officesFile };
        offices.SetAction((result, ct) => cli.WithDatabaseAsync(DatabaseUse.Writes, ct, async (services, _) =>
        {
            var loaded = await services.GetRequiredService<OfficeList>().LoadAsync(result.GetValue(officesFile)!.FullName, Cli.Actor, TimeProvider.System, ct);
            return await ReportAsync(cli, loaded.Errors, $"事業所: 追加 {loaded.Added} か所、更新 {loaded.Updated} か所");
        }));

        var schoolsFile = new Argument<FileInfo>("FILE") { Description = "文部科学省の学校コード一覧（.csv / .xlsx、見出し: 学校コード・学校名・課程）" };
        var schools = new Command("schools", "学校コードの一覧を読み込みます（画面の「学校・事業所」と同じ）。") { schoolsFile };
        schools.SetAction((result, ct) => cli.WithDatabaseAsync(DatabaseUse.Writes, ct, async (services, _) =>
        {
            var loaded = await services.GetRequiredService<SchoolList>().LoadAsync(result.GetValue(schoolsFile)!.FullName, Cli.Actor, TimeProvider.System, ct);
            return await ReportAsync(cli, loaded.Errors, $"学校: 追加 {loaded.Added} 校、更新 {loaded.Updated} 校（対象外の学校種 {loaded.OtherTypes} 校）");
        }));

        return new Command("places", "学校・事業所の一覧") { offices, schools };
    }

    /// <summary>The summary, or every error by file, line and column and exit code 1.</summary>
    static async Task<int> ReportAsync(Cli cli, IReadOnlyList<FileError> errors, string summary)
    {
        if (errors.Count > 0)
        {
            return await cli.RefuseFileAsync(errors);
        }
        await cli.Io.Out.WriteLineAsync(summary);
        return 0;
    }
}
