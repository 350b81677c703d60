using Xunit;

namespace ActorGraph.GraphTests.Kernels;

// Row gathers on bytes: rows of whole 32-byte vectors take a vector copy, other widths a plain one; both must put
// row indices[j] of each outer block at position j.
public class GatherTests
{
    [Theory]
    [InlineData(1, 10, 64)]   // an embedding row of 16 floats
    [InlineData(3, 7, 32)]
    [InlineData(2, 5, 256)]
    [InlineData(2, 9, 12)]    // 3 floats: not a whole vector
    [InlineData(1, 4, 288)]   // 9 vectors: past the vector path's length
    [InlineData(1, 6, 4)]     // one float or int32: an element at a time
    [InlineData(1, 6, 8)]     // one double or int64
    [InlineData(2, 6, 4)]     // one element, several blocks: the plain copy
    public void Rows_puts_each_indexed_row_of_each_block_in_order(int outer, int size, int rowBytes)
    {
        var from = new byte[outer * size * rowBytes];
        new Random(rowBytes).NextBytes(from);
        long[] indices = [size - 1, 0, 2, 2, size / 2];
        var result = new byte[outer * indices.Length * rowBytes];
        ActorGraph.Kernels.Gather.Rows(from, outer, size, rowBytes, indices, result);
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < indices.Length; j++)
                Assert.Equal(from.AsSpan((int)((o * size + indices[j]) * rowBytes), rowBytes).ToArray(),
                    result.AsSpan((o * indices.Length + j) * rowBytes, rowBytes).ToArray());
    }

    [Fact]
    public void An_index_past_the_rows_is_refused_not_read()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ActorGraph.Kernels.Gather.Rows(new byte[4 * 64], 1, 4, 64, [1, 4], new byte[2 * 64]));
        Assert.Contains("indices[1] = 4 is not in [0, 4)", e.Message);
    }

    [Theory]
    [InlineData(64)]
    [InlineData(4)]
    public void A_gather_of_many_rows_split_over_threads_puts_each_in_order_and_names_a_bad_index_by_its_position(int rowBytes)
    {
        const int size = 50_000, n = 5_000;
        var from = new byte[size * rowBytes];
        new Random(1).NextBytes(from);
        var indices = Enumerable.Range(0, n).Select(j => (long)(j * 7919 % size)).ToArray();
        var result = new byte[n * rowBytes];
        ActorGraph.Kernels.Gather.Rows(from, 1, size, rowBytes, indices, result);
        for (int j = 0; j < n; j++)
            Assert.True(from.AsSpan((int)indices[j] * rowBytes, rowBytes).SequenceEqual(result.AsSpan(j * rowBytes, rowBytes)), $"row {j}");
        indices[4_321] = size;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ActorGraph.Kernels.Gather.Rows(from, 1, size, rowBytes, indices, result));
        Assert.Contains($"indices[4321] = {size} is not in [0, {size})", e.Message);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    public void An_index_past_rows_of_one_element_is_refused_not_read(int rowBytes)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ActorGraph.Kernels.Gather.Rows(new byte[4 * rowBytes], 1, 4, rowBytes, [0, 3, 7], new byte[3 * rowBytes]));
        Assert.Contains("indices[2] = 7 is not in [0, 4)", e.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void AddRows_sums_repeated_indices_into_zeros(int inner)
    {
        float[] rows = [.. Enumerable.Range(1, 4 * inner).Select(i => (float)i)];
        long[] indices = [2, 0, 2, 4];
        var result = Enumerable.Repeat(99f, 5 * inner).ToArray();
        ActorGraph.Kernels.Gather.AddRows<float>(rows, 1, 5, inner, indices, result);
        var expected = new float[5 * inner];
        for (int j = 0; j < indices.Length; j++)
            for (int k = 0; k < inner; k++) expected[indices[j] * inner + k] += rows[j * inner + k];
        Assert.Equal(expected, result);
    }

    [Fact]
    public void ReadIndices_names_the_first_index_out_of_range_of_either_width()
    {
        var result = new long[3];
        Assert.Equal((1, -1L), ActorGraph.Kernels.Gather.ReadIndices(NDArray.FromArray(new[] { 2, -1, 9 }, [3]), 5, result));
        Assert.Equal((2, 5L), ActorGraph.Kernels.Gather.ReadIndices(NDArray.FromArray(new[] { 2L, 4L, 5L }, [3]), 5, result));
        Assert.Null(ActorGraph.Kernels.Gather.ReadIndices(NDArray.FromArray(new[] { 2L, 4L, 0L }, [3]), 5, result));
        Assert.Equal([2L, 4L, 0L], result);
    }
}
