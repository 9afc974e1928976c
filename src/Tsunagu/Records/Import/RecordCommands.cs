using System.CommandLine;
using Tsunagu.Data;

namespace Tsunagu.Records.Import;

/// <summary>The `records` verb: a program's spreadsheet into the records.</summary>
public static class RecordCommands
{
    public static Command Create(Cli cli)
    {
        var file = new Argument<FileInfo>("FILE") { Description = ".xlsx または .csv（列の並びは docs/records-import.md）" };
        var program = new Option<string>("--program") { Description = "事業コード（例: P001）", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "書き込まずに結果だけを表示します" };
        var import = new Command("import", "事業が Excel で付けてきた登録・支援記録を取り込みます。") { file, program, dryRun };
        import.SetAction((result, ct) => cli.WithDatabaseAsync(DatabaseUse.Writes, ct, async (services, _) =>
        {
            var outcome = await services.GetRequiredService<Records.Import.RecordImporter>()
                .ImportAsync(result.GetValue(file)!.FullName, result.GetValue(program)!, Cli.Actor, visiblePrograms: [], result.GetValue(dryRun), ct);
            if (!outcome.Succeeded)
            {
                return await cli.RefuseFileAsync(outcome.Errors);
            }
            await cli.Io.Out.WriteLineAsync(Records.Import.RecordImportText.Summary(outcome, result.GetValue(dryRun)));
            foreach (var doubtful in outcome.Doubtful)
            {
                await cli.Io.Out.WriteLineAsync(Records.Import.RecordImportText.Doubtful(doubtful));
            }
            return 0;
        }));
        return new Command("records", "支援記録") { import };
    }
}
