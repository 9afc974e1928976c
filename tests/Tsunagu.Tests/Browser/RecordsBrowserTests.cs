using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Tsunagu.Tests.Browser;

[Collection(BrowserCollection.Name)]
public class RecordsBrowserTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Caseworker_FindsAPersonByKana_RecordsAContactWithTheKeyboard_AndSeesItOnTheTimeline()
    {
        var page = await fixture.SignInAsync(fixture.CaseworkerEmail);
        Assert.EndsWith("/caseload", page.Url); // a case worker's day starts from their cases, the search at the top

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

        // The usual contact — a consultation at the office with the guardian there — in at most 8 keys besides the
        // text: the focus starts on 種別; date, time and program come filled in.
        await Assertions.Expect(page.GetByLabel("種別")).ToBeFocusedAsync();
        var keys = 0;
        async Task Press(string key)
        {
            keys++;
            await page.Keyboard.PressAsync(key);
        }
        await Press("Tab");                                  // 方法（来所）
        await Press("Tab");                                  // 区分
        await Press("Tab");                                  // 一緒に記録する人: 山田 春美
        await Press("Space");
        await Press("Tab");                                  // 本人・家族の話
        await page.Keyboard.TypeAsync("高校の見学に行きたい");
        await Press("Tab");                                  // 職員の所見
        await page.Keyboard.TypeAsync("見学の日程を一緒に決める");
        await Press("Control+Enter");                        // 記録する

        // The saved entry has the focus, with the message in it.
        var latest = page.Locator("ol.timeline > li").First;
        await Assertions.Expect(latest).ToBeFocusedAsync();
        await Assertions.Expect(latest.GetByRole(AriaRole.Status)).ToContainTextAsync("相談を記録しました");
        Assert.Equal(7, keys);
        await Assertions.Expect(latest).ToContainTextAsync("来所");
        await Assertions.Expect(latest).ToContainTextAsync("高校の見学に行きたい");
        await Assertions.Expect(latest).ToContainTextAsync("見学の日程を一緒に決める");
        await using (var db = fixture.Database.NewDb())
        {
            var saved = await db.Contacts.Include(c => c.Persons).OrderByDescending(c => c.Id).FirstAsync();
            Assert.Equal((Tsunagu.Contacts.ContactKind.Consultation, 2, true), (saved.Kind, saved.Persons.Count, saved.WithGuardian));
        }
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

    [Fact]
    public async Task Caseworker_WhoseSessionEnded_SignsInAgain_AndFindsWhatWasTyped()
    {
        var page = await fixture.SignInAsync(fixture.CaseworkerEmail);
        await page.Keyboard.TypeAsync("やまだ よ");
        await page.Keyboard.PressAsync("Enter");
        await page.GetByRole(AriaRole.Link, new() { Name = "山田 𠮷子" }).ClickAsync();
        var person = page.Url;
        Assert.Equal(204, (await page.APIRequest.GetAsync("/account/keepalive", new() { MaxRedirects = 0 })).Status);
        await page.GetByLabel("本人・家族の話").FillAsync("途中まで書いた記録");

        // The session ends (its cookie gone, as after the idle sign-out) while the text is still on the screen.
        await page.Context.ClearCookiesAsync();
        Assert.Equal(302, (await page.APIRequest.GetAsync("/account/keepalive", new() { MaxRedirects = 0 })).Status);
        await page.GetByRole(AriaRole.Button, new() { Name = "記録する" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login"));
        await BrowserFixture.CompleteSignInAsync(page, fixture.CaseworkerEmail);

        // Back on the person's page, what was typed is there again, said so; saving it clears the kept copy.
        Assert.Equal(person, page.Url);
        await Assertions.Expect(page.GetByLabel("本人・家族の話")).ToHaveValueAsync("途中まで書いた記録");
        await Assertions.Expect(page.Locator(".notice.draft")).ToContainTextAsync("保存されていない入力を戻しました");
        await page.GetByRole(AriaRole.Button, new() { Name = "記録する" }).ClickAsync();
        await Assertions.Expect(page.Locator("ol.timeline > li:focus")).ToContainTextAsync("途中まで書いた記録");
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByLabel("本人・家族の話")).ToHaveValueAsync("");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Caseworker_PrintsTheCaseRecordAndTheDisclosureCopy_OnA4_WithoutAnyForm()
    {
        var page = await fixture.SignInAsync(fixture.CaseworkerEmail);
        await page.Keyboard.TypeAsync("やまだ よ");
        await page.Keyboard.PressAsync("Enter");
        await page.GetByRole(AriaRole.Link, new() { Name = "山田 𠮷子" }).ClickAsync();
        var person = page.Url;
        await Assertions.Expect(page.Locator("main form").First).ToBeVisibleAsync();

        await page.EmulateMediaAsync(new() { Media = Media.Print });
        await Assertions.Expect(page.Locator("main form:visible")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".document-head")).ToContainTextAsync("ケース記録（児童記録票）");
        await BrowserFixture.ScreenshotAsync(page, "person-record-print");
        var record = await page.PdfAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "person-record.pdf"), PreferCSSPageSize = true });

        await page.EmulateMediaAsync(new() { Media = Media.Screen });
        await page.GotoAsync(person + "/disclosure");
        await page.GetByRole(AriaRole.Button, new() { Name = "写しを作る" }).ClickAsync();
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        await Assertions.Expect(page.Locator("main form:visible")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".document-head")).ToContainTextAsync("保有個人情報の開示");
        await Assertions.Expect(page.Locator(".document-head")).ToContainTextAsync("開示第");
        await BrowserFixture.ScreenshotAsync(page, "disclosure-copy-print");
        var copy = await page.PdfAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "disclosure-copy.pdf"), PreferCSSPageSize = true });

        // A4 (595 × 842 points) as the page's own @page rule asks.
        foreach (var pdf in new[] { record, copy })
        {
            var box = System.Text.RegularExpressions.Regex.Match(System.Text.Encoding.Latin1.GetString(pdf), @"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]");
            Assert.True(box.Success, "no page in the PDF");
            Assert.Equal((595, 842), ((int)Math.Round(double.Parse(box.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)),
                (int)Math.Round(double.Parse(box.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture))));
        }
        await page.Context.CloseAsync();
    }
}
