using Microsoft.Playwright;
using MiniExcelLibs;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Browser;

[Collection(BrowserCollection.Name)]
public class ReportBrowserTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Viewer_SignsIn_OpensTheReport_AndSeesTheFigures()
    {
        var page = await fixture.SignInAsync(fixture.ViewerEmail);
        await BrowserFixture.ScreenshotAsync(page, "years");

        await page.GetByRole(AriaRole.Link, new() { Name = "令和6年度" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync($"{fixture.BaseUrl}/reports/2024");
        Assert.Equal("利用者数:303人 高校進学率:99%", await page.Locator("#cell-P001-results").InnerTextAsync());
        Assert.Contains("令和6年度", await page.Locator("h1").InnerTextAsync());
        await BrowserFixture.ScreenshotAsync(page, "report-2024");

        // The first Tab reaches the skip link: the page is usable from the keyboard.
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("本文へ移動", await page.EvaluateAsync<string>("document.activeElement.textContent"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Report_OnATablet_FitsTheScreenWidth()
    {
        var page = await fixture.SignInAsync(fixture.ViewerEmail, width: 768, height: 1024);
        await page.GotoAsync("/reports/2024");

        // Only the table scrolls sideways; the page itself does not.
        var pageWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(pageWidth <= 768, $"page is {pageWidth}px wide");
        await BrowserFixture.ScreenshotAsync(page, "report-2024-tablet");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Planner_EditsAnEvaluation()
    {
        var page = await fixture.SignInAsync(fixture.PlannerEmail);
        await page.GotoAsync("/programs/P002");
        var text = $"オンライン教室を継続した。（{Guid.NewGuid():N}）";

        await page.GetByLabel("令和6年度の評価").FillAsync(text);
        await page.GetByRole(AriaRole.Button, new() { Name = "評価を保存" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("令和6年度の評価を保存しました");
        Assert.Equal(text, await page.GetByLabel("令和6年度の評価").InputValueAsync());
        Assert.Contains(text, await page.Locator("table").Last.InnerTextAsync()); // the change history
        await BrowserFixture.ScreenshotAsync(page, "program-P002");
        await page.GotoAsync("/reports/2024");
        Assert.Equal(text, await page.Locator("#cell-P002-evaluation").InnerTextAsync());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Planner_UploadsTheSeedFile_AndSeesThePreview()
    {
        var page = await fixture.SignInAsync(fixture.PlannerEmail);
        using var files = new TempFolder();
        var seed = Seed.Write(files.Path, "r6-main-8-programs.tsv", Seed.Bytes());
        await page.GotoAsync("/reports/upload");

        await page.GetByLabel("ファイル（.xlsx、.csv、.tsv）").SetInputFilesAsync(seed);
        await page.GetByRole(AriaRole.Button, new() { Name = "内容を確認する" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "取り込み内容の確認" })).ToBeVisibleAsync();
        Assert.Contains("令和6年度（2024年度）", await page.Locator("main").InnerTextAsync());
        Assert.Equal(8, await page.Locator("tbody tr").CountAsync());
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "この内容で取り込む" })).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "upload-preview");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Viewer_DownloadsTheXlsx()
    {
        var page = await fixture.SignInAsync(fixture.ViewerEmail);
        await page.GotoAsync("/reports/2024");
        using var files = new TempFolder();

        // Without last year's values: the box cleared, the form's hidden "false" is what is sent.
        await page.GetByLabel("実績欄に前年度の値【】を付ける").UncheckAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Excel（.xlsx）" }).ClickAsync());
        var path = files.File("download.xlsx");
        await download.SaveAsAsync(path);

        Assert.EndsWith(".xlsx", download.SuggestedFilename);
        var rows = MiniExcel.Query(path, useHeaderRow: false).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal("主な施策8事業の令和6年度実績", rows[0]["A"]);
        Assert.Equal("事業名", rows[2]["A"]);
        Assert.Equal("利用者数:303人 高校進学率:99%", rows[3]["C"]);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task SignInPage_IsServedToAnAnonymousVisitor()
    {
        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.BaseUrl, ViewportSize = new() { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();

        await page.GotoAsync("/reports/2024");

        Assert.StartsWith($"{fixture.BaseUrl}/account/login", page.Url);
        await BrowserFixture.ScreenshotAsync(page, "sign-in");
        await context.CloseAsync();
    }
}
