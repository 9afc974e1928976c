namespace Tsunagu.Records;

/// <summary>
/// Conditions written the way staff say them, 「項目=値,値; 項目=値」: an indicator's filter (MeasureFilter) and a notice's
/// targeting rule (Catalogue.TargetRule). Full-width ＝ ； 、 ， are read as their half-width forms.
/// </summary>
public static class ConditionText
{
    /// <summary>The fields in the order written, each with its values.</summary>
    /// <param name="problem">The refusal for a malformed part, from its message.</param>
    public static List<(string Field, List<string> Values)> Split(string? text, Func<string, Exception> problem)
    {
        var fields = new List<(string Field, List<string> Values)>();
        foreach (var part in (text ?? "").Replace('；', ';').Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = part.Replace('＝', '=').Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2 || pair[0].Length == 0)
            {
                throw problem($"条件「{part}」は「項目=値」の形で書いてください。");
            }
            var values = pair[1].Replace('、', ',').Replace('，', ',').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            if (values.Count == 0)
            {
                throw problem($"条件「{pair[0]}」に値がありません。");
            }
            if (fields.Any(f => f.Field == pair[0]))
            {
                throw problem($"条件「{pair[0]}」が2回あります。");
            }
            fields.Add((pair[0], values));
        }
        return fields;
    }
}
