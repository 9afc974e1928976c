using System.CommandLine;
using Tsunagu.Data;
using Tsunagu.People;

namespace Tsunagu.Notices;

/// <summary>
/// The `outreach` verb: `queue` puts the campaigns due today into the outbox (the web application also does it every
/// few minutes); `relay` sends one channel's deliveries and writes the results back — run on the internet tier with a
/// database account that may read and write the deliveries table only.
/// </summary>
public static class NoticeCommands
{
    public static Command Create(Cli cli)
    {
        var queue = new Command("queue", "送る日が来た承認済みのお知らせを、送付待ち（アウトボックス）に入れます。");
        queue.SetAction((result, ct) => cli.WithDatabaseAsync(DatabaseUse.Writes, ct, async (services, _) =>
        {
            var summary = await services.GetRequiredService<Outbox>().QueueDueAsync(ct);
            await cli.Io.Out.WriteLineAsync($"お知らせ{summary.Campaigns}件を送付待ちにしました（{summary.Deliveries}通）。期限切れ{summary.Lapsed}件。");
            return 0;
        }));

        var channel = new Option<string>("--channel")
        {
            Description = "送る方法: email（メール）か line（LINE）",
            Required = true,
        };
        channel.AcceptOnlyFromAmong("email", "line");
        var relay = new Command("relay", "送付待ちのお知らせを、メールの中継サーバーや LINE に送り、結果を書き戻します（21時〜8時は送りません）。") { channel };
        relay.SetAction((result, ct) => cli.WithDatabaseAsync(DatabaseUse.AsItIs, ct, async (services, db) =>
        {
            var configuration = services.GetRequiredService<IConfiguration>();
            var reach = result.GetValue(channel) == "line" ? ReachChannel.Line : ReachChannel.Email;
            var settings = RelaySettings.From(configuration, reach);
            // One SMTP connection per sender; LINE's sender is one HTTP client, shared.
            List<INoticeSender> senders = reach == ReachChannel.Line
                ? [.. Enumerable.Repeat<INoticeSender>(new LineSender(services.GetRequiredService<IHttpClientFactory>().CreateClient("line"), LineSettings.From(configuration)), settings.Connections)]
                : [.. Enumerable.Range(0, settings.Connections).Select(_ => new EmailSender(SmtpSettings.Read(configuration)))];
            RelaySummary summary;
            try
            {
                summary = await new OutreachRelay(db, services.GetRequiredService<TimeProvider>(), settings).RunAsync(senders, ct);
            }
            finally
            {
                foreach (var sender in senders.Distinct())
                {
                    await sender.DisposeAsync();
                }
            }
            await cli.Io.Out.WriteLineAsync($"{reach.Japanese()}: 送付 {summary.Sent}通、再試行待ち {summary.Retried}通、不達 {summary.Failed}通。"
                + (summary.StoppedForQuietHours ? "送らない時間帯のため、残りは朝に送ります。" : ""));
            return 0;
        }));
        var output = new Option<FileInfo>("--out")
        {
            Description = "書き出す PDF（A4、1通1ページ、長3窓空き封筒に合わせた宛名）",
            Required = true,
        };
        var limit = new Option<int>("--limit")
        {
            Description = $"一度に書き出す通数（1〜{PaperLetters.LimitMax}、既定 1000）",
            DefaultValueFactory = _ => 1_000,
        };
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > PaperLetters.LimitMax)
            {
                r.AddError($"--limit は1から{PaperLetters.LimitMax}までです。");
            }
        });
        var print = new Command("print", "送付待ちの郵送のお知らせを、印刷用の PDF に書き出し、送付済みにします（庁内で印刷します）。") { output, limit };
        print.SetAction((result, ct) => cli.WithDatabaseAsync(DatabaseUse.Writes, ct, async (services, _) =>
        {
            var summary = await services.GetRequiredService<PaperLetters>().PrintAsync(result.GetValue(output)!.FullName, result.GetValue(limit), ct);
            await cli.Io.Out.WriteLineAsync(summary.File is null ? "郵送のお知らせで送付待ちのものはありません。" : $"郵送のお知らせ{summary.Letters}通を {summary.File} に書き出しました。");
            return 0;
        }));
        return new Command("outreach", "プッシュ型のお知らせ（送付待ちへの投入、中継による送付、郵送分の印刷）") { queue, relay, print };
    }
}
