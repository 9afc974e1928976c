using System.Text.Json;
using Tsunagu.Tests.Infrastructure;

namespace Tsunagu.Tests.Indicators;

public class IndicatorParseTests
{
    [Fact]
    public async Task IndicatorsParse_PrintsAJsonArrayOfFiguresInOrder_AsItsOldNameMetricsParseDoes()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, migrate: false);
        const string text = "就業相談:677件 就業情報提供件数:13件 高校進学率：９９％";
        var result = await CliRun.RunAsync(database, "indicators", "parse", text);
        var oldName = await CliRun.RunAsync(database, "metrics", "parse", text);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal((0, result.Out), (oldName.ExitCode, oldName.Out));
        using var json = JsonDocument.Parse(result.Out);
        var figures = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(3, figures.Count);
        Assert.Equal("就業相談", figures[0].GetProperty("label").GetString());
        Assert.Equal(JsonValueKind.Number, figures[0].GetProperty("value").ValueKind);
        Assert.Equal(677, figures[0].GetProperty("value").GetDecimal());
        Assert.Equal("件", figures[0].GetProperty("unit").GetString());
        Assert.Equal("高校進学率", figures[2].GetProperty("label").GetString());
        Assert.Equal(99, figures[2].GetProperty("value").GetDecimal());
        Assert.Equal("%", figures[2].GetProperty("unit").GetString());
    }
}
