using Microsoft.Playwright;
using Tsunagu.Access;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Browser;

[Collection(BrowserCollection.Name)]
public class AccountBrowserTests(BrowserFixture fixture)
{
    [Fact]
    public async Task NewManager_ChangesTheOneTimePassword_RegistersAnAuthenticatorFromTheKey_AndKeepsTheRecoveryCodes()
    {
        var (email, oneTime) = await fixture.AddNewAccountAsync(Roles.Manager);
        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.BaseUrl, Locale = "ja-JP" });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await page.GetByLabel("メールアドレス").FillAsync(email);
        await page.GetByLabel("パスワード").FillAsync(oneTime);
        await page.GetByRole(AriaRole.Button, new() { Name = "サインイン" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/change-password$"));
        await page.GetByLabel("現在のパスワード").FillAsync(oneTime);
        await page.GetByLabel("新しいパスワード", new() { Exact = true }).FillAsync("青葉区の学習会は毎週木曜日");
        await page.GetByLabel("新しいパスワード（確認）").FillAsync("青葉区の学習会は毎週木曜日");
        await page.GetByRole(AriaRole.Button, new() { Name = "変更する" }).ClickAsync();

        // The set-up screen: a QR code drawn by Tsunagu, and the key as text for typing into an app by hand.
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/mfa-setup$"));
        await Assertions.Expect(page.GetByAltText("認証アプリに登録する QR コード")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "mfa-setup");
        var key = (await page.Locator("code.mfa-key").TextContentAsync())!.Replace(" ", "").ToUpperInvariant();
        await page.GetByLabel("確認コード（6桁）").FillAsync(TestAccounts.CodeFor(key));
        await page.GetByRole(AriaRole.Button, new() { Name = "登録する" }).ClickAsync();

        await Assertions.Expect(page.Locator("ul.recovery-codes li")).ToHaveCountAsync(10);
        await page.GetByRole(AriaRole.Link, new() { Name = "始める" }).ClickAsync();
        await Assertions.Expect(page.Locator("main h1")).Not.ToHaveTextAsync("二要素認証");
        await context.CloseAsync();
    }
}
