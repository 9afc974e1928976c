using System.CommandLine;
using Tsunagu.Data;

namespace Tsunagu.Audit;

/// <summary>The `audit` verb: the hash chains' verification.</summary>
public static class AuditCommands
{
    public static Command Create(Cli cli)
    {
        var verify = new Command("verify",
            "監査ログと閲覧記録のハッシュ連鎖を最初の行から確かめ、合わない最初の行を表示します（異常があれば終了コード 1）。結果は監査担当の画面にも表示されます。");
        verify.SetAction((result, ct) => cli.WithDatabaseAsync(DatabaseUse.Writes, ct, async (services, db) =>
        {
            var outcome = await AuditChain.VerifyAsync(db, TimeProvider.System, Cli.Actor, ct);
            await (outcome.Intact ? cli.Io.Out : cli.Io.Error).WriteLineAsync(AuditVerificationText.Summary(outcome));
            return outcome.Intact ? 0 : 1;
        }));
        return new Command("audit", "監査ログ") { verify };
    }
}
