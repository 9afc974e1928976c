using System.CommandLine;
using Tsunagu.Data;

namespace Tsunagu.Backup;

/// <summary>The `backup` and `restore` verbs.</summary>
public static class BackupCommands
{
    public static IEnumerable<Command> Create(Cli cli)
    {
        var output = new Option<FileInfo>("--out") { Description = "書き出すバックアップのファイル（.zip）", Required = true };
        var backup = new Command("backup", "データベースのバックアップを一つのファイル（データとマニフェスト）に書き出します。使用中でも一貫した内容です。鍵リングは含みません（別に保管します）。") { output };
        // As it is: the backup before an upgrade is of the old schema, which no verb may migrate first.
        backup.SetAction((result, ct) => cli.WithDatabaseAsync(DatabaseUse.ReadsAsItIs, ct, async (services, _) =>
        {
            var target = result.GetValue(output)!;
            var manifest = await services.GetRequiredService<Backups>().BackupAsync(target.FullName, ct);
            await cli.Io.Out.WriteLineAsync($"{target.FullName} に書き出しました: {Summary(manifest)}");
            return 0;
        }));

        var input = new Argument<FileInfo>("FILE") { Description = "tsunagu backup で書き出したファイル" };
        var restore = new Command("restore", "バックアップを空のデータベースに戻し、表ごとの行数をマニフェストと照合します。") { input };
        restore.SetAction((result, ct) => cli.WithDatabaseAsync(DatabaseUse.AsItIs, ct, async (services, _) =>
        {
            var manifest = await services.GetRequiredService<Backups>().RestoreAsync(result.GetValue(input)!.FullName, ct);
            await cli.Io.Out.WriteLineAsync($"戻しました: {Summary(manifest)}");
            await cli.Io.Out.WriteLineAsync("行数はマニフェストと一致しました。続けて tsunagu audit verify で監査ログの連鎖を確かめてください。");
            return 0;
        }));
        return [backup, restore];
    }

    static string Summary(BackupManifest m) =>
        $"{m.TakenAt.ToOffset(TimeSpan.FromHours(9)):yyyy-MM-dd HH:mm:ss} 時点、{m.Provider}、スキーマ {m.SchemaVersion}、" +
        $"{m.Rows.Count} 表 {m.Rows.Values.Sum():N0} 行（人 {m.Rows.GetValueOrDefault("persons"):N0}、支援記録 {m.Rows.GetValueOrDefault("contacts"):N0}）";
}
