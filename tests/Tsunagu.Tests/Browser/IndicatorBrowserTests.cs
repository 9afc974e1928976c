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

        await page.GetByLabel("キー（英数字。版をまたいで同じ指標を指します）").FillAsync("consultations");
        await page.GetByLabel("適用する最初の年度").FillAsync("2024");
        await page.GetByLabel("指標名").FillAsync("相談件数");
        await page.GetByLabel("単位").FillAsync("件");
        await page.GetByLabel("何を数えるか").SelectOptionAsync("Contacts");
        await page.GetByLabel("条件").FillAsync("方法＝訪問、電話、メール、来所");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("「相談件数」の定義 第1版を保存しました");
        await BrowserFixture.ScreenshotAsync(page, "indicator-definitions");

        await page.GotoAsync("/indicators/2024");
        await page.GetByRole(AriaRole.Button, new() { Name = "記録から集計して実績欄に反映する" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("記録から集計し、下書きの実績欄に反映しました");
        var row = page.Locator("table.figures tbody tr", new() { HasText = "相談件数" });
        // Nobody in the browser tests' city is in P008: no contacts, and last year had no figure.
        await Assertions.Expect(row.Locator("td").Nth(1)).ToHaveTextAsync("0件");
        await Assertions.Expect(row).ToContainTextAsync("支援記録の延べ件数（方法=訪問,電話,メール,来所）");
        await BrowserFixture.ScreenshotAsync(page, "indicators-2024");

        await row.GetByRole(AriaRole.Link, new() { Name = "相談件数" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("相談件数");
        await Assertions.Expect(page.Locator("dl.definition")).ToContainTextAsync("令和6年度から（第1版）");
        await page.GotoAsync("/reports/2024");
        Assert.Equal("相談件数:0件", await page.Locator("#cell-P008-results").InnerTextAsync());
        await page.Context.CloseAsync();
    }
}
