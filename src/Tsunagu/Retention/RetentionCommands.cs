using System.CommandLine;
using Tsunagu.Data;

namespace Tsunagu.Retention;

/// <summary>The `retention` verb: the records past their 保存年限, listed, then deleted.</summary>
public static class RetentionCommands
{
    public static Command Create(Cli cli)
    {
        var retention = new Command("retention", "保存年限（Retention:Years、Retention:Programs:事業コード）を過ぎた記録");
        var dryRun = new Option<bool>("--dry-run") { Description = "削除の対象を数えて表示するだけで、何も削除しません" };
        var run = new Command("run", "保存年限を過ぎた人の記録（登録期間・支援記録・添付書類・計画など）を事業ごとに削除し、件数と規則を監査ログに残します。") { dryRun };
        run.SetAction((result, ct) => cli.WithDatabaseAsync(DatabaseUse.Writes, ct, async (services, _) =>
        {
            var dry = result.GetValue(dryRun);
            var retentionService = services.GetRequiredService<RecordRetention>();
            var results = await retentionService.RunAsync(dry, Cli.Actor, ct);
            if (await retentionService.WithoutRuleAsync(ct) is { Count: > 0 } kept)
            {
                await cli.Io.Out.WriteLineAsync($"保存年限の設定がない事業（記録をすべて残します）: {string.Join(", ", kept)}");
            }
            foreach (var r in results)
            {
                await cli.Io.Out.WriteLineAsync($"{r.ProgramCode} {r.ProgramName}: {r.Rule}");
                await cli.Io.Out.WriteLineAsync(r.Persons.Count == 0
                    ? "  対象はありません。"
                    : $"  {(dry ? "削除の対象（--dry-run のため削除していません）" : "削除しました")}: {r.Counts}");
                if (dry && r.Persons.Count > 0)
                {
                    // Ids only: whoever runs the verb needs no names to check the list against the records.
                    await cli.Io.Out.WriteLineAsync($"  対象の人（ID）: {string.Join(", ", r.Persons)}");
                }
            }
            return 0;
        }));
        retention.Subcommands.Add(run);
        return retention;
    }
}
