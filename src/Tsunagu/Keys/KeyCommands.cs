using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Attachments;
using Tsunagu.Audit;
using Tsunagu.Data;

namespace Tsunagu.Keys;

/// <summary>The `keys` verbs: what the ring holds, a new key, and sealing everything again under it.</summary>
public static class KeyCommands
{
    public static Command Create(Cli cli)
    {
        var keys = new Command("keys", "鍵リング（記録の本文・添付書類・サインインを守る鍵）");

        var list = new Command("list", "鍵リングの場所と保護、鍵の一覧（作成日・有効期間・状態）を表示します。鍵そのものは表示しません。");
        list.SetAction((_, ct) => cli.WithDatabaseAsync(DatabaseUse.AsItIs, ct, async (services, _) =>
        {
            var ring = services.GetRequiredService<KeyRing>();
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            await cli.Io.Out.WriteLineAsync($"鍵リング: {ring.Where}（鍵の保護: {(ring.KeysProtected ? "あり" : "なし — 証明書を設定してください")}）");
            var all = ring.Manager.GetAllKeys().OrderBy(k => k.ActivationDate).ToList();
            var current = all.Where(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now).MaxBy(k => k.ActivationDate);
            foreach (var key in all)
            {
                var state = key.IsRevoked ? "失効" : key == current ? "使用中（新しい記録を封じる鍵）" : key.ExpirationDate <= now ? "期限切れ（読むだけ）" : key.ActivationDate > now ? "未開始" : "有効（読むだけ）";
                await cli.Io.Out.WriteLineAsync(
                    $"{key.KeyId}  作成 {Local(key.CreationDate)}  有効 {Local(key.ActivationDate)} 〜 {Local(key.ExpirationDate)}  {state}");
            }
            if (all.Count == 0)
            {
                await cli.Io.Out.WriteLineAsync("鍵はまだありません（最初に記録を書くときに作られます）。");
            }
            return 0;
        }));

        var rotate = new Command("rotate", "新しい鍵を作り、これからの記録をその鍵で封じます。これまでの鍵も残るので、古い記録は読めます。");
        rotate.SetAction((_, ct) => cli.WithDatabaseAsync(DatabaseUse.Writes, ct, async (services, db) =>
        {
            var ring = services.GetRequiredService<KeyRing>();
            var time = services.GetRequiredService<TimeProvider>();
            var now = time.GetUtcNow();
            var key = ring.Manager.CreateNewKey(now, now.AddDays(KeyRing.KeyLifetimeDays));
            db.Audit(time, Cli.Actor, AuditActions.KeysRotate, subject: $"key:{key.KeyId}", after: $"{Local(key.ActivationDate)} 〜 {Local(key.ExpirationDate)}");
            await db.SaveChangesAsync(ct);
            await cli.Io.Out.WriteLineAsync($"新しい鍵 {key.KeyId} を作りました（{Local(key.ExpirationDate)} まで）。動いているサーバーは遅くとも24時間以内にこの鍵に切り替わります。");
            await cli.Io.Out.WriteLineAsync("古い鍵で封じた記録を新しい鍵で封じ直すには tsunagu keys reseal を実行してください。");
            return 0;
        }));

        var clearOnly = new Option<bool>("--clear-only") { Description = "まだ封じていないもの（0.14 より前に書かれたもの）だけを封じます" };
        var reseal = new Command("reseal", "記録の本文と添付書類を、いまの鍵で封じ直します（鍵の更新の後、古い鍵を使わなくするため）。使用中でも実行できます。") { clearOnly };
        reseal.SetAction((result, ct) => cli.WithDatabaseAsync(DatabaseUse.Writes, ct, async (services, db) =>
        {
            var onlyClear = result.GetValue(clearOnly);
            var columns = await SealedText.ResealAsync(db, onlyClear, ct);
            var store = services.GetRequiredService<AttachmentStore>();
            var files = 0;
            foreach (var name in await db.Attachments.Select(a => a.StoredName).ToListAsync(ct))
            {
                files += await store.ResealAsync(name, onlyClear, ct) ? 1 : 0;
            }
            var summary = string.Join("、", columns.Select(c => $"{c.Table}.{c.Column} {c.Count:N0}")) + $"、添付書類 {files:N0}";
            db.Audit(services.GetRequiredService<TimeProvider>(), Cli.Actor, AuditActions.KeysReseal, after: summary, reason: onlyClear ? "未封のもののみ" : null);
            await db.SaveChangesAsync(ct);
            await cli.Io.Out.WriteLineAsync($"封じ直しました: {summary}");
            return 0;
        }));

        keys.Subcommands.Add(list);
        keys.Subcommands.Add(rotate);
        keys.Subcommands.Add(reseal);
        return keys;
    }

    static string Local(DateTimeOffset at) => at.ToOffset(TimeSpan.FromHours(9)).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}
