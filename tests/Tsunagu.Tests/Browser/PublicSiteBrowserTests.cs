using System.Globalization;
using Microsoft.Playwright;
using Tsunagu.Calendar;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Browser;

/// <summary>The public site as a family's browser shows it: no axe-core violation of any impact, at 320 px and in forced colours.</summary>
[Collection(BrowserCollection.Name)]
public class PublicSiteBrowserTests(BrowserFixture fixture)
{
    [Fact]
    public async Task ThePublicSite_HasNoAccessibilityViolation_FitsAPhone_AndWorksInForcedColours()
    {
        var year = CityClock.CurrentFiscalYear(TimeProvider.System).ToString(CultureInfo.InvariantCulture);
        await CliRun.RunAsync(fixture.Database, "catalogue", "demo", "--fiscal-year", year);
        using var files = new TempFolder();
        await CliRun.RunOkAsync(fixture.Database, "public", "build", "--out", files.Path);
        var context = await fixture.Browser.NewContextAsync(new() { Locale = "ja-JP", ViewportSize = new() { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();
        var index = new Uri(Path.Combine(files.Path, "index.html")).AbsoluteUri;
        var scheme = new Uri(Path.Combine(files.Path, "schemes", year, "shingaku-challenge.html")).AbsoluteUri;

        foreach (var url in new[] { index, scheme })
        {
            await page.GotoAsync(url);
            await Axe.AssertNoSeriousViolationsAsync(page, every: true);
        }
        await page.GotoAsync(index);
        await BrowserFixture.ScreenshotAsync(page, "public-index");
        // A phone held upright: nothing wider than the screen.
        await page.SetViewportSizeAsync(320, 640);
        await page.GotoAsync(scheme);
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 320"), "The scheme page is wider than 320 px.");
        await BrowserFixture.ScreenshotAsync(page, "public-scheme-320px");
        await page.EmulateMediaAsync(new() { ForcedColors = ForcedColors.Active });
        await Axe.AssertNoSeriousViolationsAsync(page, every: true);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "進学チャレンジ応援補助金" })).ToBeVisibleAsync();
        await context.CloseAsync();
    }
}
