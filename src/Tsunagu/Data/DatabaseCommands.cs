using System.CommandLine;

namespace Tsunagu.Data;

/// <summary>The `db` verbs: the schema.</summary>
public static class DatabaseCommands
{
    public static Command Create(Cli cli)
    {
        var migrate = new Command("migrate", "データベースにマイグレーションを適用します。");
        migrate.SetAction((result, ct) => cli.WithDatabaseAsync(DatabaseUse.AsItIs, ct, async (services, db) =>
        {
            var pending = await DatabaseServices.MigrateAsync(db, services.GetRequiredService<DatabaseSettings>(),
                services.GetRequiredService<ILoggerFactory>().CreateLogger("Tsunagu.Database"), ct);
            await cli.Io.Out.WriteLineAsync(pending.Count == 0
                ? "データベースは最新です。"
                : $"{pending.Count} 件のマイグレーションを適用しました: {string.Join(", ", pending)}");
            return 0;
        }));
        return new Command("db", "データベースの管理") { migrate };
    }
}
