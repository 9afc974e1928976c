using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Notices;
using Tsunagu.People;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Notices;

/// <summary>郵送のお知らせ: queued with the guardian's name and the household's address, printed as an A4 PDF with its font embedded.</summary>
public class PaperLettersTests
{
    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task PaperNotices_ArePrintedOnceAsAnA4Pdf_AddressedForAWindowEnvelope_WithTheJapaneseFontEmbedded(DatabaseKind kind)
    {
        await using var world = await RecordsWorld.CreateAsync(kind);
        var window = await CampaignTests.WindowAsync(world.Database);
        await using (var db = world.Database.NewDb())
        {
            db.ReachConsents.Add(new ReachConsent { HouseholdId = world.AliceHousehold, Channel = ReachChannel.Paper, GivenOn = new DateOnly(2024, 6, 1), RecordedBy = "職員", RecordedAt = DateTimeOffset.UnixEpoch });
            db.Campaigns.Add(new Campaign { WindowId = window, Timing = NoticeTiming.OnOpening, Channels = [ReachChannel.Paper], Message = "夏期講座の申し込みが始まりました。\n会場の職員に申し込んでください。", CreatedBy = "企画", Status = CampaignStatus.Approved });
            await db.SaveChangesAsync();
        }
        await using (var db = world.Database.NewDb())
        {
            Assert.Equal(1, (await CampaignTests.OutboxOn(world.Database, db, new DateTimeOffset(2024, 7, 1, 9, 0, 0, TimeSpan.FromHours(9))).QueueDueAsync()).Deliveries);
        }
        using var files = new TempFolder();
        var pdf = Path.Combine(files.Path, "letters.pdf");

        var printed = await CliRun.RunOkAsync(world.Database, "outreach", "print", "--out", pdf);
        var again = await CliRun.RunOkAsync(world.Database, "outreach", "print", "--out", Path.Combine(files.Path, "again.pdf"));
        var overwrite = await CliRun.RunAsync(world.Database, "outreach", "print", "--out", pdf);
        var typo = await CliRun.RunAsync(world.Database, "outreach", "print", "--out", Path.Combine(files.Path, "x.pdf"), "--limit", "0");

        Assert.Contains("郵送のお知らせ1通を", printed.Out);
        Assert.Contains("送付待ちのものはありません", again.Out);
        Assert.False(File.Exists(Path.Combine(files.Path, "again.pdf")));
        Assert.Equal(1, overwrite.ExitCode);
        Assert.Contains("すでにあります", overwrite.Error);
        Assert.NotEqual(0, typo.ExitCode);
        var text = await RunAsync("pdftotext", "-layout", pdf, "-");
        Assert.Contains("〒980-0811", text);
        Assert.Contains("宮城県仙台市青葉区一番町1丁目2番3号", text);
        Assert.Contains("髙橋 花子 様", text);
        Assert.Contains("【仙台市】夏期講座のお知らせ", text);
        Assert.Contains("会場の職員に申し込んでください。", text);
        Assert.DoesNotContain(RecordsWorld.AliceName, text);
        var fonts = await RunAsync("pdffonts", pdf);
        // Every font of the file is the shipped one, embedded (pdffonts' columns end: emb sub uni object ID).
        var rows = fonts.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.EndsWith("+IPAexGothic", r[0], StringComparison.Ordinal));
        Assert.All(rows, r => Assert.Equal("yes", r[^5]));
        var info = await RunAsync("pdfinfo", pdf);
        Assert.Matches(@"Pages:\s+1\b", info);
        Assert.Matches(@"Page size:\s+595 x 842 pts \(A4\)", info);
        await using var check = world.Database.NewDb();
        var letter = await check.Deliveries.SingleAsync();
        Assert.Equal((DeliveryStatus.Sent, ReachChannel.Paper), (letter.Status, letter.Channel));
    }

    static async Task<string> RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{file}: {await process.StandardError.ReadToEndAsync()}");
        return output;
    }
}
