using System.Text.RegularExpressions;

namespace Tsunagu.Programs;

public sealed record BureauRef(string Name, string? Scope);

/// <summary>
/// Reads a 担当局 cell: 「健康福祉局こども若者局」 is two bureaus run together, 「こども若者局 (各区役所)」 one bureau
/// with its ward offices, an empty cell none.
/// </summary>
public static partial class BureauParser
{
    [GeneratedRegex(@"(?<name>[^\s\u3000、,，・/／()（）]+?局|[^\s\u3000、,，・/／()（）]+)[\s\u3000]*(?:[(（](?<scope>[^)）]*)[)）])?")]
    private static partial Regex BureauPattern();

    public static IReadOnlyList<BureauRef> Parse(string cell) => Read(cell).Bureaus;

    /// <summary>True where two bureau names follow each other with nothing between them.</summary>
    public static bool HasBureausRunTogether(string cell) => Read(cell).RunTogether;

    static (List<BureauRef> Bureaus, bool RunTogether) Read(string cell)
    {
        var bureaus = new List<BureauRef>();
        var runTogether = false;
        var previousEnd = -1;
        foreach (Match m in BureauPattern().Matches(cell))
        {
            if (m.Index == previousEnd)
            {
                runTogether = true;
            }
            previousEnd = m.Index + m.Length;
            var scope = m.Groups["scope"].Success ? m.Groups["scope"].Value.Trim() : null;
            bureaus.Add(new BureauRef(m.Groups["name"].Value, string.IsNullOrEmpty(scope) ? null : scope));
        }
        return (bureaus, runTogether);
    }
}
