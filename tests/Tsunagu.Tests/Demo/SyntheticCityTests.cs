using Microsoft.EntityFrameworkCore;
using Tsunagu.Calendar;
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
}
