using System.CommandLine;
using Tsunagu.Data;

namespace Tsunagu.Access;

/// <summary>The `users` verbs: accounts from the server's command line.</summary>
public static class UserCommands
{
    public static Command Create(Cli cli)
    {
        var email = new Argument<string>("EMAIL") { Description = "メールアドレス（サインインに使います）" };
        var role = new Option<string>("--role") { Description = "admin | planner | viewer", Required = true };
        role.AcceptOnlyFromAmong(Roles.All);
        var name = new Option<string?>("--name") { Description = "氏名（支援記録や画面に表示されます。省略するとメールアドレス）" };
        var add = new Command("add", "アカウントを作り、一時パスワードを表示します（初回サインインで変更が必要です）。") { email, role, name };
        add.SetAction((result, ct) => cli.WithDatabaseAsync(DatabaseUse.Writes, ct, async (services, _) =>
        {
            var password = await services.GetRequiredService<AccountAdmin>().AddAsync(result.GetValue(email)!, result.GetValue(role)!, Cli.Actor, result.GetValue(name));
            await cli.Io.Out.WriteLineAsync($"{result.GetValue(email)} を作成しました（{Roles.Japanese(result.GetValue(role)!)}）。");
            await cli.Io.Out.WriteLineAsync($"一時パスワード: {password}");
            await cli.Io.Out.WriteLineAsync("このパスワードは再表示できません。初回サインインで新しいパスワードに変更してください。");
            return 0;
        }));

        var resetEmail = new Argument<string>("EMAIL");
        var reset = new Command("reset-password", "一時パスワードを再発行し、ロックを解除します。") { resetEmail };
        reset.SetAction((result, ct) => cli.WithDatabaseAsync(DatabaseUse.Writes, ct, async (services, _) =>
        {
            var password = await services.GetRequiredService<AccountAdmin>().ResetPasswordAsync(result.GetValue(resetEmail)!, Cli.Actor);
            await cli.Io.Out.WriteLineAsync($"一時パスワード: {password}");
            return 0;
        }));

        var mfaEmail = new Argument<string>("EMAIL") { Description = "アカウントのメールアドレス" };
        var resetMfa = new Command("reset-mfa",
            "スマートフォンを紛失した人の二要素認証を消します（認証アプリ・回復コード・セッション）。次のサインインで登録し直します。監査記録に残ります。") { mfaEmail };
        resetMfa.SetAction((result, ct) => cli.WithDatabaseAsync(DatabaseUse.Writes, ct, async (services, _) =>
        {
            var email = result.GetValue(mfaEmail)!;
            await services.GetRequiredService<AccountAdmin>().ResetSecondFactorAsync(email, Cli.Actor);
            await cli.Io.Out.WriteLineAsync($"{email} の二要素認証を消しました。次のサインインで認証アプリを登録し直します。");
            return 0;
        }));

        var nameEmail = new Argument<string>("EMAIL") { Description = "アカウントのメールアドレス" };
        var newName = new Argument<string>("NAME") { Description = "氏名（例: 山田 花子）" };
        var setName = new Command("set-name", "職員の氏名を設定します。これからの支援記録に記録者として表示されます。") { nameEmail, newName };
        setName.SetAction((result, ct) => cli.WithDatabaseAsync(DatabaseUse.Writes, ct, async (services, _) =>
        {
            await services.GetRequiredService<AccountAdmin>().SetNameAsync(result.GetValue(nameEmail)!, result.GetValue(newName)!, Cli.Actor);
            await cli.Io.Out.WriteLineAsync($"{result.GetValue(nameEmail)} の氏名を設定しました。");
            return 0;
        }));

        var list = new Command("list", "アカウントを一覧します（メールアドレス・権限・状態・氏名）。");
        list.SetAction((result, ct) => cli.WithDatabaseAsync(DatabaseUse.Reads, ct, async (services, _) =>
        {
            foreach (var account in await services.GetRequiredService<AccountAdmin>().ListAsync())
            {
                await cli.Io.Out.WriteLineAsync($"{account.Email}\t{account.Role}\t{(account.MustChangePassword ? "要パスワード変更" : "")}\t{(account.LockedOut ? "ロック中" : "")}\t{account.Name}");
            }
            return 0;
        }));
        var assignEmail = new Argument<string>("EMAIL");
        var programCode = new Option<string>("--program") { Description = "事業コード（例: P001）", Required = true };
        var assign = new Command("assign", "相談員・事業担当を事業に割り当てます（その事業の記録だけが見られます）。") { assignEmail, programCode };
        assign.SetAction((result, ct) => cli.WithDatabaseAsync(DatabaseUse.Writes, ct, async (services, db) =>
        {
            var email = result.GetValue(assignEmail)!;
            var program = await ProgramAssignments.AssignAsync(db, email, result.GetValue(programCode)!, Cli.Actor, TimeProvider.System);
            await cli.Io.Out.WriteLineAsync($"{email} を {program.Code} {program.Name} に割り当てました。");
            return 0;
        }));
        return new Command("users", "アカウントの管理") { add, reset, resetMfa, list, assign, setName };
    }
}
