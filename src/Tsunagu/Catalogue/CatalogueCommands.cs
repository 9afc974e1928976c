using System.CommandLine;
using Tsunagu.Calendar;
using Tsunagu.Data;

namespace Tsunagu.Catalogue;

/// <summary>The `catalogue` verb: the support systems of a year, listed, and the demo city's catalogue loaded.</summary>
public static class CatalogueCommands
{
    public static Command Create(Cli cli)
    {
        var demoYear = Cli.FiscalYearOption(required: true);
        var demo = new Command("demo", "架空の街の支援制度（進学チャレンジ応援補助金など5制度、申込期間つき）をその年度に登録します。") { demoYear };
        demo.SetAction((result, ct) => cli.WithDatabaseAsync(DatabaseUse.Writes, ct, async (services, _) =>
        {
            var fiscalYear = result.GetValue(demoYear);
            var count = await services.GetRequiredService<CatalogueService>().LoadDemoAsync(fiscalYear, ct);
            await cli.Io.Out.WriteLineAsync($"{FiscalYears.Label(fiscalYear)}の支援制度を{count}件登録しました。");
            return 0;
        }));

        var listYear = Cli.FiscalYearOption(required: true);
        var list = new Command("list", "その年度の支援制度と申込期間を一覧します（タブ区切り）。") { listYear };
        list.SetAction((result, ct) => cli.WithDatabaseAsync(DatabaseUse.Reads, ct, async (services, _) =>
        {
            foreach (var scheme in await services.GetRequiredService<CatalogueService>().ListAsync(result.GetValue(listYear), ct))
            {
                foreach (var window in scheme.Windows)
                {
                    await cli.Io.Out.WriteLineAsync(string.Join('\t', scheme.Key, scheme.Name, window.Label ?? "", window.Opens.ToString("O", System.Globalization.CultureInfo.InvariantCulture), window.Closes.ToString("O", System.Globalization.CultureInfo.InvariantCulture), window.Target ?? ""));
                }
            }
            return 0;
        }));
        return new Command("catalogue", "支援制度（公開ページとお知らせのもと）") { demo, list };
    }
}
