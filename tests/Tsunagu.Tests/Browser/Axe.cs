using System.Text.Json;
using Microsoft.Playwright;

namespace Tsunagu.Tests.Browser;

/// <summary>
/// axe-core (installed from npm by test.sh into tests/tools, never fetched at run time) run on the page as the browser
/// shows it: a serious or critical violation fails the test, each named with the elements it was found on.
/// </summary>
public static class Axe
{
    static readonly Lazy<string> Source = new(() =>
    {
        var path = Path.Combine(BrowserFixture.RepositoryRoot(), "tests", "tools", "node_modules", "axe-core", "axe.min.js");
        return File.Exists(path) ? File.ReadAllText(path) : throw new InvalidOperationException($"{path} is missing. Run ./test.sh, which installs it (npm ci).");
    });

    /// <param name="every">Every violation fails, whatever its impact: for the public site, which JIS X 8341-3 AA holds to.</param>
    public static async Task AssertNoSeriousViolationsAsync(IPage page, bool every = false)
    {
        // Evaluated through the browser's debugging protocol: the pages' Content-Security-Policy allows no inline script.
        await page.EvaluateAsync(Source.Value);
        var result = await page.EvaluateAsync<JsonElement>("""
            async (every) => {
                const r = await axe.run(document);
                return {
                    passed: r.passes.length,
                    violations: r.violations.filter(v => every || v.impact === 'serious' || v.impact === 'critical')
                        .map(v => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`),
                };
            }
            """, every);
        var violations = result.GetProperty("violations");
        // Rules that passed: proof that axe looked at the page at all.
        Assert.True(result.GetProperty("passed").GetInt32() > 10, $"{page.Url}: axe checked almost nothing ({result})");
        Assert.True(violations.GetArrayLength() == 0, $"{page.Url}\n{string.Join("\n", violations.EnumerateArray().Select(v => v.GetString()))}");
    }
}
