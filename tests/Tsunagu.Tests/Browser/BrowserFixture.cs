using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tsunagu.Access;
using Tsunagu.People;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Browser;

// Alone, after the other tests: a browser waiting on a page is the wrong thing to share two cores with.
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

/// <summary>
/// Tsunagu on a loopback port with the sample report, and Debian's Chromium driven by Playwright. One server and
/// one browser for all browser tests; each test gets a fresh browser context (its own cookies).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    const string Chromium = "/usr/bin/chromium";

    TestDatabase database = null!;
    WebApplication app = null!;
    IPlaywright playwright = null!;

    public IBrowser Browser { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";
    public string PlannerEmail { get; private set; } = "";
    public string ViewerEmail { get; private set; } = "";
    public string CaseworkerEmail { get; private set; } = "";

    /// <summary>The manager of 学習・生活サポート事業: approves the case worker's plans.</summary>
    public string ManagerEmail { get; private set; } = "";
    public TestDatabase Database => database;

    /// <summary>Where screenshots go: artifacts/screenshots at the top of the repository.</summary>
    public static string Screenshots { get; } = Path.Combine(RepositoryRoot(), "artifacts", "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium))
        {
            throw new InvalidOperationException($"{Chromium} is missing. Run ./test.sh, which installs Debian's chromium package.");
        }
        database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        app = WebApp.Build(["--urls", "http://127.0.0.1:0"], database.Configure);
        await WebApp.PrepareAsync(app.Services);
        await app.StartAsync();
        BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        PlannerEmail = await TestAccounts.AddAsync(app.Services, Roles.Planner);
        ViewerEmail = await TestAccounts.AddAsync(app.Services, Roles.Viewer);
        CaseworkerEmail = await TestAccounts.AddAsync(app.Services, Roles.Caseworker);
        ManagerEmail = await TestAccounts.AddAsync(app.Services, Roles.Manager);
        await SeedRecordsAsync();

        Directory.CreateDirectory(Screenshots);
        Console.WriteLine($"Screenshots: {Screenshots}");
        playwright = await Playwright.CreateAsync();
        // The flags keep Chromium from reaching for Google's services, which the closed network refuses.
        Browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>The case worker works in 学習・生活サポート事業, where 山田𠮷子 and her mother are registered.</summary>
    async Task SeedRecordsAsync()
    {
        await using var db = database.NewDb();
        var program = await db.Programs.SingleAsync(p => p.Code == "P001");
        foreach (var email in new[] { CaseworkerEmail, ManagerEmail })
        {
            var userId = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
            await Tsunagu.Access.ProgramAssignments.AssignAsync(db, userId, program, "test", TimeProvider.System);
        }
        var household = new Tsunagu.People.Household { WardCode = "041041" };
        foreach (var (name, kana, born, role) in new[]
        {
            ("山田 𠮷子", "やまだ よしこ", new DateOnly(2010, 9, 1), Tsunagu.People.PersonRole.Child),
            ("山田 春美", "やまだ はるみ", new DateOnly(1983, 5, 5), Tsunagu.People.PersonRole.Guardian),
        })
        {
            var person = new Tsunagu.People.Person
            {
                Name = name,
                Kana = kana,
                KanaKey = Tsunagu.Japanese.JapaneseText.KanaKey(kana),
                BirthDate = born,
                Role = role,
                Household = household,
            };
            db.Enrollments.Add(new Enrollment { Person = person, ProgramId = program.Id, From = new DateOnly(2024, 4, 1) });
        }
        await db.SaveChangesAsync();
    }

    public async Task<IPage> SignInAsync(string email, int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = BaseUrl, ViewportSize = new() { Width = width, Height = height }, Locale = "ja-JP" });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await CompleteSignInAsync(page, email);
        return page;
    }

    /// <summary>Fills the sign-in page the browser is on (the first visit, or after a session ended) and waits past it.</summary>
    public static async Task CompleteSignInAsync(IPage page, string email)
    {
        await page.GetByLabel("メールアドレス").FillAsync(email);
        await page.GetByLabel("パスワード").FillAsync(TestAccounts.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "サインイン" }).ClickAsync();
        if (TestAccounts.HasAuthenticator(email))
        {
            // The second step, as on a phone: the authenticator's current six digits.
            await page.GetByLabel("認証アプリの確認コード（6桁）").FillAsync(TestAccounts.Code(email));
            await page.GetByRole(AriaRole.Button, new() { Name = "確認する", Exact = true }).ClickAsync();
        }
        // Polls the address rather than waiting for a load event: WaitForURL once hung 30 s in CI on a navigation
        // that had already finished.
        await Assertions.Expect(page).Not.ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login"));
        await Assertions.Expect(page.Locator("main")).ToBeVisibleAsync();
    }

    /// <summary>An account as an administrator makes it: a one-time password, nothing registered yet.</summary>
    public async Task<(string Email, string OneTime)> AddNewAccountAsync(string role)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var email = $"new-{role}-{Guid.NewGuid():N}@city.example.jp";
        return (email, await scope.ServiceProvider.GetRequiredService<AccountAdmin>().AddAsync(email, role, "test"));
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        await database.DisposeAsync();
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tsunagu.slnx")))
            {
                return dir.FullName;
            }
        }
        return AppContext.BaseDirectory;
    }
}
