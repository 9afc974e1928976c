using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Data;
using Tsunagu.Indicators;
using Tsunagu.Reports;
using Tsunagu.Reports.Files;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Reports;

public class ReportImportTests
{
    static Task<ImportResult> ImportAsync(TsunaguDb db, string path, int? fiscalYear = null, bool newPrograms = false) =>
        new ReportImporter(db, TimeProvider.System).ImportAsync(path, fiscalYear, "test", newPrograms: newPrograms);

    static async Task<ImportResult> ImportSeedAsync(TestDatabase database, TempFolder files)
    {
        await using var db = database.NewDb();
        return await ImportAsync(db, Seed.Write(files.Path, "r6-main-8-programs.tsv", Seed.Bytes()));
    }

    /// <summary>Everything an import writes, so a failed import can be shown to have written nothing.</summary>
    static async Task<(int Reports, int Rows, int Programs, int Figures, int Bureaus, string Cells)> StateAsync(TestDatabase database)
    {
        await using var db = database.NewDb();
        var cells = string.Join("|", await db.ReportRows.OrderBy(r => r.ReportId).ThenBy(r => r.Position)
            .Select(r => r.ProgramName + r.Overview + r.Results + r.Evaluation + r.Bureau).ToListAsync());
        return (await db.Reports.CountAsync(), await db.ReportRows.CountAsync(), await db.Programs.CountAsync(),
            await db.IndicatorValues.CountAsync(), await db.ProgramBureaus.CountAsync(), cells);
    }

    /// <summary>The imported cells of the one report, row by row, in column order of the seed.</summary>
    static Task<List<string[]>> CellsAsync(TsunaguDb db) => db.ReportRows.OrderBy(r => r.Position)
        .Select(r => new[] { r.ProgramName, r.Overview, r.Results, r.Evaluation, r.Bureau }).ToListAsync();

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Import_Seed_HoldsProgramsBureausAndFigures(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        using var files = new TempFolder();

        var result = await ImportSeedAsync(database, files);

        Assert.True(result.Succeeded);
        Assert.Equal((2024, 8, 8, 15), (result.FiscalYear, result.Rows, result.NewPrograms, result.Figures));
        await using var db = database.NewDb();
        var report = await db.Reports.Include(r => r.Columns).SingleAsync();
        Assert.Equal("主な施策8事業の令和6年度実績", report.Title);
        Assert.Equal(ReportStatus.Draft, report.Status);
        Assert.Equal(["事業名", "事業概要及び計画内容", "令和6年度実績(件数等)", "実績に対する評価", "担当局"],
            report.Columns.OrderBy(c => c.Position).Select(c => c.Header));

        var programs = await db.Programs.OrderBy(p => p.Code).ToListAsync();
        Assert.Equal(["P001", "P002", "P003", "P004", "P005", "P006", "P007", "P008"], programs.Select(p => p.Code));
        Assert.Equal("ひとり親家庭等相談支援センター事業(就業相談・就業情報提供事業・就業支援セミナー)", programs[4].Name);
        // The published cell keeps its wrap spaces; only the program's master name is folded.
        Assert.Equal("ひとり親家庭等相談支援センター事 業(就業相談・就業情報提供事業・ 就業支援セミナー)",
            await db.ReportRows.Where(r => r.Position == 4).Select(r => r.ProgramName).SingleAsync());

        var bureaus = await db.ProgramBureaus.OrderBy(b => b.Position)
            .Select(b => new { b.Program.Code, b.Bureau.Name, b.Scope }).ToListAsync();
        Assert.Equal([("健康福祉局", null), ("こども若者局", null)],
            bureaus.Where(b => b.Code == "P001").Select(b => (b.Name, b.Scope)));
        Assert.Equal([("こども若者局", "各区役所")], bureaus.Where(b => b.Code == "P006").Select(b => (b.Name, b.Scope)));
        Assert.Equal([("教育局", null)], bureaus.Where(b => b.Code == "P003").Select(b => (b.Name, b.Scope)));
        Assert.DoesNotContain(bureaus, b => b.Code == "P004");
        Assert.Equal(3, await db.Bureaus.CountAsync());

        var figures = await db.IndicatorValues.Where(v => v.Program.Code == "P003").OrderBy(v => v.Position).ToListAsync();
        Assert.Equal([88m, 73119m, 7762m], figures.Select(f => f.Value));
        Assert.All(figures, f => Assert.Equal(IndicatorSource.Imported, f.Source));
        Assert.Equal("対応件数:73,119件", figures[1].SourceText);
        Assert.Equal(CountingBasis.TotalContacts, figures[1].Basis);
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Import_SameYearTwice_ReplacesTheDraftWithTheSameState(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        using var files = new TempFolder();
        await ImportSeedAsync(database, files);
        var first = await StateAsync(database);

        var again = await ImportSeedAsync(database, files);

        Assert.True(again.Succeeded);
        Assert.True(again.Replaced);
        Assert.Equal(0, again.NewPrograms);
        Assert.Equal(first, await StateAsync(database));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Import_OverAPublishedYear_IsRefusedAndChangesNothing(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        using var files = new TempFolder();
        await ImportSeedAsync(database, files);
        await using (var db = database.NewDb())
        {
            var workflow = new ReportWorkflow(db, TimeProvider.System);
            foreach (var status in new[] { ReportStatus.BureauCheck, ReportStatus.Compiled, ReportStatus.CouncilFinal, ReportStatus.Published })
            {
                await workflow.MoveAsync(2024, status, "test", null);
            }
        }
        var before = await StateAsync(database);
        var changed = Seed.Text().Replace("利用者数:303人", "利用者数:304人");

        await using var db2 = database.NewDb();
        var result = await ImportAsync(db2, files.Write("changed.tsv", changed, new UTF8Encoding(false)));

        var error = Assert.Single(result.Errors);
        Assert.Contains("公表済み", error.Message);
        Assert.Equal(before, await StateAsync(database));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Import_OverAYearUnderBureauCheck_IsRefused(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        using var files = new TempFolder();
        await ImportSeedAsync(database, files);
        await using var db = database.NewDb();
        await new ReportWorkflow(db, TimeProvider.System).MoveAsync(2024, ReportStatus.BureauCheck, "test", null);

        var result = await ImportSeedAsync(database, files);

        Assert.Contains("局確認", Assert.Single(result.Errors).Message);
    }

    public static TheoryData<string, string, int?, string?, string> BadFiles => new()
    {
        // name, content, line, column, what the message says
        { "short-row.tsv", "令和6年度実績\n\n事業名\t事業概要及び計画内容\t実績\t実績に対する評価\t担当局\nA事業\t概要\t利用者数:3人\t評価\n", 4, "5", "4 個" },
        { "long-row.csv", "令和6年度実績\r\n\r\n事業名,概要,実績,評価,担当局\r\nA事業,概要,1件,評価,局,余分\r\n", 4, "6", "6 個" },
        { "no-header.tsv", "令和6年度実績\n\nA事業\t概要\t利用者数:3人\t評価\tこども若者局\n", 3, null, "見出し行" },
        { "unknown-header.tsv", "令和6年度実績\n\n事業名\t予算額\t実績\t実績に対する評価\t担当局\nA事業\t1\t2件\t評価\t局\n", 3, "2", "予算額" },
        { "missing-column.tsv", "令和6年度実績\n\n事業名\t実績\t実績に対する評価\t担当局\nA事業\t2件\t評価\t局\n", 3, null, "事業概要及び計画内容" },
        { "no-year.tsv", "主な施策の実績\n\n事業名\t事業概要\t実績\t評価\t担当局\nA事業\t概要\t2件\t評価\t局\n", 1, null, "年度を判別できません" },
        { "empty-name.tsv", "令和6年度実績\n\n事業名\t事業概要\t実績\t評価\t担当局\n\t概要\t2件\t評価\t局\n", 4, "1", "事業名が空" },
        { "duplicate.tsv", "令和6年度実績\n\n事業名\t事業概要\t実績\t評価\t担当局\nA事業\t概要\t2件\t評価\t局\nＡ 事業\t概要\t2件\t評価\t局\n", 5, "1", "4行目" },
        { "bad-quote.csv", "令和6年度実績\r\n\r\n事業名,概要,実績,評価,担当局\r\nA事業,\"概要\"x,1件,評価,局\r\n", 4, null, "引用符" },
        { "report.pdf", "%PDF-1.7 not a table", null, null, "PDF" },
        { "empty.tsv", "", null, null, "空のファイル" },
        { "binary.tsv", "PK?\0\0\u0001\u0002 not text", null, null, "バイナリ" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task Import_BadFile_SaysWhereAndWritesNothing(string name, string content, int? line, string? column, string says)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        using var files = new TempFolder();
        await using var db = database.NewDb();

        var result = await ImportAsync(db, files.Write(name, content, new UTF8Encoding(false)));

        var error = Assert.Single(result.Errors);
        Assert.Equal(name, error.File);
        Assert.Equal(line, error.Line);
        if (column is not null)
        {
            Assert.Equal(column, error.Column);
        }
        Assert.Contains(says, error.Message);
        Assert.Equal((0, 0, 0, 0, 0, ""), await StateAsync(database));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task Import_BadRowAfterSeveralBatches_RollsBackEverything(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        using var files = new TempFolder();
        // 1,200 good rows are flushed to the database in batches before row 1,201 turns out bad.
        var text = new StringBuilder("令和6年度実績\n\n事業名\t事業概要\t実績\t評価\t担当局\n");
        for (var i = 0; i < 1200; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"事業{i}\t概要\t利用者数:{i}人\t評価\tこども若者局\n");
        }
        text.Append("壊れた行\t概要\n");
        await using var db = database.NewDb();

        var result = await ImportAsync(db, files.Write("big.tsv", text.ToString(), new UTF8Encoding(false)));

        var error = Assert.Single(result.Errors);
        Assert.Equal(1204, error.Line);
        Assert.Equal((0, 0, 0, 0, 0, ""), await StateAsync(database));
    }

    [Fact]
    public async Task Import_InvalidByteFarIntoAUtf8File_SaysWhichLineAndWritesNothing()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        using var files = new TempFolder();
        // Detection reads the first 64 KiB, which are clean UTF-8; the bad byte comes later, on line 1,004.
        var text = new StringBuilder("令和6年度実績\n\n事業名\t事業概要\t実績\t評価\t担当局\n");
        for (var i = 0; i < 1000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"事業{i}\t生活困窮世帯の中学生を対象に学習支援を行う。\t利用者数:{i}人\t評価\t局\n");
        }
        var bytes = Encoding.UTF8.GetBytes(text.ToString()).Concat(new byte[] { 0x82, 0xA0, (byte)'\t', (byte)'\n' }).ToArray();
        Assert.True(bytes.Length > 64 * 1024);
        await using var db = database.NewDb();

        var result = await ImportAsync(db, Seed.Write(files.Path, "mixed.tsv", bytes));

        var error = Assert.Single(result.Errors);
        Assert.Contains("読めないバイト", error.Message);
        Assert.Equal(1004, error.Line);
        Assert.Equal((0, 0, 0, 0, 0, ""), await StateAsync(database));
    }

    [Fact]
    public async Task Import_SeveralBadRows_AreAllReported()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        using var files = new TempFolder();
        await using var db = database.NewDb();
        var text = "令和6年度実績\n\n事業名\t事業概要\t実績\t評価\t担当局\nA\t1\nB\t1\t2件\t評価\t局\nC\t1\t2\n";

        var result = await ImportAsync(db, files.Write("rows.tsv", text, new UTF8Encoding(false)));

        Assert.Equal([4, 6], result.Errors.Select(e => e.Line));
    }

    public static TheoryData<string, string> Encodings => new()
    {
        { "utf-8-bom-crlf", "csv" },
        { "cp932-crlf", "csv" },
        { "cp932-lf", "tsv" },
        { "utf-8-lf", "tsv" },
        { "utf-16-excel", "tsv" },
    };

    [Theory]
    [MemberData(nameof(Encodings))]
    public async Task Import_SeedInEachEncoding_ReadsTheSameCells(string variant, string extension)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        using var files = new TempFolder();
        var rows = Seed.Rows();
        var delimiter = extension == "csv" ? "," : "\t";
        var newline = variant.Contains("crlf") ? "\r\n" : "\n";
        // Every seed cell contains commas only inside Japanese text with 、, but quote all to exercise RFC 4180.
        var text = string.Join(newline, rows.Select(r => string.Join(delimiter,
            r.Select(c => extension == "csv" && c.Length > 0 ? $"\"{c.Replace("\"", "\"\"")}\"" : c))));
        Encoding encoding = variant switch
        {
            "utf-8-bom-crlf" => new UTF8Encoding(true),
            "utf-16-excel" => new UnicodeEncoding(false, true),
            "utf-8-lf" => new UTF8Encoding(false),
            _ => TextEncodings.Cp932,
        };
        await using var db = database.NewDb();

        var result = await ImportAsync(db, files.Write($"seed.{extension}", text, encoding));

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(Seed.ProgramRows(), await CellsAsync(db));
    }

    [Fact]
    public async Task Import_CsvWithQuotedNewlinesAndQuotes_KeepsCellsExactly()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        using var files = new TempFolder();
        var csv = "令和5年度実績\r\n\r\n事業名,事業概要,実績,評価,担当局\r\n" +
                  "\"髙橋𠮷 事業\",\"一行目\r\n二行目\",\"利用者数:5人\",\"「心の専門家」と\"\"呼ばれる\"\"\", こども若者局 \r\n";
        await using var db = database.NewDb();

        var result = await ImportAsync(db, files.Write("quoted.csv", csv, new UTF8Encoding(true)));

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(2023, result.FiscalYear);
        var row = await db.ReportRows.SingleAsync();
        Assert.Equal("髙橋𠮷 事業", row.ProgramName);
        Assert.Equal("一行目\r\n二行目", row.Overview);
        Assert.Equal("「心の専門家」と\"呼ばれる\"", row.Evaluation);
        Assert.Equal(" こども若者局 ", row.Bureau);
    }

    [Fact]
    public async Task Import_FiscalYearOption_OverridesTheTitle()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        using var files = new TempFolder();
        await using var db = database.NewDb();

        var result = await ImportAsync(db, Seed.Write(files.Path, "seed.tsv", Seed.Bytes()), 2023);

        Assert.Equal(2023, result.FiscalYear);
        Assert.Equal(2023, await db.Reports.Select(r => r.FiscalYear).SingleAsync());
    }

    [Fact]
    public async Task Import_XlsxWrittenByAnotherLibrary_ReadsSharedStringsAndCellPositions()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        using var files = new TempFolder();
        var path = files.File("seed.xlsx");
        // MiniExcel writes shared strings, unlike Tsunagu's own export, so both ways of storing text are read.
        var sheet = Seed.Rows().Select(r => Enumerable.Range(0, 5)
            .ToDictionary(TableFile.ColumnLetter, i => (object)(i < r.Length ? r[i] : ""))).ToList();
        MiniExcelLibs.MiniExcel.SaveAs(path, sheet, printHeader: false);
        await using var db = database.NewDb();

        var result = await ImportAsync(db, path);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(Seed.ProgramRows(), await CellsAsync(db));
    }

    [Fact]
    public async Task Import_NewProgramInALaterYear_IsListedUnlessAsked_ThenGetsTheNextCode()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        using var files = new TempFolder();
        await ImportSeedAsync(database, files);
        // Full-width letters and a wrap space still match the existing program by name.
        var next = "令和7年度実績\n\n事業名\t事業概要\t実績\t評価\t担当局\n" +
                   "学習・生活 サポート事業\t概要\t利用者数:310人\t評価\tこども若者局\n新しい事業\t概要\t相談件数:5件\t評価\tこども若者局\n" +
                   "学習・生活サポ―ト事業\t概要\t利用者数:1人\t評価\tこども若者局\n";
        var path = files.Write("r7.tsv", next, new UTF8Encoding(false));
        await using var db = database.NewDb();

        var unasked = await ImportAsync(db, path, 2025);
        var programsAfterUnasked = await db.Programs.CountAsync();
        var typoFixed = files.Write("r7b.tsv", next.Replace("学習・生活サポ―ト事業", "中途退学未然防止等事業"), new UTF8Encoding(false));
        var result = await ImportAsync(db, typoFixed, newPrograms: true);

        Assert.Equal(
        [
            "r7.tsv 5行目 1列: 登録されていない事業名です。新しい事業として取り込むときは、新しい事業を作ることを指定してください（--new-programs）。",
            "r7.tsv 6行目 1列: 登録済みの「学習・生活サポート事業」と似ていますが、一致しない事業名です（誤字ではありませんか）。新しい事業として取り込むときは、新しい事業を作ることを指定してください（--new-programs）。",
        ], unasked.Errors.Select(e => e.ToString()));
        Assert.Equal(8, programsAfterUnasked);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(1, result.NewPrograms);
        var codes = await db.ReportRows.Where(r => r.Position < 2 && db.Reports.Any(x => x.Id == r.ReportId && x.FiscalYear == 2025))
            .OrderBy(r => r.Position).Select(r => r.Program.Code).ToListAsync();
        Assert.Equal(["P001", "P009"], codes);
    }
}

public class ReportImportYearTests
{
    [Theory]
    [InlineData("令和99年度実績", "令和99年度（2117年度）は取り込めません")]
    [InlineData("平成10年度実績", "平成10年度（1998年度）は取り込めません")]
    public async Task Import_AYearFarFromNow_IsRefused(string title, string says)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        using var files = new TempFolder();
        var table = $"{title}\n\n事業名\t事業概要\t実績\t評価\t担当局\n学習支援\t概要\t利用者数:1人\t評価\tこども若者局\n";

        var result = await CliRun.RunAsync(database, "report", "import", files.Write("t.tsv", table, new UTF8Encoding(false)));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"t.tsv 1行目: {says}", result.Error);
        await using var db = database.NewDb();
        Assert.Equal(0, await db.Reports.CountAsync());
    }
}

public class ReportImportFormulaTests
{
    [Fact]
    public async Task Import_AFormulaCell_IsRefusedOnItsLineAndColumn()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        using var files = new TempFolder();
        var path = files.File("r6.xlsx");
        HostileFiles.Workbook(path,
            ["令和6年度実績"],
            ["事業名", "事業概要", "実績", "評価", "担当局"],
            ["学習支援", "概要", "=CONCAT(\"利用者数:\",A9,\"人\")", "評価", "こども若者局"]);

        var result = await CliRun.RunAsync(database, "report", "import", path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("r6.xlsx 3行目 C列: 数式のセルです。値として貼り付けてから取り込んでください。", result.Error);
        await using var db = database.NewDb();
        Assert.Equal(0, await db.Reports.CountAsync());
    }
}
