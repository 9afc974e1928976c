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
        // Contact details saved, then a scanned form attached.
        await CheckAsync(person + "/contact-details");
        await page.GetByLabel("電話番号").FillAsync("０２２－２１４－１１１１");
        await page.GetByLabel("郵便番号（世帯）").FillAsync("9800811");
        await page.GetByLabel("住所（世帯）").FillAsync("仙台市青葉区一番町1丁目2番3号");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存する" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("連絡先を保存しました。");
        await Assertions.Expect(page.GetByLabel("電話番号")).ToHaveValueAsync("022-214-1111");
        await CheckAsync("", "contact-details");
        await CheckAsync(person + "/attachments");
        await page.GetByLabel("書類の名前").FillAsync("個人情報の取扱いに関する同意書");
        await page.GetByLabel("ファイル").SetInputFilesAsync(new FilePayload
        {
            Name = "同意書.png",
            MimeType = "image/png",
            Buffer = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="),
        });
        await page.GetByRole(AriaRole.Button, new() { Name = "添付する" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "個人情報の取扱いに関する同意書" })).ToBeVisibleAsync();
        await CheckAsync("", "attachments");
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

    [Fact]
    public async Task TheManager_ApprovesThePlanTheCaseworkerWrote_AndFollowsTheMonthlyFigures()
    {
        var worker = await fixture.SignInAsync(fixture.CaseworkerEmail);
        await worker.GotoAsync("/people");
        await worker.GetByLabel("ふりがな・氏名（前方一致）").FillAsync("やまだ はるみ");
        await worker.Keyboard.PressAsync("Enter");
        await worker.GetByRole(AriaRole.Link, new() { Name = "山田 春美" }).ClickAsync();
        var person = new Uri(worker.Url).AbsolutePath;
        await worker.GetByRole(AriaRole.Link, new() { Name = "支援計画を書く" }).First.ClickAsync();
        await worker.GetByLabel("アセスメント（本人・家族の状況、強み、課題）").FillAsync("就労と子育ての両立に悩んでいる。");
        await worker.GetByLabel("目標1").FillAsync("月1回の面談で家計を見直す");
        await worker.GetByLabel("支援内容1：内容").FillAsync("家計相談");
        await worker.GetByLabel("支援内容1：頻度").FillAsync("月1回");
        await worker.GetByRole(AriaRole.Button, new() { Name = "計画を保存して承認を依頼する" }).ClickAsync();
        await Assertions.Expect(worker.GetByRole(AriaRole.Heading, new() { Name = "第1版（承認待ち）" })).ToBeVisibleAsync();
        var plan = new Uri(worker.Url).AbsolutePath;
        // The writer cannot approve their own plan: no button for them.
        await Assertions.Expect(worker.GetByRole(AriaRole.Button, new() { Name = "第1版を承認する" })).ToHaveCountAsync(0);

        var manager = await fixture.SignInAsync(fixture.ManagerEmail);
        await manager.GotoAsync("/caseload");
        await Assertions.Expect(manager.Locator("#task-list")).ToContainTextAsync("山田 春美");
        await manager.GotoAsync(plan);
        await Axe.AssertNoSeriousViolationsAsync(manager);
        await manager.GetByRole(AriaRole.Button, new() { Name = "第1版を承認する" }).ClickAsync();
        await Assertions.Expect(manager.GetByRole(AriaRole.Heading, new() { Name = "いまの計画（第1版・承認済み）" })).ToBeVisibleAsync();
        await Axe.AssertNoSeriousViolationsAsync(manager);
        await BrowserFixture.ScreenshotAsync(manager, "support-plan-approved");
        // The person page prints the plan in force on the case record.
        await manager.GotoAsync(person);
        await manager.EmulateMediaAsync(new() { Media = Media.Print });
        await Assertions.Expect(manager.Locator("section.print-only").Filter(new() { HasText = "月1回の面談で家計を見直す" })).ToBeVisibleAsync();
        await manager.EmulateMediaAsync(new() { Media = Media.Screen });

        await DefineFiguresAsync();
        await manager.GotoAsync("/catalogue/edit");
        await Axe.AssertNoSeriousViolationsAsync(manager);
        await BrowserFixture.ScreenshotAsync(manager, "catalogue-edit");
        await manager.GotoAsync("/programs/P001/months");
        await Assertions.Expect(manager.Locator("section.figure-months h2")).ToHaveTextAsync(["支援件数", "相談件数", "支援した実人数"]);
        await Assertions.Expect(manager.Locator("main h1")).ToHaveTextAsync("月別の実績");
        await Axe.AssertNoSeriousViolationsAsync(manager);
        await BrowserFixture.ScreenshotAsync(manager, "monthly-figures");
    }

    [Fact]
    public async Task APlanner_WritesANoticeForAWindow_AndTheManagerApprovesIt_OnAccessiblePages()
    {
        int window;
        await using (var db = fixture.Database.NewDb())
        {
            var program = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.Programs, p => p.Code == "P001");
            var scheme = new Tsunagu.Catalogue.SupportScheme
            {
                FiscalYear = 2027,
                Key = "browser-summer-school",
                Name = "夏期講座（ブラウザー）",
                Summary = "夏休みの講座です。",
                WhoCanApply = "中学3年生",
                HowToApply = "窓口で",
                ContactPoint = "子供家庭支援課",
                ProgramId = program.Id,
                Windows = [new Tsunagu.Catalogue.ApplicationWindow { Opens = new DateOnly(2027, 7, 1), Closes = new DateOnly(2027, 7, 31), Target = "学年=中3" }],
            };
            db.SupportSchemes.Add(scheme);
            await db.SaveChangesAsync();
            window = scheme.Windows[0].Id;
        }
        var planner = await fixture.SignInAsync(fixture.PlannerEmail);
        await planner.GotoAsync($"/notices/edit?window={window}");
        await Axe.AssertNoSeriousViolationsAsync(planner);
        await planner.GetByLabel("N（日数）").FillAsync("10");
        await planner.GetByLabel("文面").FillAsync("夏期講座の申し込みが7月1日から始まります。");
        await planner.GetByRole(AriaRole.Button, new() { Name = "保存する" }).ClickAsync();
        await Assertions.Expect(planner.Locator(".status").First).ToHaveTextAsync("下書き");
        await Assertions.Expect(planner.GetByRole(AriaRole.Button, new() { Name = "承認する" })).ToHaveCountAsync(0);
        var notice = new Uri(planner.Url).AbsolutePath;

        var manager = await fixture.SignInAsync(fixture.ManagerEmail);
        await manager.GotoAsync(notice);
        await Axe.AssertNoSeriousViolationsAsync(manager);
        await manager.GetByRole(AriaRole.Button, new() { Name = "承認する" }).ClickAsync();
        await Assertions.Expect(manager.Locator(".status").First).ToContainTextAsync("承認済み");
        await Axe.AssertNoSeriousViolationsAsync(manager);
        await BrowserFixture.ScreenshotAsync(manager, "notice-approved");
        await manager.GotoAsync("/notices?year=2027");
        await Assertions.Expect(manager.Locator("tbody tr")).ToContainTextAsync("受付開始の10日前");
        await Axe.AssertNoSeriousViolationsAsync(manager);
    }

    /// <summary>Three figures of the program, defined as a planner would (once for the run): the months count them.</summary>
    async Task DefineFiguresAsync()
    {
        await using var db = fixture.Database.NewDb();
        if (!await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(db.IndicatorDefinitions, d => d.Program.Code == "P001"))
        {
            await Tsunagu.Tests.Indicators.IndicatorComputeTests.DefineAsync(db,
                new Tsunagu.Indicators.DefinitionInput("P001", "contacts", 2024, 0, "支援件数", "件", Tsunagu.Indicators.MeasureKind.Contacts),
                new Tsunagu.Indicators.DefinitionInput("P001", "consultations", 2024, 1, "相談件数", "件", Tsunagu.Indicators.MeasureKind.Contacts, "種別=相談"),
                new Tsunagu.Indicators.DefinitionInput("P001", "served", 2024, 2, "支援した実人数", "人", Tsunagu.Indicators.MeasureKind.ServedPersons));
        }
    }

    [Fact]
    public async Task ACorrectionAndAWithdrawal_AreFollowedByTheFigures_TheManagerReads()
    {
        await DefineFiguresAsync();
        var worker = await fixture.SignInAsync(fixture.CaseworkerEmail);
        var manager = await fixture.SignInAsync(fixture.ManagerEmail);
        async Task<(string Contacts, string Consultations)> ToDateAsync()
        {
            await manager.GotoAsync("/programs/P001/months");
            var sections = manager.Locator("section.figure-months p strong");
            return (await sections.Nth(0).InnerTextAsync(), await sections.Nth(1).InnerTextAsync());
        }
        static int Count(string figure) => int.Parse(figure.TrimEnd('件'), System.Globalization.CultureInfo.InvariantCulture);

        await worker.GotoAsync("/people");
        await worker.GetByLabel("ふりがな・氏名（前方一致）").FillAsync("やまだ はるみ");
        await worker.Keyboard.PressAsync("Enter");
        await worker.GetByRole(AriaRole.Link, new() { Name = "山田 春美" }).ClickAsync();
        await worker.GetByLabel("種別").SelectOptionAsync(new SelectOptionValue { Label = "学習支援" });
        await worker.GetByLabel("本人・家族の話").FillAsync("訂正と取消の確認用");
        await worker.GetByRole(AriaRole.Button, new() { Name = "記録する" }).ClickAsync();
        await Assertions.Expect(worker.Locator("ol.timeline > li:focus")).ToBeVisibleAsync();
        var edit = (await worker.Locator("ol.timeline > li:focus a[href$='/edit']").GetAttributeAsync("href"))!;
        var recorded = await ToDateAsync();

        // 学習支援 was a consultation: corrected, the consultations count it.
        await worker.GotoAsync(edit);
        await worker.GetByLabel("種別").SelectOptionAsync(new SelectOptionValue { Label = "相談" });
        await worker.GetByLabel("訂正の理由").FillAsync("種別の誤り");
        await worker.GetByRole(AriaRole.Button, new() { Name = "訂正する" }).ClickAsync();
        await Assertions.Expect(worker.Locator("ol.timeline")).ToBeVisibleAsync();
        var corrected = await ToDateAsync();
        // It never took place: withdrawn, it leaves both counts, and stays on the timeline struck through.
        await worker.GotoAsync(edit);
        await worker.GetByLabel("取消の理由").FillAsync("行われなかった面談");
        await worker.GetByRole(AriaRole.Button, new() { Name = "この記録を取り消す" }).ClickAsync();
        await Assertions.Expect(worker.Locator("ol.timeline li.withdrawn").Filter(new() { HasText = "訂正と取消の確認用" })).ToBeVisibleAsync();
        var withdrawn = await ToDateAsync();

        Assert.Equal((Count(recorded.Contacts), Count(recorded.Consultations) + 1), (Count(corrected.Contacts), Count(corrected.Consultations)));
        Assert.Equal((Count(recorded.Contacts) - 1, Count(recorded.Consultations)), (Count(withdrawn.Contacts), Count(withdrawn.Consultations)));
    }
}
