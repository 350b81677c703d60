using ActorGraph.Training;
using Xunit;

namespace ActorGraph.GraphTests.Training;

// Merging a sparse update's repeated rows: the bitmap that finds the usual case (no repeats) must leave no bit set
// behind, or the next update of the same table on this thread would see repeats that are not there.
public class SparseRowsTests
{
    [Fact]
    public void Distinct_rows_are_passed_through_and_the_next_check_starts_clean()
    {
        for (int round = 0; round < 3; round++)
        {
            long[] rows = [5, 0, 999, 64, 63];
            var values = NDArray.FromArray(new float[] { 1, 2, 3, 4, 5 }, [5, 1]);
            Assert.Equal(5, SparseRows.Merge(rows, values, 1, sum: true, out var merged, tableRows: 1000));
            Assert.Same(values, merged);
        }
    }

    [Fact]
    public void A_repeated_row_is_summed_and_clears_the_bits_it_set()
    {
        long[] rows = [7, 3, 7, 100];
        var values = NDArray.FromArray(new float[] { 1, 2, 10, 20, 100, 200, 1000, 2000 }, [4, 2]);
        Assert.Equal(3, SparseRows.Merge(rows, values, 2, sum: true, out var merged, tableRows: 128));
        Assert.Equal([7L, 3L, 100L], rows[..3]);
        Assert.Equal([101f, 202f, 10f, 20f, 1000f, 2000f], merged.ToArray<float>());
        // The rows the first check had marked before it met the repeat are free again.
        long[] again = [3, 7, 100];
        Assert.Equal(3, SparseRows.Merge(again, NDArray.FromArray(new float[] { 1, 1, 1, 1, 1, 1 }, [3, 2]), 2, sum: true, out _, tableRows: 128));
    }

    [Fact]
    public void ScatterUpdate_keeps_the_last_of_repeated_rows_whatever_the_table_size()
    {
        foreach (long tableRows in new[] { -1L, 10L, DistinctRows.MaxTableRows + 1 })
        {
            long[] rows = [2, 2, 1];
            var values = NDArray.FromArray(new float[] { 1, 2, 3 }, [3, 1]);
            Assert.Equal(2, SparseRows.Merge(rows, values, 1, sum: false, out var merged, tableRows));
            Assert.Equal([2f, 3f], merged.ToArray<float>());
        }
    }
}
