using System.Text;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Indicators;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Indicators;

public class DefinitionFileTests
{
    const string Header = "事業名,キー,指標名,単位,数え方,条件,分子,分母,小数,表記,実績欄\n";

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task DefinitionsFile_SavesEachProgramsFigures_FromTheYear_AndLeavesProgramsThatHaveThem(DatabaseKind kind)
    {
        using var files = new TempFolder();
        await using var database = await Records.RecordImportTests.ProgramsOnlyAsync(kind, files);

        var first = await CliRun.RunAsync(database, "indicators", "load", files.Write("d.csv", Header +
            "学習・生活サポート事業,pupils,利用者数,人,登録者の実人数,本人区分=児童・生徒,,,,,\n" +
            "学習・生活サポート事業,finished,中学校卒業者,人,進路・結果の実人数,\"結果=高等学校に進学,中学校卒業（進路未定など）\",,,,,載せない\n" +
            "学習・生活サポート事業,entered,高校等進学者,人,進路・結果の実人数,結果=高等学校に進学,,,,,載せない\n" +
            "学習・生活サポート事業,rate,高校進学率,%,率,,entered,finished,1,,\n" +
            "ひとり親家庭等生活向上支援事業,consultations,相談件数,件,Contacts,,,,,,\n", new UTF8Encoding(true)), "--fiscal-year", "2024");
        var second = await CliRun.RunAsync(database, "indicators", "load", files.File("d.csv"), "--fiscal-year", "2024");

        Assert.Equal((0, "令和6年度から使う指標の定義を 5 件保存しました。", ""), (first.ExitCode, first.Out.Trim(), first.Error));
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("学習・生活サポート事業: 令和6年度の定義がすでにあるので、そのままにしました。", second.Out);
        Assert.Contains("0 件保存しました", second.Out);
        await using var db = database.NewDb();
        var saved = await db.IndicatorDefinitions.OrderBy(d => d.Program.Code).ThenBy(d => d.Position)
            .Select(d => new { d.Program.Code, d.Key, d.Position, d.Measure, d.FromYear, d.InResults, d.Decimals }).ToListAsync();
        Assert.Equal(
            [
                ("P001", "pupils", 0, MeasureKind.EnrolledPersons, true, 0), ("P001", "finished", 1, MeasureKind.OutcomePersons, false, 0),
                ("P001", "entered", 2, MeasureKind.OutcomePersons, false, 0), ("P001", "rate", 3, MeasureKind.Rate, true, 1),
                ("P008", "consultations", 0, MeasureKind.Contacts, true, 0),
            ],
            saved.Select(d => (d.Code, d.Key, d.Position, d.Measure, d.InResults, d.Decimals)));
        Assert.All(saved, d => Assert.Equal(2024, d.FromYear));
    }

    [Theory]
    [ClassData(typeof(AllDatabases))]
    public async Task DefinitionsFile_WithABadRow_WritesNothing_AndNamesTheLine(DatabaseKind kind)
    {
        using var files = new TempFolder();
        await using var database = await Records.RecordImportTests.ProgramsOnlyAsync(kind, files);

        var unknownMeasure = await CliRun.RunAsync(database, "indicators", "load", files.Write("a.csv", Header +
            "学習・生活サポート事業,pupils,利用者数,人,登録者の実人数,,,,,,\n" +
            "学習・生活サポート事業,x,何か,件,数えかた,,,,,,\n", new UTF8Encoding(false)), "--fiscal-year", "2024");
        var unknownProgram = await CliRun.RunAsync(database, "indicators", "load", files.Write("b.csv", Header +
            "ない事業,x,何か,件,支援記録の延べ件数,,,,,,\n", new UTF8Encoding(false)), "--fiscal-year", "2024");
        // The last row breaks a rule only saving finds (a rate's unit): the rows before it are not kept either.
        var refusedLate = await CliRun.RunAsync(database, "indicators", "load", files.Write("c.csv", Header +
            "学習・生活サポート事業,finished,中学校卒業者,人,進路・結果の実人数,,,,,,\n" +
            "学習・生活サポート事業,entered,高校等進学者,人,進路・結果の実人数,結果=高等学校に進学,,,,,\n" +
            "学習・生活サポート事業,rate,高校進学率,人,率,,entered,finished,,,\n", new UTF8Encoding(false)), "--fiscal-year", "2024");

        Assert.Equal(1, unknownMeasure.ExitCode);
        Assert.StartsWith("a.csv 3行目 5列: 数え方: 「数えかた」が分かりません", unknownMeasure.Error);
        Assert.Equal(1, unknownProgram.ExitCode);
        Assert.StartsWith("b.csv 2行目: 事業名: 「ない事業」という事業はありません", unknownProgram.Error);
        var longKey = await CliRun.RunAsync(database, "indicators", "load", files.Write("d.csv", Header +
            $"学習・生活サポート事業,{new string('k', 65)},利用者数,人,登録者の実人数,,,,,,\n", new UTF8Encoding(false)), "--fiscal-year", "2024");

        Assert.Equal(1, longKey.ExitCode);
        Assert.StartsWith("d.csv 2行目: キー: 64文字までです（65文字）。", longKey.Error);
        Assert.Equal(1, refusedLate.ExitCode);
        Assert.StartsWith("c.csv 4行目: 率の単位は % です。", refusedLate.Error);
        await using var db = database.NewDb();
        Assert.Equal(0, await db.IndicatorDefinitions.CountAsync());
        Assert.Equal(0, await db.AuditEntries.CountAsync(a => a.Action == "indicator.define"));
    }
}
