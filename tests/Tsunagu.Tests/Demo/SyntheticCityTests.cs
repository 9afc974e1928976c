using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Tsunagu.Calendar;
using Tsunagu.Records.Import;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Demo;

public class SyntheticCityTests
{
    [Fact]
    public async Task DemoGenerate_SameSeedSameFile_AndItImportsWithTheNumbersAskedFor()
    {
        using var files = new TempFolder();
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        await CliRun.RunOkAsync(database, "report", "import", Seed.Write(files.Path, "seed.tsv", Seed.Bytes()));

        var a = await CliRun.RunAsync(database, "demo", "csv", "--fiscal-year", "2024", "--seed", "3", "--persons", "300", "--contacts", "2000", "--out", files.File("a.csv"));
        await CliRun.RunOkAsync(database, "demo", "csv", "--fiscal-year", "2024", "--seed", "3", "--persons", "300", "--contacts", "2000", "--out", files.File("b.csv"));
        await CliRun.RunOkAsync(database, "demo", "csv", "--fiscal-year", "2024", "--seed", "4", "--persons", "300", "--contacts", "2000", "--out", files.File("c.csv"));
        var import = await CliRun.RunAsync(database, "records", "import", files.File("a.csv"), "--program", "P001");

        Assert.Equal(0, a.ExitCode);
        Assert.Equal(await File.ReadAllBytesAsync(files.File("a.csv")), await File.ReadAllBytesAsync(files.File("b.csv")));
        Assert.NotEqual(await File.ReadAllBytesAsync(files.File("a.csv")), await File.ReadAllBytesAsync(files.File("c.csv")));
        Assert.Equal(0, import.ExitCode);
        await using var db = database.NewDb();
        Assert.Equal(300, await db.Persons.CountAsync());
        Assert.Equal(2000, await db.Contacts.CountAsync());
        Assert.All(await db.Contacts.Select(c => c.Date).ToListAsync(), d => Assert.Equal(2024, FiscalYears.Of(d)));
    }

    [Theory]
    [InlineData("2024-06-15", "2024-06-15")]
    [InlineData("2024/6/5", "2024-06-05")]
    [InlineData("２０２４／６／５", "2024-06-05")]
    [InlineData("令和6年6月15日", "2024-06-15")]
    [InlineData("令和元年5月1日", "2019-05-01")]
    [InlineData("平成31年4月30日", "2019-04-30")]
    [InlineData("45458", "2024-06-15")] // an Excel date serial
    public void Dates_AsStaffTypeThem_AreRead(string text, string date) => Assert.Equal(DateOnly.Parse(date, CultureInfo.InvariantCulture), Dates.TryParse(text));

    [Theory]
    [InlineData("平成31年5月1日")] // that day was 令和元年
    [InlineData("2024-02-30")]
    [InlineData("令和6年13月1日")]
    [InlineData("きのう")]
    public void Dates_ThatDoNotExist_AreRefused(string text) => Assert.Null(Dates.TryParse(text));
}
