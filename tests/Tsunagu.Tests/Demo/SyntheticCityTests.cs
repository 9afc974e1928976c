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

    [Fact]
    public void ALargeCity_DrawsEachPersonOnce_SoNoPersonIsInTwoHouseholds()
    {
        // The records import matches a person by name and birth date: one drawn twice is one person in two wards,
        // which it refuses. At 100,000 persons the first such draw came at the 47,006th row.
        using var text = new StringWriter();
        new Tsunagu.Demo.SyntheticCity(1).WriteCsv(text, new(2024, 100_000, 100_000));
        using var csv = new CsvHelper.CsvReader(new StringReader(text.ToString()), System.Globalization.CultureInfo.InvariantCulture);
        csv.Read();
        csv.ReadHeader();
        var households = new Dictionary<(string, string), string>();
        var inTwo = new List<string>();
        while (csv.Read())
        {
            var (name, birth, household) = (csv.GetField(0)!, csv.GetField(2)!, csv.GetField(6)!);
            if (households.TryAdd((name, birth), household) is false && households[(name, birth)] != household)
            {
                inTwo.Add($"line {csv.Parser.RawRow}");
            }
        }

        Assert.Equal(100_000, households.Count);
        Assert.Empty(inTwo);
    }
}
