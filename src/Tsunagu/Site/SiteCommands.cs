using System.CommandLine;
using Tsunagu.Data;

namespace Tsunagu.Site;

/// <summary>The `public` verb: the public site of the support catalogue, for the city's web server on the internet tier.</summary>
public static class SiteCommands
{
    public static Command Create(Cli cli)
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "書き出すフォルダ（なければ作ります）", Required = true };
        var build = new Command("build",
            "支援制度の公開ページを静的なファイルとして書き出します（一覧、制度ごとのページ、公表した実績表、iCalendar、Atom、オープンデータ）。個人の記録は読みません。")
        {
            output,
        };
        build.SetAction((result, ct) => cli.WithDatabaseAsync(DatabaseUse.Writes, ct, async (services, _) =>
        {
            var folder = result.GetValue(output)!.FullName;
            var built = await services.GetRequiredService<PublicSite>().BuildAsync(folder, ct);
            await cli.Io.Out.WriteLineAsync($"{folder} に {built.Files.Count} ファイルを書き出しました（支援制度 {built.Schemes} 件、申込期間 {built.Windows} 件、実績表 {built.Tables} 年度）。");
            return 0;
        }));
        return new Command("public", "公開ページ（インターネット側のウェブサーバーに置くもの）") { build };
    }
}
