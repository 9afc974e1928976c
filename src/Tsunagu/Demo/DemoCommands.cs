using System.CommandLine;
using Tsunagu.Calendar;
using Tsunagu.Data;

namespace Tsunagu.Demo;

/// <summary>The `demo` verbs: the synthetic city.</summary>
public static class DemoCommands
{
    public static Command Create(Cli cli)
    {
        var year = Cli.FiscalYearOption(required: true);
        var seed = new Option<int>("--seed") { Description = "乱数の種（同じ種なら同じ街）", DefaultValueFactory = _ => 1 };
        var scale = new Option<double>("--scale") { Description = "規模（1 で令和6年度の実績表と同じ数値、10 で10倍）", DefaultValueFactory = _ => 1 };
        var generate = new Command("generate",
            "架空の街（実在の人はいません）の1年分の登録・支援記録・学習会・配置・進路などをデータベースに書き込みます。続けて `indicators compute` で集計します。")
        {
            year, seed, scale,
        };
        generate.SetAction((result, ct) => cli.WithDatabaseAsync(DatabaseUse.Writes, ct, async (services, _) =>
        {
            var fiscalYear = result.GetValue(year);
            var city = await services.GetRequiredService<Demo.DemoCity>().GenerateAsync(fiscalYear, result.GetValue(seed), result.GetValue(scale), Cli.Actor, ct);
            await cli.Io.Out.WriteLineAsync(
                $"{FiscalYears.Label(fiscalYear)}の架空の街を作りました: {city.Persons:#,0}人、支援記録 {city.Contacts:#,0}件、学習会・セミナー {city.Sessions:#,0}回"
                + $"（参加 {city.Attendances:#,0}人）、配置 {city.Placements:#,0}名、進路 {city.Outcomes:#,0}人、配布 {city.Distributions:#,0}回、補助金 {city.Subsidies:#,0}件、つなぎ {city.Referrals:#,0}件。");
            await cli.Io.Out.WriteLineAsync($"次に `tsunagu indicators compute --fiscal-year {fiscalYear}` で実績を集計してください。");
            return 0;
        }));

        var csvYear = Cli.FiscalYearOption(required: true);
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
            cli.Io.Out.WriteLine($"{path} に書き出しました。");
            return 0;
        });
        return new Command("demo", "デモ・ベンチマーク用の架空データ") { generate, csv };
    }
}
