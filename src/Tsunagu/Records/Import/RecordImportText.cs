namespace Tsunagu.Records.Import;

public static class RecordImportText
{
    public static string Summary(RecordImportResult r, bool dryRun) =>
        $"{(dryRun ? "（確認のみ・書き込みなし）" : "")}{r.Rows} 行を読みました: 新しい人 {r.NewPersons}、登録済みの人と照合 {r.MatchedPersons}、" +
        $"事業への登録 {r.NewEnrollments}、支援記録 {r.NewContacts} 件（取り込み済みのため省略 {r.SkippedContacts} 件）。" +
        (r.DoubtfulTotal > 0 ? $"確認が必要な照合 {r.DoubtfulTotal} 件。" : "");

    /// <summary>Where to look, never whom: the line of the file and the number of the registered person.</summary>
    public static string Doubtful(DoubtfulMatch d) =>
        $"{d.Line}行目: 登録済みの人（番号 {d.ExistingPersonId}）とふりがな・生年月日が同じで氏名の表記が違います。別の人として登録しました。同じ人なら統合を検討してください。";
}
