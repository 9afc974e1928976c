using Microsoft.Playwright;

namespace Tsunagu.Tests.Browser;

/// <summary>Every page a case worker uses, as the browser shows it, checked by axe-core; the new ones photographed.</summary>
[Collection(BrowserCollection.Name)]
public class CaseworkerPagesBrowserTests(BrowserFixture fixture)
{
    [Fact]
    public async Task EveryPageACaseworkerUses_HasNoSeriousOrCriticalAccessibilityViolation()
    {
        var page = await fixture.SignInAsync(fixture.CaseworkerEmail);
        async Task CheckAsync(string path, string? screenshot = null)
        {
            if (path.Length > 0)
            {
                await page.GotoAsync(path);
            }
            await Assertions.Expect(page.Locator("main h1")).ToBeVisibleAsync();
            await Axe.AssertNoSeriousViolationsAsync(page);
            if (screenshot is not null)
            {
                await BrowserFixture.ScreenshotAsync(page, screenshot);
            }
        }

        await CheckAsync("/caseload", "caseload");
        await CheckAsync("/people");
        await page.GetByLabel("ふりがな・氏名（前方一致）").FillAsync("やまだ");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("tbody tr")).Not.ToHaveCountAsync(0);
        await CheckAsync("");
        var person = (await page.GetByRole(AriaRole.Link, new() { Name = "山田 𠮷子" }).GetAttributeAsync("href"))!;
        await CheckAsync(person);
        // A contact to correct, then every step around the person.
        await page.GetByLabel("本人・家族の話").FillAsync("アクセシビリティ確認用の記録");
        await page.GetByRole(AriaRole.Button, new() { Name = "記録する" }).ClickAsync();
        await Assertions.Expect(page.Locator("ol.timeline > li:focus")).ToBeVisibleAsync();
        await CheckAsync("", "person-saved-contact");
        var edit = (await page.Locator("ol.timeline > li:focus a[href$='/edit']").GetAttributeAsync("href"))!;
        await CheckAsync(edit, "contact-correction");
        await CheckAsync(person + "/outcome", "outcome");
        await page.GotoAsync(person);
        var end = (await page.GetByRole(AriaRole.Link, new() { Name = "支援を終了する…" }).First.GetAttributeAsync("href"))!;
        await CheckAsync(end, "enrollment-end");
        await CheckAsync(person + "/disclosure");
        // A support plan written, waiting for the manager's approval; the restriction and sharing page.
        await page.GotoAsync(person);
        await page.GetByRole(AriaRole.Link, new() { Name = "支援計画を書く" }).First.ClickAsync();
        await CheckAsync("");
        await page.GetByLabel("アセスメント（本人・家族の状況、強み、課題）").FillAsync("数学に苦手意識がある。家庭学習の場所がない。");
        await page.GetByLabel("目標1").FillAsync("週2回の学習会に通う");
        await page.GetByLabel("支援内容1：内容").FillAsync("学習会での個別支援");
        await page.GetByLabel("支援内容1：頻度").FillAsync("週2回");
        await page.GetByRole(AriaRole.Button, new() { Name = "計画を保存して承認を依頼する" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "第1版（承認待ち）" })).ToBeVisibleAsync();
        await CheckAsync("", "support-plan");
        await CheckAsync(person + "/restriction", "restriction");
        await page.GotoAsync(person);
        await page.GetByRole(AriaRole.Link, new() { Name = "世帯", Exact = true }).ClickAsync();
        await CheckAsync("");

        // Registering someone likely registered already: the question, with the match.
        await page.GotoAsync("/people/new");
        await CheckAsync("");
        await page.GetByLabel("氏名（戸籍・住民票のとおり）").FillAsync("山田 吉子");
        await page.GetByLabel("ふりがな").FillAsync("ヤマダ ヨシコ");
        await page.GetByLabel("生年月日").FillAsync("H22.9.1");
        await page.GetByRole(AriaRole.Button, new() { Name = "登録する" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "同じ人ですか" })).ToBeVisibleAsync();
        await CheckAsync("", "registration-same-person");

        // A form refused: the messages by their fields, the list of them announced.
        await page.GotoAsync("/people/new");
        await page.GetByLabel("氏名（戸籍・住民票のとおり）").FillAsync("和暦 花子");
        await page.GetByLabel("ふりがな").FillAsync("われき はなこ");
        await page.GetByLabel("生年月日").FillAsync("H31.5.1");
        await page.GetByRole(AriaRole.Button, new() { Name = "登録する" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("生年月日")).ToHaveAttributeAsync("aria-invalid", "true");
        await CheckAsync("", "registration-refused");

        await CheckAsync("/people/duplicates", "duplicates");
        await CheckAsync("/referrals");
        await CheckAsync("/sessions");
        await CheckAsync("/subsidies");
        await CheckAsync("/activities");
        await CheckAsync("/places");
        await CheckAsync("/account/sessions");
        await page.Context.CloseAsync();
    }
}
