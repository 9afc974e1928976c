using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Records;

/// <summary>
/// The hostile corpus: each file refused in one line naming the file and what is wrong, nothing written, on both
/// databases and through both importers.
/// </summary>
public class HostileUploadTests
{
    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task EveryHostileFile_IsRefusedInALineNamingIt_AndWritesNothing(DatabaseKind kind)
    {
        using var files = new TempFolder();
        await using var database = await RecordImportTests.ProgramsOnlyAsync(kind, files);
        var corpus = HostileFiles.WriteAll(files.Path);

        var answers = new List<(string, int, bool)>();
        foreach (var (name, refusal) in corpus)
        {
            var records = await CliRun.RunAsync(database, "records", "import", Path.Combine(files.Path, name), "--program", "P001");
            answers.Add((name, records.ExitCode, records.Error.Contains(name) && records.Error.Contains(refusal) && !records.Error.Contains("   at ")));
        }
        var report = await CliRun.RunAsync(database, "report", "import", Path.Combine(files.Path, "column-2-31.xlsx"), "--fiscal-year", "2025");

        Assert.Equal(corpus.Select(c => (c.Name, 1, true)), answers);
        Assert.Equal(1, report.ExitCode);
        Assert.Contains("column-2-31.xlsx", report.Error);
        Assert.Contains("列が多すぎます", report.Error);
        await using var db = database.NewDb();
        Assert.Equal(0, await db.Persons.CountAsync());
        Assert.Equal(1, await db.Reports.CountAsync());
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task AHostileUpload_IsTheFormWithItsRefusal_AndLeavesNoFileBehind()
    {
        using var files = new TempFolder();
        HostileFiles.WriteAll(files.Path, only: "column-2-31.xlsx");
        var uploads = Path.Combine(files.Path, "uploads");
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite, new Dictionary<string, string> { ["Uploads:Folder"] = uploads });
        var manager = await world.SignInAsync("managerA");

        var response = await UploadAsync(manager, world, Path.Combine(files.Path, "column-2-31.xlsx"));
        var answer = await Web.WebClient.ParseAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("column-2-31.xlsx 1行目: 列が多すぎます（上限 256 列）。", answer.QuerySelector(".errors")!.TextContent);
        Assert.Null(answer.QuerySelector("input[name=token]"));
        Assert.Empty(Directory.GetFileSystemEntries(uploads));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(uploads));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task AnUploadsToken_OpensItOnlyForItsAccountAndPurpose_AndCancellingRemovesIt()
    {
        using var files = new TempFolder();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Uploads:Folder"] = Path.Combine(files.Path, "uploads") }).Build();
        var store = new Tsunagu.Pages.UploadStore(TimeProvider.System, configuration, TestDatabase.Keys);
        var bytes = Encoding.UTF8.GetBytes("氏名,ふりがな,生年月日\r\n髙橋 𠮷子,たかはし よしこ,2009-06-15\r\n");
        var upload = new Microsoft.AspNetCore.Http.FormFile(new MemoryStream(bytes), 0, bytes.Length, "file", "../../records.csv");

        var (token, name, previewed) = await store.PreviewAsync(upload, "user-1|records:P001",
            path => Task.FromResult((Path.GetFileName(path), File.ReadAllBytes(path))), _ => true, default);
        var own = store.Find(token, "user-1|records:P001");
        // While it waits for the confirmation the file is sealed; the preview read it as it was uploaded, under its name.
        var waiting = File.ReadAllBytes(own!);
        var applied = await store.UseAsync(own!, path => Task.FromResult(File.ReadAllBytes(path)));
        var openCopies = Directory.GetFiles(Path.GetDirectoryName(own!)!, "*", SearchOption.AllDirectories).Length;
        var modes = (File.GetUnixFileMode(own!), File.GetUnixFileMode(Path.GetDirectoryName(own)!));
        var otherAccount = store.Find(token, "user-2|records:P001");
        var otherProgram = store.Find(token, "user-1|records:P003");
        var aPath = store.Find("../../etc", "user-1|records:P001");
        store.Cancel(token, "user-2|records:P001");
        var afterOthersCancel = store.Find(token, "user-1|records:P001");
        store.Cancel(token, "user-1|records:P001");

        Assert.Equal("records.csv", name);
        Assert.Equal("records.csv", previewed.Item1);
        Assert.Equal(bytes, previewed.Item2);
        Assert.Equal(bytes, applied);
        Assert.Equal(-1, waiting.AsSpan().IndexOf(Encoding.UTF8.GetBytes("髙橋")));
        Assert.Equal(2, openCopies);
        Assert.NotNull(own);
        Assert.Equal(Path.Combine(files.Path, "uploads", token!, "records.csv"), own);
        Assert.Equal((UnixFileMode.UserRead | UnixFileMode.UserWrite, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute), modes);
        Assert.Equal((null, null, null), (otherAccount, otherProgram, aPath));
        Assert.Equal(own, afterOthersCancel);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(files.Path, "uploads")));
    }


    [Fact]
    public async Task APreview_RunsOnASnapshot_SoPersonPagesAnswerWhileItRuns_AndTheSnapshotIsGoneAfter()
    {
        using var files = new TempFolder();
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite,
            new Dictionary<string, string> { ["Uploads:Folder"] = Path.Combine(files.Path, "uploads") });
        var path = Path.Combine(files.Path, "records.csv");
        Tsunagu.Demo.SyntheticCity.Write(path, 1, new(2023, 3_000, 45_000));
        var manager = await world.SignInAsync("managerA");
        var caseworker = await world.SignInAsync("caseworkerA");
        var database = Path.GetDirectoryName(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(world.Database.Settings.ConnectionString).DataSource)!;

        var preview = UploadAsync(manager, world, path);
        while (!preview.IsCompleted && Directory.GetFiles(database, "*.preview-*").Length == 0)
        {
            await Task.Delay(10);
        }
        // While the preview is importing the whole file into its snapshot, a case worker opens a person.
        var page = await caseworker.Http.GetAsync($"/people/{world.Alice}");
        var previewStillRunning = !preview.IsCompleted;
        var answer = await Web.WebClient.ParseAsync(await preview);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.True(previewStillRunning);
        Assert.Contains("（確認のみ・書き込みなし）45109 行を読みました", answer.QuerySelector("main")!.TextContent.ReplaceLineEndings("").Replace("    ", ""));
        Assert.NotNull(answer.QuerySelector("input[name=token]"));
        Assert.Empty(Directory.GetFiles(database, "*.preview-*"));
        await using var db = world.Database.NewDb();
        Assert.Equal(0, await db.Contacts.CountAsync(c => c.ImportKey != null));
    }

    static async Task<HttpResponseMessage> UploadAsync(Web.WebClient client, RecordsWorld world, string path) =>
        await UploadAsync(client, world, Path.GetFileName(path), await File.ReadAllBytesAsync(path));

    /// <summary>A manager's upload for a preview of P001's records, as the page's form sends it.</summary>
    internal static async Task<HttpResponseMessage> UploadAsync(Web.WebClient client, RecordsWorld world, string name, byte[] bytes)
    {
        var program = (await world.ProgramIdAsync("P001")).ToString(CultureInfo.InvariantCulture);
        return await client.UploadAsync("/people/import", "form[action*=preview]", name, bytes, new() { ["ProgramId"] = program });
    }
}

public class UploadSizeTests
{
    [Fact]
    public async Task AnUploadOverTheLimit_Is413_WithAPageNamingTheLimit()
    {
        await using var world = await RecordsWorld.CreateAsync(DatabaseKind.Sqlite);
        var manager = await world.SignInAsync("managerA");

        var response = await HostileUploadTests.UploadAsync(manager, world, "big.csv", new byte[Tsunagu.Reports.Files.FileLimits.MaxUploadBytes + 1]);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("上限（50 MB）を超えています", (await Web.WebClient.ParseAsync(response)).QuerySelector("main")!.TextContent);
    }
}
