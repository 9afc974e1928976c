using Tsunagu.Indicators;

namespace Tsunagu.Tests.Indicators;

public class SuppressionTests
{
    /// <summary>
    /// An attacker's view, worked out independently of the suppression code: the table's relations form a graph whose
    /// edges are the values (a cell joins its row's relation to its column's; a row total joins its row's relation to
    /// the relation of the row totals; …; a relation that is not printed is one shared "free" node). A hidden value can
    /// be worked out exactly from the shown ones if and only if its edge is a bridge of the graph of hidden values.
    /// </summary>
    static bool Disclosed(CountTable t, bool[] hidden, int index)
    {
        string Row(int r) => t.HasRowTotals ? $"r{r}" : "free";
        string Column(int c) => t.HasColumnTotals ? $"c{c}" : "free";
        var rowSum = t.HasRowTotals ? "row totals" : "free";
        var columnSum = t.HasColumnTotals ? "column totals" : "free";
        (string, string) Edge(int i) =>
            i < t.Rows * t.Columns ? (Row(i / t.Columns), Column(i % t.Columns))
            : i < t.RowTotalIndex(t.Rows - 1) + 1 ? (Row(i - t.Rows * t.Columns), rowSum)
            : i < t.GrandTotalIndex ? (Column(i - t.Rows * t.Columns - t.Rows), columnSum)
            : (rowSum, columnSum);
        var (from, to) = Edge(index);
        if (from == to)
        {
            return false;
        }
        // Is `to` reachable from `from` over the other hidden values?
        var edges = Enumerable.Range(0, t.ValueCount).Where(i => hidden[i] && i != index).Select(Edge).ToList();
        var seen = new HashSet<string> { from };
        var queue = new Queue<string>([from]);
        while (queue.TryDequeue(out var node))
        {
            foreach (var (a, b) in edges)
            {
                var next = a == node ? b : b == node ? a : null;
                if (next is not null && seen.Add(next))
                {
                    queue.Enqueue(next);
                }
            }
        }
        return !seen.Contains(to);
    }

    [Fact]
    public void RandomTables_NoSuppressedValueCanBeWorkedOutFromTheTotals()
    {
        var random = new Random(20241);
        var checkedTables = 0;
        for (var n = 0; n < 3000; n++)
        {
            var rows = random.Next(1, 8);
            var columns = random.Next(1, 6);
            var cells = new int[rows, columns];
            for (var r = 0; r < rows; r++)
            {
                for (var c = 0; c < columns; c++)
                {
                    // Many small counts and zeros, some large: what a breakdown by ward of a small program looks like.
                    cells[r, c] = random.Next(4) switch { 0 => 0, 1 => random.Next(1, 4), 2 => random.Next(1, 15), _ => random.Next(0, 500) };
                }
            }
            var table = new CountTable(cells, random.Next(3) > 0, random.Next(3) > 0);
            var threshold = random.Next(1, 11);

            var hidden = Suppression.Suppress(table, threshold);

            for (var i = 0; i < table.ValueCount; i++)
            {
                if (table.IsPublished(i) && table.Value(i) >= 1 && table.Value(i) <= threshold)
                {
                    Assert.True(hidden[i], $"table {n}: value {i} ({table.Value(i)}) is at or under the threshold {threshold} and shown");
                }
                if (hidden[i])
                {
                    Assert.False(Disclosed(table, hidden, i), $"table {n}: hidden value {i} ({table.Value(i)}) can be worked out from the totals");
                }
            }
            checkedTables += hidden.Any(h => h) ? 1 : 0;
        }
        // The property was exercised, not passed vacuously.
        Assert.True(checkedTables > 2000, $"{checkedTables} tables had something to hide");
    }

    [Fact]
    public void TwoHiddenPerRowAndColumn_IsNotEnough_ABridgeGivesACellAway()
    {
        // Two 2×2 blocks of hidden cells joined by one more hidden cell: every row and column has at least two hidden
        // values, yet the joining cell is the row total minus the shown cells minus the block's own sum.
        var table = new CountTable(new int[,] { { 5, 6, 20, 30 }, { 7, 8, 9, 40 }, { 50, 60, 5, 6 }, { 70, 80, 7, 8 } }, rowTotals: true, columnTotals: true);
        var hidden = new bool[table.ValueCount];
        foreach (var (r, c) in new[] { (0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (1, 2) })
        {
            hidden[r * 4 + c] = true;
        }

        Assert.Equal(1 * 4 + 2, Suppression.FirstDisclosed(table, hidden));
        Assert.True(Disclosed(table, hidden, 1 * 4 + 2));
    }

    [Fact]
    public void ALoneSmallCell_TakesAPartnerOnItsRowAndColumn()
    {
        // 区別の相談件数: 若林区 has 2 女性相談; the smallest other counts on its row and column are hidden with it.
        var table = new CountTable(new int[,] { { 120, 40, 300 }, { 2, 35, 250 }, { 90, 12, 410 } }, rowTotals: true, columnTotals: true);

        var hidden = Suppression.Suppress(table, 3);

        Assert.Equal(
            [(1, 0), (1, 1), (2, 0), (2, 1)],
            Enumerable.Range(0, 9).Where(i => hidden[i]).Select(i => (i / 3, i % 3)));
        Assert.DoesNotContain(true, hidden[9..]);
    }
}
