using Tsunagu.Japanese;
namespace Tsunagu.Indicators;

/// <summary>
/// How small counts are hidden in published breakdowns (configuration section "Suppression"): counts from 1 to the
/// threshold; for figures about 女性相談/DV and about care leavers, up to the stricter threshold.
/// </summary>
public sealed record SuppressionSettings(int Threshold, int SensitiveThreshold, IReadOnlyList<string> SensitiveCategories, IReadOnlyList<string> SensitivePrograms)
{
    public static SuppressionSettings From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Suppression");
        string[] List(string key, params string[] fallback) =>
            section.GetSection(key).GetChildren().Select(c => c.Value!).Where(v => !string.IsNullOrWhiteSpace(v)).ToArray() is { Length: > 0 } values ? values : fallback;
        return new SuppressionSettings(
            section.GetValue("Threshold", 3),
            section.GetValue("SensitiveThreshold", 10),
            List("SensitiveCategories", "女性相談", "DV相談"),
            List("SensitivePrograms", "社会的養護自立支援拠点事業"));
    }

    public bool IsSensitive(IndicatorDefinition d) =>
        SensitivePrograms.Any(p => JapaneseText.MatchKey(p) == d.Program.NameKey)
        || SensitiveCategories.Any(c => d.Filter.Contains($"{MeasureFilter.CategoryField}=", StringComparison.Ordinal) && d.Filter.Contains(c, StringComparison.Ordinal));
}

/// <summary>
/// A table of counts with the margins it publishes: row totals, column totals and the grand total, each only if shown.
/// Cells[r, c] are the interior counts.
/// </summary>
public sealed class CountTable(int[,] cells, bool rowTotals, bool columnTotals)
{
    public int[,] Cells { get; } = cells;
    public bool HasRowTotals { get; } = rowTotals;
    public bool HasColumnTotals { get; } = columnTotals;
    public int Rows => Cells.GetLength(0);
    public int Columns => Cells.GetLength(1);

    public int RowTotal(int r) => Enumerable.Range(0, Columns).Sum(c => Cells[r, c]);
    public int ColumnTotal(int c) => Enumerable.Range(0, Rows).Sum(r => Cells[r, c]);
    public int GrandTotal => Enumerable.Range(0, Rows).Sum(RowTotal);

    /// <summary>
    /// Every value as an index: interior cells first (r × Columns + c), then row totals, column totals and the grand
    /// total. The grand total is printed when either kind of margin is.
    /// </summary>
    public int ValueCount => Rows * Columns + Rows + Columns + 1;

    public int RowTotalIndex(int r) => Rows * Columns + r;
    public int ColumnTotalIndex(int c) => Rows * Columns + Rows + c;
    public int GrandTotalIndex => Rows * Columns + Rows + Columns;

    public bool IsPublished(int index) =>
        index < Rows * Columns
        || (index < Rows * Columns + Rows ? HasRowTotals : index < GrandTotalIndex ? HasColumnTotals : HasRowTotals || HasColumnTotals);

    public int Value(int index) =>
        index < Rows * Columns ? Cells[index / Columns, index % Columns]
        : index < Rows * Columns + Rows ? RowTotal(index - Rows * Columns)
        : index < GrandTotalIndex ? ColumnTotal(index - Rows * Columns - Rows)
        : GrandTotal;

    /// <summary>
    /// The additive relations among the published values: each row sums to its total, each column to its total, the
    /// totals to the grand total. As coefficient rows over <see cref="ValueCount"/> values.
    /// </summary>
    public IEnumerable<int[]> Relations()
    {
        if (HasRowTotals)
        {
            for (var r = 0; r < Rows; r++)
            {
                var row = new int[ValueCount];
                for (var c = 0; c < Columns; c++)
                {
                    row[r * Columns + c] = 1;
                }
                row[RowTotalIndex(r)] = -1;
                yield return row;
            }
        }
        if (HasColumnTotals)
        {
            for (var c = 0; c < Columns; c++)
            {
                var column = new int[ValueCount];
                for (var r = 0; r < Rows; r++)
                {
                    column[r * Columns + c] = 1;
                }
                column[ColumnTotalIndex(c)] = -1;
                yield return column;
            }
        }
        foreach (var totals in new[] { HasRowTotals ? Enumerable.Range(0, Rows).Select(RowTotalIndex) : null, HasColumnTotals ? Enumerable.Range(0, Columns).Select(ColumnTotalIndex) : null })
        {
            if (totals is null)
            {
                continue;
            }
            var sum = new int[ValueCount];
            foreach (var index in totals)
            {
                sum[index] = 1;
            }
            sum[GrandTotalIndex] = -1;
            yield return sum;
        }
    }
}

/// <summary>
/// Small-cell suppression for published breakdowns. Counts from 1 to the threshold are hidden (primary suppression);
/// then, while any hidden value could still be worked out exactly from the values shown and the totals, one more value
/// on its row or column is hidden (secondary suppression) — the smallest count there, else the margin. Whether a value
/// can be worked out is decided exactly: it can if and only if it is fixed by the table's additive relations once the
/// shown values are known (linear algebra over the rationals), which also catches what a "two per row" rule misses.
/// </summary>
public static class Suppression
{
    public const string Mark = "x";

    public static bool[] Suppress(CountTable table, int threshold)
    {
        var hidden = new bool[table.ValueCount];
        for (var i = 0; i < table.ValueCount; i++)
        {
            hidden[i] = table.IsPublished(i) && table.Value(i) >= 1 && table.Value(i) <= threshold;
        }
        while (FirstDisclosed(table, hidden) is { } exposed)
        {
            // A line (a row or column with its total) holding a single hidden value gives that value away directly:
            // such a line is covered first, on the line itself. Otherwise a combination of lines gives the value
            // away, and its partner goes on one of its own lines.
            var line = table.Relations().Select(Members).FirstOrDefault(members => members.Count(i => hidden[i]) == 1);
            hidden[Partner(table, hidden, line ?? [.. table.Relations().Where(r => r[exposed] != 0).SelectMany(Members).Distinct()])] = true;
        }
        return hidden;
    }

    /// <summary>A hidden value that the shown values and the relations fix exactly, if there is one.</summary>
    public static int? FirstDisclosed(CountTable table, bool[] hidden)
    {
        var unknowns = Enumerable.Range(0, table.ValueCount).Where(i => hidden[i]).ToList();
        // The relations restricted to the hidden values, in reduced row echelon form: a hidden value is fixed by the
        // shown ones if and only if some row of it has that value alone.
        var rows = table.Relations().Select(r => unknowns.Select(u => new Fraction(r[u])).ToArray()).ToList();
        ReduceRows(rows, unknowns.Count);
        foreach (var row in rows)
        {
            var nonZero = Enumerable.Range(0, unknowns.Count).Where(k => !row[k].IsZero).ToList();
            if (nonZero.Count == 1)
            {
                return unknowns[nonZero[0]];
            }
        }
        return null;
    }

    static List<int> Members(int[] relation) => [.. Enumerable.Range(0, relation.Length).Where(i => relation[i] != 0)];

    // The value to hide next among the candidates: the smallest positive interior count, else a margin, else a zero (a
    // zero names nobody, but hiding it keeps the others undetermined), else the smallest value anywhere.
    static int Partner(CountTable table, bool[] hidden, List<int> candidates)
    {
        var open = candidates.Where(i => !hidden[i] && table.IsPublished(i)).ToList();
        var interior = open.Where(i => i < table.Rows * table.Columns && table.Value(i) > 0).OrderBy(table.Value).ThenBy(i => i).ToList();
        var margins = open.Where(i => i >= table.Rows * table.Columns).Order().ToList();
        return interior.Count > 0 ? interior[0]
            : margins.Count > 0 ? margins[0]
            : open.Count > 0 ? open.Min()
            : Enumerable.Range(0, table.ValueCount).Where(i => !hidden[i] && table.IsPublished(i)).OrderBy(table.Value).First();
    }

    static void ReduceRows(List<Fraction[]> m, int columns)
    {
        var rank = 0;
        for (var c = 0; c < columns && rank < m.Count; c++)
        {
            var pivot = m.FindIndex(rank, r => !r[c].IsZero);
            if (pivot < 0)
            {
                continue;
            }
            (m[rank], m[pivot]) = (m[pivot], m[rank]);
            var lead = m[rank][c];
            for (var j = c; j < columns; j++)
            {
                m[rank][j] /= lead;
            }
            for (var r = 0; r < m.Count; r++)
            {
                if (r != rank && !m[r][c].IsZero)
                {
                    var factor = m[r][c];
                    for (var j = c; j < columns; j++)
                    {
                        m[r][j] -= factor * m[rank][j];
                    }
                }
            }
            rank++;
        }
    }

    /// <summary>An exact rational, so that "fixed exactly" is decided without rounding.</summary>
    readonly record struct Fraction
    {
        readonly System.Numerics.BigInteger numerator, denominator;

        public Fraction(System.Numerics.BigInteger numerator) : this(numerator, 1) { }

        Fraction(System.Numerics.BigInteger numerator, System.Numerics.BigInteger denominator)
        {
            var gcd = System.Numerics.BigInteger.GreatestCommonDivisor(numerator, denominator);
            if (gcd.IsZero)
            {
                gcd = 1;
            }
            if (denominator.Sign < 0)
            {
                gcd = -gcd;
            }
            (this.numerator, this.denominator) = (numerator / gcd, denominator / gcd);
        }

        public bool IsZero => numerator.IsZero;

        public static Fraction operator -(Fraction a, Fraction b) => new(a.numerator * b.denominator - b.numerator * a.denominator, a.denominator * b.denominator);

        public static Fraction operator *(Fraction a, Fraction b) => new(a.numerator * b.numerator, a.denominator * b.denominator);

        public static Fraction operator /(Fraction a, Fraction b) => new(a.numerator * b.denominator, a.denominator * b.numerator);
    }
}
