using Microsoft.Playwright;

namespace Tsunagu.Tests.Browser;

[Collection(BrowserCollection.Name)]
public class RecordsBrowserTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Caseworker_FindsAPersonByKana_RecordsAContactWithTheKeyboard_AndSeesItOnTheTimeline()
    {
        var page = await fixture.SignInAsync(fixture.CaseworkerEmail);
        Assert.EndsWith("/people", page.Url); // a case worker's day starts from finding a person

        // The search box has the focus on arrival (autofocus lands once the page has loaded; typing before that
        // loses keys): type the reading in katakana and press Enter.
        await Assertions.Expect(page.GetByLabel("ふりがな・氏名（前方一致）")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("ヤマダ ヨ");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("tbody tr")).ToHaveCountAsync(1);
        await BrowserFixture.ScreenshotAsync(page, "people-search");

        // Tab from the search button to the result and open it.
        await page.GetByRole(AriaRole.Link, new() { Name = "山田 𠮷子" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("山田 𠮷子");

        // Date and time come filled in; from 種別 on, everything is keys.
        await page.GetByLabel("種別").FocusAsync();
        await page.Keyboard.PressAsync("ArrowDown");        // 相談 → 家庭訪問
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("ArrowDown");        // 来所 → 電話
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("学業・進路");          // 区分
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("30");                // 時間（分）
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Space");            // 一緒に記録する人: 山田 春美
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("高校の見学に行きたい");  // 本人・家族の話
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("見学の日程を一緒に決める"); // 職員の所見
        await page.Keyboard.PressAsync("Tab");              // 第三者・関係機関（閉じたまま）
        await page.Keyboard.PressAsync("Tab");              // 記録する
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("家庭訪問を記録しました");
        var latest = page.Locator("ol.timeline > li").First;
        await Assertions.Expect(latest).ToContainTextAsync("家庭訪問");
        await Assertions.Expect(latest).ToContainTextAsync("電話");
        await Assertions.Expect(latest).ToContainTextAsync("学業・進路");
        await Assertions.Expect(latest).ToContainTextAsync("30分");
        await Assertions.Expect(latest).ToContainTextAsync("高校の見学に行きたい");
        await Assertions.Expect(latest).ToContainTextAsync("見学の日程を一緒に決める");
        await BrowserFixture.ScreenshotAsync(page, "person-timeline");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Caseworker_OpensTheHousehold_AndMakesADisclosureCopyWithoutTheAgencysWords()
    {
        var page = await fixture.SignInAsync(fixture.CaseworkerEmail);
        await Assertions.Expect(page.GetByLabel("ふりがな・氏名（前方一致）")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("やまだ よ");
        await page.Keyboard.PressAsync("Enter");
        await page.GetByRole(AriaRole.Link, new() { Name = "山田 𠮷子" }).ClickAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "世帯", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("tbody th")).ToContainTextAsync(["山田 春美", "山田 𠮷子"]);
        await BrowserFixture.ScreenshotAsync(page, "household");

        await page.GetByRole(AriaRole.Link, new() { Name = "山田 𠮷子" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "開示請求用の写しを作る" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("関係機関からの情報")).Not.ToBeCheckedAsync();
        await page.GetByLabel("職員の所見").CheckAsync(); // a deliberate tick: the assessment is disclosed this time
        await page.GetByRole(AriaRole.Button, new() { Name = "写しを作る" }).ClickAsync();
        await Assertions.Expect(page.Locator("section.disclosure")).ToContainTextAsync("含めた内容: 本人・家族の話・職員の所見");
        await BrowserFixture.ScreenshotAsync(page, "disclosure-copy");
        await page.Context.CloseAsync();
    }
}
