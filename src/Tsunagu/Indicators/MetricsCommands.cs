using System.CommandLine;
using System.Text.Json;
using Tsunagu.Reports;

namespace Tsunagu.Indicators;

/// <summary>The `metrics` verb: the figures in a 実績 text.</summary>
public static class MetricsCommands
{
    public static Command Create(Cli cli)
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
            cli.Io.Out.WriteLine(JsonSerializer.Serialize(figures, ReportTable.Json));
            return 0;
        });
        return new Command("metrics", "実績の数値") { parse };
    }
}
