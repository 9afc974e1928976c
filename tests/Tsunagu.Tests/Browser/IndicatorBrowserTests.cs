using Microsoft.Playwright;

namespace Tsunagu.Tests.Browser;

[Collection(BrowserCollection.Name)]
public class IndicatorBrowserTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Planner_DefinesAFigure_CountsTheYear_AndFollowsItToItsDefinition()
    {
        var page = await fixture.SignInAsync(fixture.PlannerEmail);
        await page.GotoAsync("/programs/P008/indicators");

        await page.GetByLabel("適用する最初の年度").SelectOptionAsync("2024");
        await page.GetByLabel("指標名（実績表に載るとおり）").FillAsync("相談件数");
        await page.GetByLabel("単位", new() { Exact = true }).FillAsync("件");
        await page.GetByLabel("何を数えるか").SelectOptionAsync("Contacts");
        // Only the conditions the chosen measure takes are offered: 本人区分 is the persons' measures', not the contacts'.
        await Assertions.Expect(page.GetByRole(AriaRole.Group, new() { Name = "本人区分" })).ToBeHiddenAsync();
        var channel = page.GetByRole(AriaRole.Group, new() { Name = "方法" });
        foreach (var way in new[] { "訪問", "電話", "メール", "来所" })
        {
            await channel.GetByLabel(way, new() { Exact = true }).CheckAsync();
        }
        await page.GetByLabel("実績欄での表記").FillAsync("［指標名］ ［値］［単位］");
        await Assertions.Expect(page.Locator("#wording-example .example")).ToHaveTextAsync("相談件数 123件");
        await page.GetByRole(AriaRole.Button, new() { Name = "確認する（保存しない）" }).ClickAsync();
        await Assertions.Expect(page.Locator("section.preview")).ToContainTextAsync("方法=来所,電話,メール,訪問");
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "保存", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("「相談件数」の定義 第1版を保存しました");
        await BrowserFixture.ScreenshotAsync(page, "indicator-definitions");

        await page.GotoAsync("/indicators/2024");
        await page.GetByRole(AriaRole.Button, new() { Name = "記録から集計して実績欄に反映する" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("記録から集計し、下書きの実績欄に反映しました");
        var row = page.Locator("table.figures tbody tr", new() { HasText = "相談件数" });
        // Nobody in the browser tests' city is in P008: no contacts, and last year had no figure.
        await Assertions.Expect(row.Locator("td").Nth(1)).ToHaveTextAsync("0件");
        await Assertions.Expect(row).ToContainTextAsync("支援記録の延べ件数（方法=来所,電話,メール,訪問）");
        await BrowserFixture.ScreenshotAsync(page, "indicators-2024");

        await row.GetByRole(AriaRole.Link, new() { Name = "相談件数" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("相談件数");
        await Assertions.Expect(page.Locator("dl.definition")).ToContainTextAsync("令和6年度から（第1版）");
        await page.GotoAsync("/reports/2024");
        Assert.Equal("相談件数:0件", await page.Locator("#cell-P008-results").InnerTextAsync());
        await page.Locator("#cell-P008-results").GetByRole(AriaRole.Link, new() { Name = "相談件数:0件" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("相談件数");
        await page.Context.CloseAsync();
    }
}
