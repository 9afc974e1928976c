using System.CommandLine;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Access;
using Tsunagu.Data;
using Tsunagu.Indicators;
using Tsunagu.Reports;
using Tsunagu.Reports.Files;

namespace Tsunagu;

/// <summary>Where a command writes: text for people, and the raw stream for exports to standard output.</summary>
public sealed record CliIo(TextWriter Out, TextWriter Error, Func<Stream> OpenStandardOutput)
{
    public static CliIo Console => new(System.Console.Out, System.Console.Error, System.Console.OpenStandardOutput);
}

/// <summary>
/// The verbs of the one executable. Each verb is a few lines over the feature's code, which the web application
/// calls too. <paramref name="configure"/> lets tests point a run at their own database.
/// </summary>
public sealed class Cli(CliIo io, Action<IConfigurationBuilder>? configure = null)
{
    public static Task<int> RunAsync(string[] args) => new Cli(CliIo.Console).InvokeAsync(args);

    public async Task<int> InvokeAsync(string[] args, CancellationToken ct = default)
    {
        var parse = BuildCommands().Parse(args);
        // A typo is an error on every verb (`--encodng cp932`, `--dry-run` where there is none, a stray word): only the
        // root and serve pass what they do not know to the web host (--urls and the like). The root command's setting
        // decides for all in System.CommandLine, so the check is here.
        if (parse.UnmatchedTokens.Count > 0 && parse.CommandResult.Command is not RootCommand && parse.CommandResult.Command.Name != "serve")
        {
            var verb = string.Join(" ", parse.CommandResult.Command.Parents.OfType<Command>().Where(c => c is not RootCommand).Reverse()
                .Append(parse.CommandResult.Command).Select(c => c.Name));
            await io.Error.WriteLineAsync($"tsunagu {verb}: 使えないオプションまたは余分な引数です: {string.Join(" ", parse.UnmatchedTokens)}（tsunagu {verb} --help で使い方を表示します）");
            return 1;
        }
        return await parse.InvokeAsync(new InvocationConfiguration { Output = io.Out, Error = io.Error }, ct);
    }

    RootCommand BuildCommands()
    {
        var root = new RootCommand("Tsunagu（つなぐ）: こども・家庭支援事業の記録と年次実績報告。動詞を省くと serve を実行します。")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        root.SetAction((result, ct) =>
        {
            // Bare `tsunagu` (or with host options such as --urls) serves; an unknown word is a typo, not a wish to serve.
            var unmatched = result.UnmatchedTokens;
            if (unmatched.Count > 0 && !unmatched[0].StartsWith('-'))
            {
                io.Error.WriteLine($"不明なコマンドです: {unmatched[0]}（tsunagu --help で一覧を表示します）");
                return Task.FromResult(1);
            }
            return ServeAsync([.. unmatched], ct);
        });

        var serve = new Command("serve", "Web サーバーを起動します（既定の動詞）。--urls などのホスト設定をそのまま渡せます。")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        var demo = new Option<bool>("--demo")
        {
            Description = "記録のないデータベースに架空の街（令和5・6年度）を作って集計してから起動します（デモ用。実データのあるデータベースでは何もしません）",
        };
        serve.Options.Add(demo);
        serve.SetAction((result, ct) => ServeAsync([.. result.UnmatchedTokens], ct, result.GetValue(demo)));
        root.Subcommands.Add(serve);

        root.Subcommands.Add(DbCommands());
        root.Subcommands.Add(ReportCommands());
        root.Subcommands.Add(MetricsCommands());
        root.Subcommands.Add(IndicatorCommands());
        root.Subcommands.Add(UserCommands());
        root.Subcommands.Add(RecordCommands());
        root.Subcommands.Add(DemoCommands());
        root.Subcommands.Add(AuditCommands());
        return root;
    }

    static Option<int> FiscalYearOption(bool required) => new("--fiscal-year")
    {
        Description = "年度（西暦の開始年。令和6年度なら 2024）",
        Required = required,
    };

    Command DbCommands()
    {
        var migrate = new Command("migrate", "データベースにマイグレーションを適用します。");
        migrate.SetAction((result, ct) => WithDatabaseAsync(prepare: false, ct, async (services, db) =>
        {
            services.GetRequiredService<DatabaseSettings>().EnsureSqliteFolder();
            var pending = await DatabaseServices.MigrateAsync(db, ct);
            await io.Out.WriteLineAsync(pending.Count == 0
                ? "データベースは最新です。"
                : $"{pending.Count} 件のマイグレーションを適用しました: {string.Join(", ", pending)}");
            return 0;
        }));
        return new Command("db", "データベースの管理") { migrate };
    }

    Command ReportCommands()
    {
        var report = new Command("report", "年次実績報告（主な施策の実績表）");

        var file = new Argument<FileInfo>("FILE") { Description = ".xlsx、.csv、.tsv のファイル" };
        var importYear = FiscalYearOption(required: false);
        var reportDryRun = new Option<bool>("--dry-run") { Description = "書き込まずに、取り込んだ場合の結果だけを表示します" };
        var newPrograms = new Option<bool>("--new-programs")
        {
            Description = "登録されていない事業名を新しい事業として作ります（指定しないと、一覧して何も書き込みません。誤字が新しい事業にならないように）",
        };
        var import = new Command("import", "実績表を取り込みます。同じ年度の下書きは置き換えます。") { file, importYear, reportDryRun, newPrograms };
        import.SetAction((result, ct) => WithDatabaseAsync(prepare: true, ct, async (services, db) =>
        {
            var fiscalYear = result.GetValue(importYear);
            var dryRun = result.GetValue(reportDryRun);
            var outcome = await services.GetRequiredService<ReportImporter>()
                .ImportAsync(result.GetValue(file)!.FullName, fiscalYear == 0 ? null : fiscalYear, Actor, ct, dryRun, result.GetValue(newPrograms));
            if (!outcome.Succeeded)
            {
                foreach (var error in outcome.Errors)
                {
                    await io.Error.WriteLineAsync(error.ToString());
                }
                await io.Error.WriteLineAsync("取り込みを中止しました。データベースは変更していません。");
                return 1;
            }
            if (dryRun)
            {
                await io.Out.WriteLineAsync(
                    $"（確認のみ・書き込みなし）{FiscalYears.FiscalYear.LabelWithWestern(outcome.FiscalYear)}: {outcome.Rows} 事業を{(outcome.Replaced ? "取り込み直します" : "取り込みます")}" +
                    $"（新しい事業 {outcome.NewPrograms}、数値 {outcome.Figures} 件）。");
                return 0;
            }
            var findings = await ReportChecks.RunAsync(db, outcome.FiscalYear, ReportChecks.DefaultMaxChange, ct);
            await io.Out.WriteLineAsync(
                $"{FiscalYears.FiscalYear.LabelWithWestern(outcome.FiscalYear)}: {outcome.Rows} 事業を{(outcome.Replaced ? "取り込み直しました" : "取り込みました")}" +
                $"（新しい事業 {outcome.NewPrograms}、数値 {outcome.Figures} 件）。");
            if (findings.Count > 0)
            {
                await io.Out.WriteLineAsync(
                    $"データ品質の指摘が {findings.Count} 件あります: tsunagu report check --fiscal-year {outcome.FiscalYear}");
            }
            return 0;
        }));

        var exportYear = FiscalYearOption(required: true);
        var format = new Option<ExportFormat>("--format") { Description = "tsv | csv | xlsx | json | html", Required = true };
        var output = new Option<FileInfo?>("--out") { Description = "書き出し先（省略すると標準出力）" };
        var encoding = new Option<string>("--encoding")
        {
            Description = "utf-8（既定）| cp932（csv と tsv のみ）",
            DefaultValueFactory = _ => "utf-8",
        };
        encoding.AcceptOnlyFromAmong("utf-8", "utf8", "cp932", "shift_jis", "sjis");
        var version = new Option<int?>("--published-version") { Description = "公表版の版番号（省略すると現在の内容）" };
        var export = new Command("export", "実績表を書き出します。") { exportYear, format, output, encoding, version };
        export.SetAction((result, ct) => WithDatabaseAsync(prepare: true, ct, async (services, db) =>
        {
            var reader = services.GetRequiredService<ReportReader>();
            var year = result.GetValue(exportYear);
            var table = result.GetValue(version) is { } v
                ? await reader.ReadPublishedAsync(year, v, ct)
                : await reader.ReadAsync(year, ct);
            var textEncoding = result.GetValue(encoding) is "utf-8" or "utf8" ? TextEncoding.Utf8 : TextEncoding.Cp932;
            var exportFormat = result.GetValue(format);
            if (result.GetValue(output) is { } target)
            {
                // Written beside the target and moved into place, so a failed export never leaves half a file.
                var temp = Path.Combine(target.DirectoryName ?? ".", $".{target.Name}.{Guid.NewGuid():N}.tmp");
                try
                {
                    await using (var stream = File.Create(temp))
                    {
                        await ReportExporter.WriteAsync(table, exportFormat, textEncoding, stream, ct);
                    }
                    File.Move(temp, target.FullName, overwrite: true);
                }
                finally
                {
                    File.Delete(temp);
                }
                await io.Error.WriteLineAsync($"{target.FullName} に書き出しました。");
            }
            else
            {
                await using var stdout = io.OpenStandardOutput();
                await ReportExporter.WriteAsync(table, exportFormat, textEncoding, stdout, ct);
            }
            return 0;
        }));

        var checkYear = FiscalYearOption(required: true);
        var maxChange = new Option<double>("--max-change")
        {
            Description = "前年度からの変化をこの割合より大きいと指摘します（既定 0.5 = ±50%）",
            DefaultValueFactory = _ => ReportChecks.DefaultMaxChange,
        };
        var check = new Command("check", "データ品質の指摘を1行に1件ずつ表示します（事業コード・事業名・列・種類・内容・該当テキスト）。")
        {
            checkYear, maxChange,
        };
        check.SetAction((result, ct) => WithDatabaseAsync(prepare: true, ct, async (_, db) =>
        {
            var findings = await ReportChecks.RunAsync(db, result.GetValue(checkYear), result.GetValue(maxChange), ct);
            foreach (var finding in findings)
            {
                await io.Out.WriteLineAsync(finding.ToString());
            }
            await io.Error.WriteLineAsync($"指摘 {findings.Count} 件");
            return 0;
        }));

        var list = new Command("list", "取り込んだ年度と状態を一覧します。");
        list.SetAction((result, ct) => WithDatabaseAsync(prepare: true, ct, async (_, db) =>
        {
            var reports = await db.Reports.AsNoTracking().OrderBy(r => r.FiscalYear)
                .Select(r => new { r.FiscalYear, r.Status, r.Title, Rows = r.Rows.Count })
                .ToListAsync(ct);
            foreach (var r in reports)
            {
                await io.Out.WriteLineAsync($"{r.FiscalYear}\t{FiscalYears.FiscalYear.Label(r.FiscalYear)}\t{r.Status.Japanese()}\t{r.Rows}事業\t{r.Title}");
            }
            return 0;
        }));

        var statusYear = FiscalYearOption(required: true);
        var to = new Option<string?>("--to") { Description = "移す状態: 下書き・局確認・取りまとめ・会議資料確定・公表（英名も可）" };
        var reason = new Option<string?>("--reason") { Description = "差し戻しや訂正の理由" };
        var status = new Command("status", "報告の状態を表示し、--to で次の段階へ進めます。") { statusYear, to, reason };
        status.SetAction((result, ct) => WithDatabaseAsync(prepare: true, ct, async (services, db) =>
        {
            var year = result.GetValue(statusYear);
            if (result.GetValue(to) is { } target)
            {
                var next = ReportText.ParseStatus(target)
                    ?? throw new ReportRuleException($"状態「{target}」は分かりません。下書き・局確認・取りまとめ・会議資料確定・公表のいずれかです。");
                await services.GetRequiredService<ReportWorkflow>().MoveAsync(year, next, Actor, result.GetValue(reason), ct);
            }
            var report = await db.Reports.AsNoTracking().Include(r => r.StatusChanges).Include(r => r.Publications)
                .SingleOrDefaultAsync(r => r.FiscalYear == year, ct) ?? throw new ReportNotFoundException(year);
            await io.Out.WriteLineAsync($"{FiscalYears.FiscalYear.LabelWithWestern(year)}: {report.Status.Japanese()}");
            foreach (var change in report.StatusChanges.OrderBy(c => c.Id))
            {
                await io.Out.WriteLineAsync($"  {change.At:yyyy-MM-dd HH:mm} {change.From.Japanese()} → {change.To.Japanese()} {change.By} {change.Reason}");
            }
            foreach (var publication in report.Publications.OrderBy(p => p.Version))
            {
                await io.Out.WriteLineAsync($"  公表版 第{publication.Version}版 {publication.PublishedAt:yyyy-MM-dd HH:mm} {publication.By} {publication.Reason}");
            }
            return 0;
        }));

        var correctYear = FiscalYearOption(required: true);
        var program = new Option<string>("--program") { Description = "事業コード（例: P006）", Required = true };
        var column = new Option<ReportColumnRole>("--column") { Description = "overview | results | evaluation | bureau", Required = true };
        var text = new Option<string>("--text") { Description = "訂正後のセルの文", Required = true };
        var correctionReason = new Option<string>("--reason") { Description = "訂正の理由", Required = true };
        var correct = new Command("correct", "公表済みの報告のセルを理由を付けて訂正し、新しい公表版にします。")
        {
            correctYear, program, column, text, correctionReason,
        };
        correct.SetAction((result, ct) => WithDatabaseAsync(prepare: true, ct, async (services, db) =>
        {
            var year = result.GetValue(correctYear);
            if (!await db.Reports.AnyAsync(r => r.FiscalYear == year && r.Status == ReportStatus.Published, ct))
            {
                throw new ReportRuleException($"{FiscalYears.FiscalYear.Label(year)}の報告はまだ公表されていません。訂正は公表後の変更に使います。");
            }
            var newVersion = await services.GetRequiredService<ReportWorkflow>().EditCellAsync(
                year, result.GetValue(program)!, result.GetValue(column), result.GetValue(text)!,
                Actor, result.GetValue(correctionReason)!, ct);
            await io.Out.WriteLineAsync($"訂正しました。公表版 第{newVersion}版です（前の版は --published-version で読めます）。");
            return 0;
        }));

        report.Subcommands.Add(import);
        report.Subcommands.Add(export);
        report.Subcommands.Add(check);
        report.Subcommands.Add(list);
        report.Subcommands.Add(status);
        report.Subcommands.Add(correct);
        return report;
    }

    Command IndicatorCommands()
    {
        var computeYear = FiscalYearOption(required: true);
        var compute = new Command("compute", "その年度のすべての指標を記録から集計し、下書きの実績欄に書き込みます（確認中・公表済みの年度は比べるだけです）。")
        {
            computeYear,
        };
        compute.SetAction((result, ct) => WithDatabaseAsync(prepare: true, ct, async (services, _) =>
        {
            var year = result.GetValue(computeYear);
            var figures = await services.GetRequiredService<IndicatorComputer>().ComputeAsync(year, ct);
            foreach (var f in figures)
            {
                await io.Out.WriteLineAsync($"{f.ProgramCode}\t{f.Definition.Label}\t{f.Explain()}\t{IndicatorDefinitions.Describe(f.Definition)}");
            }
            var applied = await services.GetRequiredService<ReportWorkflow>().ApplyComputedAsync(year, figures, Actor, ct);
            foreach (var (code, note) in applied.Notes)
            {
                await io.Out.WriteLineAsync($"{code}\t{note}");
            }
            await io.Out.WriteLineAsync(applied.Refusal
                ?? $"{FiscalYears.FiscalYear.Label(year)}の {figures.Count(f => f.Value is not null)} 件の数値を保存し、下書きの実績欄に反映しました。");
            return 0;
        }));
        var listYear = FiscalYearOption(required: true);
        var list = new Command("list", "その年度に使う指標の定義を一覧します。") { listYear };
        list.SetAction((result, ct) => WithDatabaseAsync(prepare: true, ct, async (services, _) =>
        {
            foreach (var d in await services.GetRequiredService<IndicatorDefinitions>().InForceAsync(result.GetValue(listYear), ct: ct))
            {
                await io.Out.WriteLineAsync($"{d.Program.Code}\t{d.Key}\t{IndicatorDefinitions.Describe(d)}");
            }
            return 0;
        }));
        var breakdownYear = FiscalYearOption(required: true);
        var program = new Option<string>("--program") { Description = "事業コード（例: P006）", Required = true };
        var by = new Option<string>("--by") { Description = "区・事業所・学校種・分類", Required = true };
        var keys = new Option<string?>("--figures") { Description = "指標のキーをカンマ区切りで（省略時は分けられるものすべて）" };
        var rowTotals = new Option<bool>("--row-totals") { Description = "行の合計も載せる（指標が互いに重ならないときだけ意味があります）" };
        var unsuppressed = new Option<bool>("--unsuppressed") { Description = "秘匿せずに表示する（庁内の確認用。公表しないでください）" };
        var breakdown = new Command("breakdown", "指標の内訳表を TSV で表示します。小さな値は秘匿し、合計から分からないよう二次秘匿します。")
        {
            breakdownYear, program, by, keys, rowTotals, unsuppressed,
        };
        breakdown.SetAction((result, ct) => WithDatabaseAsync(prepare: true, ct, async (services, db) =>
        {
            var year = result.GetValue(breakdownYear);
            var dimension = BreakdownText.Parse(result.GetValue(by)!) ?? throw new ArgumentException("--by は 区・事業所・学校種・分類 のどれかです。");
            var inForce = (await services.GetRequiredService<IndicatorDefinitions>().InForceAsync(year, ct: ct))
                .Where(d => d.Program.Code == result.GetValue(program)).ToList();
            var wanted = result.GetValue(keys)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var figures = wanted is null
                ? inForce.Where(d => d.Measure is MeasureKind.Contacts or MeasureKind.EnrolledPersons or MeasureKind.Placements).ToList()
                : [.. wanted.Select(k => inForce.FirstOrDefault(d => d.Key == k) ?? throw new ArgumentException($"指標「{k}」はこの事業の{FiscalYears.FiscalYear.Label(year)}の指標にありません。"))];
            var table = await services.GetRequiredService<Breakdowns>().ComputeAsync(year, figures, dimension, result.GetValue(rowTotals), ct);
            var show = result.GetValue(unsuppressed);
            var t = table.Table;
            await io.Out.WriteLineAsync(string.Join('\t', [dimension.Japanese(), .. table.Figures.Select(f => $"{f.Label}（{f.Unit}）"), .. t.HasRowTotals ? ["合計"] : Array.Empty<string>()]));
            for (var r = 0; r < t.Rows; r++)
            {
                await io.Out.WriteLineAsync(string.Join('\t', [table.Rows[r], .. Enumerable.Range(0, t.Columns).Select(c => table.Show(r * t.Columns + c, show)),
                    .. t.HasRowTotals ? [table.Show(t.RowTotalIndex(r), show)] : Array.Empty<string>()]));
            }
            await io.Out.WriteLineAsync(string.Join('\t', ["合計", .. Enumerable.Range(0, t.Columns).Select(c => table.Show(t.ColumnTotalIndex(c), show)),
                .. t.HasRowTotals ? [table.Show(t.GrandTotalIndex, show)] : Array.Empty<string>()]));
            await io.Out.WriteLineAsync(show ? "（秘匿していません。公表しないでください）" : table.Legend);
            return 0;
        }));
        return new Command("indicators", "指標の定義と記録からの集計") { compute, list, breakdown };
    }

    Command MetricsCommands()
    {
        var text = new Argument<string>("TEXT") { Description = "実績欄の文（例: 利用者数:303人 高校進学率:99%）" };
        var parse = new Command("parse", "実績欄の文から数値を読み取り、JSON の配列で表示します。") { text };
        parse.SetAction(result =>
        {
            var figures = FigureParser.Parse(result.GetValue(text)!).Figures.Select(f => new
            {
                label = f.Label,
                value = f.Value,
                unit = f.Unit,
                basis = f.Basis,
                approximate = f.Approximate,
                text = f.Text,
                inNarrative = f.InNarrative,
            });
            io.Out.WriteLine(JsonSerializer.Serialize(figures, ReportTable.Json));
            return 0;
        });
        return new Command("metrics", "実績の数値") { parse };
    }

    Command UserCommands()
    {
        var email = new Argument<string>("EMAIL") { Description = "メールアドレス（サインインに使います）" };
        var role = new Option<string>("--role") { Description = "admin | planner | viewer", Required = true };
        role.AcceptOnlyFromAmong(Roles.All);
        var add = new Command("add", "アカウントを作り、一時パスワードを表示します（初回サインインで変更が必要です）。") { email, role };
        add.SetAction((result, ct) => WithDatabaseAsync(prepare: true, ct, async (services, _) =>
        {
            var password = await services.GetRequiredService<AccountAdmin>().AddAsync(result.GetValue(email)!, result.GetValue(role)!, Actor);
            await io.Out.WriteLineAsync($"{result.GetValue(email)} を作成しました（{Roles.Japanese(result.GetValue(role)!)}）。");
            await io.Out.WriteLineAsync($"一時パスワード: {password}");
            await io.Out.WriteLineAsync("このパスワードは再表示できません。初回サインインで新しいパスワードに変更してください。");
            return 0;
        }));

        var resetEmail = new Argument<string>("EMAIL");
        var reset = new Command("reset-password", "一時パスワードを再発行し、ロックを解除します。") { resetEmail };
        reset.SetAction((result, ct) => WithDatabaseAsync(prepare: true, ct, async (services, _) =>
        {
            var password = await services.GetRequiredService<AccountAdmin>().ResetPasswordAsync(result.GetValue(resetEmail)!, Actor);
            await io.Out.WriteLineAsync($"一時パスワード: {password}");
            return 0;
        }));

        var mfaEmail = new Argument<string>("EMAIL") { Description = "アカウントのメールアドレス" };
        var resetMfa = new Command("reset-mfa",
            "スマートフォンを紛失した人の二要素認証を消します（認証アプリ・回復コード・セッション）。次のサインインで登録し直します。監査記録に残ります。") { mfaEmail };
        resetMfa.SetAction((result, ct) => WithDatabaseAsync(prepare: true, ct, async (services, _) =>
        {
            var email = result.GetValue(mfaEmail)!;
            await services.GetRequiredService<AccountAdmin>().ResetSecondFactorAsync(email, Actor);
            await io.Out.WriteLineAsync($"{email} の二要素認証を消しました。次のサインインで認証アプリを登録し直します。");
            return 0;
        }));

        var list = new Command("list", "アカウントを一覧します。");
        list.SetAction((result, ct) => WithDatabaseAsync(prepare: true, ct, async (services, _) =>
        {
            foreach (var account in await services.GetRequiredService<AccountAdmin>().ListAsync())
            {
                await io.Out.WriteLineAsync($"{account.Email}\t{account.Role}\t{(account.MustChangePassword ? "要パスワード変更" : "")}\t{(account.LockedOut ? "ロック中" : "")}");
            }
            return 0;
        }));
        var assignEmail = new Argument<string>("EMAIL");
        var programCode = new Option<string>("--program") { Description = "事業コード（例: P001）", Required = true };
        var assign = new Command("assign", "相談員・事業担当を事業に割り当てます（その事業の記録だけが見られます）。") { assignEmail, programCode };
        assign.SetAction((result, ct) => WithDatabaseAsync(prepare: true, ct, async (services, db) =>
        {
            var email = result.GetValue(assignEmail)!;
            var userId = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleOrDefaultAsync(ct)
                ?? throw new AccountException($"{email} のアカウントはありません。");
            var program = await db.Programs.SingleOrDefaultAsync(p => p.Code == result.GetValue(programCode), ct)
                ?? throw new AccountException($"事業 {result.GetValue(programCode)} はありません。");
            await ProgramAssignments.AssignAsync(db, userId, program, Actor, TimeProvider.System);
            await io.Out.WriteLineAsync($"{email} を {program.Code} {program.Name} に割り当てました。");
            return 0;
        }));
        return new Command("users", "アカウントの管理") { add, reset, resetMfa, list, assign };
    }

    Command RecordCommands()
    {
        var file = new Argument<FileInfo>("FILE") { Description = ".xlsx または .csv（列の並びは docs/records-import.md）" };
        var program = new Option<string>("--program") { Description = "事業コード（例: P001）", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "書き込まずに結果だけを表示します" };
        var import = new Command("import", "事業が Excel で付けてきた登録・支援記録を取り込みます。") { file, program, dryRun };
        import.SetAction((result, ct) => WithDatabaseAsync(prepare: true, ct, async (services, _) =>
        {
            var outcome = await services.GetRequiredService<Records.Import.RecordImporter>()
                .ImportAsync(result.GetValue(file)!.FullName, result.GetValue(program)!, Actor, visiblePrograms: [], result.GetValue(dryRun), ct);
            if (!outcome.Succeeded)
            {
                foreach (var error in outcome.Errors)
                {
                    await io.Error.WriteLineAsync(error.ToString());
                }
                await io.Error.WriteLineAsync("取り込みを中止しました。データベースは変更していません。");
                return 1;
            }
            await io.Out.WriteLineAsync(Records.Import.RecordImportText.Summary(outcome, result.GetValue(dryRun)));
            foreach (var doubtful in outcome.Doubtful)
            {
                await io.Out.WriteLineAsync(Records.Import.RecordImportText.Doubtful(doubtful));
            }
            return 0;
        }));
        return new Command("records", "支援記録") { import };
    }

    Command DemoCommands()
    {
        var year = FiscalYearOption(required: true);
        var seed = new Option<int>("--seed") { Description = "乱数の種（同じ種なら同じ街）", DefaultValueFactory = _ => 1 };
        var scale = new Option<double>("--scale") { Description = "規模（1 で令和6年度の実績表と同じ数値、10 で10倍）", DefaultValueFactory = _ => 1 };
        var generate = new Command("generate",
            "架空の街（実在の人はいません）の1年分の登録・支援記録・学習会・配置・進路などをデータベースに書き込みます。続けて `indicators compute` で集計します。")
        {
            year, seed, scale,
        };
        generate.SetAction((result, ct) => WithDatabaseAsync(prepare: true, ct, async (services, _) =>
        {
            var fiscalYear = result.GetValue(year);
            var city = await services.GetRequiredService<Demo.DemoCity>().GenerateAsync(fiscalYear, result.GetValue(seed), result.GetValue(scale), Actor, ct);
            await io.Out.WriteLineAsync(
                $"{FiscalYears.FiscalYear.Label(fiscalYear)}の架空の街を作りました: {city.Persons:#,0}人、支援記録 {city.Contacts:#,0}件、学習会・セミナー {city.Sessions:#,0}回"
                + $"（参加 {city.Attendances:#,0}人）、配置 {city.Placements:#,0}名、進路 {city.Outcomes:#,0}人、配布 {city.Distributions:#,0}回、補助金 {city.Subsidies:#,0}件、つなぎ {city.Referrals:#,0}件。");
            await io.Out.WriteLineAsync($"次に `tsunagu indicators compute --fiscal-year {fiscalYear}` で実績を集計してください。");
            return 0;
        }));

        var csvYear = FiscalYearOption(required: true);
        var csvSeed = new Option<int>("--seed") { Description = "乱数の種（同じ種なら同じ内容）", DefaultValueFactory = _ => 1 };
        var persons = new Option<int>("--persons") { Description = "人数", DefaultValueFactory = _ => 1000 };
        var contacts = new Option<int>("--contacts") { Description = "支援記録の件数", DefaultValueFactory = _ => 10000 };
        var output = new Option<FileInfo>("--out") { Description = "書き出す CSV（記録の取り込みの形式）", Required = true };
        var csv = new Command("csv", "架空の登録と支援記録を `records import` の形式の CSV に書き出します（取り込みの試験・ベンチマーク用）。")
        {
            csvYear, csvSeed, persons, contacts, output,
        };
        csv.SetAction(result =>
        {
            var path = result.GetValue(output)!.FullName;
            Demo.SyntheticCity.Write(path, result.GetValue(csvSeed), new(result.GetValue(csvYear), result.GetValue(persons), result.GetValue(contacts)));
            io.Out.WriteLine($"{path} に書き出しました。");
            return 0;
        });
        return new Command("demo", "デモ・ベンチマーク用の架空データ") { generate, csv };
    }

    Command AuditCommands()
    {
        var verify = new Command("verify",
            "監査ログと閲覧記録のハッシュ連鎖を最初の行から確かめ、合わない最初の行を表示します（異常があれば終了コード 1）。結果は監査担当の画面にも表示されます。");
        verify.SetAction((result, ct) => WithDatabaseAsync(prepare: true, ct, async (services, db) =>
        {
            var outcome = await Audit.AuditChain.VerifyAsync(db, TimeProvider.System, Actor, ct);
            await (outcome.Intact ? io.Out : io.Error).WriteLineAsync(Audit.AuditVerificationText.Summary(outcome));
            return outcome.Intact ? 0 : 1;
        }));
        return new Command("audit", "監査ログ") { verify };
    }

    static string Actor => $"cli:{Environment.UserName}";

    IConfiguration BuildConfiguration()
    {
        var builder = AddFiles(new ConfigurationBuilder(), AppContext.BaseDirectory, EnvironmentName).AddEnvironmentVariables();
        configure?.Invoke(builder);
        return builder.Build();
    }

    /// <summary>As ASP.NET Core names it for `serve`: ASPNETCORE_ENVIRONMENT, else DOTNET_ENVIRONMENT, else Production.</summary>
    static string EnvironmentName =>
        Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environments.Production;

    /// <summary>
    /// The files `serve` reads, in its order, from the executable's folder (its content root): appsettings.json, then
    /// appsettings.{Environment}.json. So every verb works on the database and settings the server uses.
    /// </summary>
    public static IConfigurationBuilder AddFiles(IConfigurationBuilder builder, string folder, string environment) => builder
        .AddJsonFile(Path.Combine(folder, "appsettings.json"), optional: true)
        .AddJsonFile(Path.Combine(folder, $"appsettings.{environment}.json"), optional: true);

    async Task<int> WithDatabaseAsync(bool prepare, CancellationToken ct, Func<IServiceProvider, TsunaguDb, Task<int>> body)
    {
        try
        {
            var configuration = BuildConfiguration();
            var services = new ServiceCollection()
                .AddSingleton(configuration)
                .AddLogging(logging => logging.AddConfiguration(configuration.GetSection("Logging")).AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace))
                .AddTsunagu()
                .AddTsunaguAccounts();
            await using var provider = services.BuildServiceProvider();
            await using var scope = provider.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TsunaguDb>();
            if (prepare)
            {
                await DatabaseServices.PrepareAsync(db, scope.ServiceProvider.GetRequiredService<DatabaseSettings>(), ct);
            }
            return await body(scope.ServiceProvider, db);
        }
        catch (Exception e) when (e is ReportRuleException or ReportNotFoundException or PendingMigrationsException or AccountException or Records.RecordAccessException
                                      or UnencodableException or FileErrorException or DefinitionException or ArgumentException or InvalidOperationException)
        {
            await io.Error.WriteLineAsync(e.Message);
            return 1;
        }
    }

    async Task<int> ServeAsync(string[] args, CancellationToken ct, bool demo = false)
    {
        var app = WebApp.Build(args, configure);
        try
        {
            await WebApp.PrepareAsync(app.Services, ct);
            if (demo)
            {
                await using var scope = app.Services.CreateAsyncScope();
                foreach (var line in await Demo.DemoCity.ShowAsync(scope.ServiceProvider, Actor, ct))
                {
                    await io.Out.WriteLineAsync(line);
                }
            }
        }
        catch (PendingMigrationsException e)
        {
            await io.Error.WriteLineAsync(e.Message);
            return 1;
        }
        await app.RunAsync(ct);
        return 0;
    }
}
