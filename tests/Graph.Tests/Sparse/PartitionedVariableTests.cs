using Xunit;

namespace ActorGraph.GraphTests.Sparse;

// Translated from TensorFlow 1's tensorflow/python/kernel_tests/partitioned_variables_test.py
// (PartitionerCreatorsTest and PartitionedVariablesTestCase), along axis 0, the axis ActorGraph splits.
public class PartitionedVariableTests
{
    private static int[] PartRows(PartitionedVariable v) => [.. v.Select(p => p.Shape[0])];

    // PartitionerCreatorsTest.testFixedSizePartitioner: 5 parts of a 10-row variable, names part_0…part_4.
    [Fact]
    public void FixedSizePartitioner()
    {
        using var h = new SparseHarness();
        using (TF.VariableScope("root"))
        {
            var v0 = TF.GetPartitionedVariable("v0", [10, 4], TF.FixedSizePartitioner(5));
            Assert.Equal(5, v0.Count);
            Assert.Equal([2, 2, 2, 2, 2], PartRows(v0));
            Assert.Equal("root/v0", v0.Name);
            Assert.Equal(Enumerable.Range(0, 5).Select(i => $"root/v0/part_{i}:0"), v0.Select(p => p.Name));
            Assert.Equal(new Shape(10, 4), v0.Shape);
            Assert.Equal(DType.Float32, v0.DType);
        }
    }

    // fixed_size_partitioner never makes more parts than rows (min(num_shards, dim)).
    [Fact]
    public void FixedSizePartitioner_makes_no_more_parts_than_rows()
    {
        Assert.Equal([3, 1], TF.FixedSizePartitioner(5)(new Shape(3, 1), DType.Float32));
        Assert.Equal([2, 1, 1], TF.FixedSizePartitioner(2)(new Shape(7, 3, 2), DType.Float64));
    }

    // PartitionerCreatorsTest.testMinMaxVariablePartitioner: ceil(bytes / min_slice_size) parts, at most
    // max_partitions and the rows, at least one.
    [Theory]
    [InlineData(100, 2 << 10, new[] { 2048 }, new[] { 4 })]
    [InlineData(100, 256 << 10, new[] { 2048, 1024 }, new[] { 32, 1 })]
    [InlineData(16, 256 << 10, new[] { 2048, 1024 }, new[] { 16, 1 })]
    [InlineData(1, 256 << 10, new[] { 2048, 1024 }, new[] { 1, 1 })]
    [InlineData(100, 128 << 10, new[] { 2048, 1024 }, new[] { 64, 1 })]
    [InlineData(100, 512 << 10, new[] { 2048, 1024 }, new[] { 16, 1 })]
    [InlineData(100, 256 << 10, new[] { 2, 2 }, new[] { 1, 1 })]
    [InlineData(100, 1, new[] { 3, 5 }, new[] { 3, 1 })]
    public void MinMaxVariablePartitioner(int maxPartitions, int minSliceSize, int[] shape, int[] expected)
    {
        Assert.Equal(expected, TF.MinMaxVariablePartitioner(maxPartitions, minSliceSize)(new Shape(shape), DType.Float32));
        using var h = new SparseHarness();
        using (TF.VariableScope("root"))
        {
            var v = TF.GetPartitionedVariable("v", new Shape(shape), TF.MinMaxVariablePartitioner(maxPartitions, minSliceSize));
            Assert.Equal(expected[0], v.Count);
        }
    }

    // PartitionedVariablesTestCase.testIotaInitializer and testRandomInitUnevenPartitions: uneven splits give the
    // first parts one more row each (13 in 3: 5, 4, 4; 43 in 2…5 as the saved slice specs say).
    [Theory]
    [InlineData(13, 3, new[] { 5, 4, 4 })]
    [InlineData(43, 1, new[] { 43 })]
    [InlineData(43, 2, new[] { 22, 21 })]
    [InlineData(43, 3, new[] { 15, 14, 14 })]
    [InlineData(43, 4, new[] { 11, 11, 11, 10 })]
    [InlineData(43, 5, new[] { 9, 9, 9, 8, 8 })]
    [InlineData(10, 10, new[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 })]
    public void Uneven_partitions_give_the_first_parts_the_extra_rows(int rows, int parts, int[] expected)
    {
        using var h = new SparseHarness();
        var v = TF.GetPartitionedVariable("v", [rows, 5], TF.FixedSizePartitioner(parts));
        Assert.Equal(expected, PartRows(v));
        long offset = 0;
        for (int i = 0; i < v.Count; i++)
        {
            Assert.Equal(offset, v.OffsetOf(i));
            offset += expected[i];
        }
    }

    // testVecConstantInit / testDegenerate: the parts concatenated are the initial value.
    [Fact]
    public void The_parts_together_hold_the_initial_value()
    {
        using var h = new SparseHarness();
        var v = TF.GetPartitionedVariable("v", [7, 2], TF.FixedSizePartitioner(3), initializer: TF.ConstantInitializer(1.5));
        h.Executor.Run(TF.GlobalVariablesInitializer());
        var whole = h.Executor.Run(v.AsTensor());
        Assert.Equal(new Shape(7, 2), whole.Shape);
        Assert.All(whole.ToArray<float>(), x => Assert.Equal(1.5f, x));
    }

    // Glorot's range comes from the whole table's fans (TensorFlow's partition_info), not each part's.
    [Fact]
    public void A_glorot_initialized_part_draws_from_the_whole_tables_range()
    {
        using var h = new SparseHarness();
        var v = TF.GetPartitionedVariable("v", [1000, 4], TF.FixedSizePartitioner(4), initializer: TF.GlorotUniformInitializer(seed: 3));
        h.Executor.Run(TF.GlobalVariablesInitializer());
        double limit = Math.Sqrt(6.0 / (1000 + 4));
        var values = h.Executor.Run(v.AsTensor()).ToArray<float>();
        Assert.All(values, x => Assert.InRange(x, -limit, limit));
        // A part's own fans (250 + 4) would allow values up to 0.154; the whole table's stop at 0.077.
        Assert.True(values.Max(Math.Abs) > 0.7 * limit);
    }

    // testName: names follow the variable scopes, not name scopes; with reuse the same parts come back.
    [Fact]
    public void Names_follow_variable_scopes_and_reuse_returns_the_same_parts()
    {
        using var h = new SparseHarness();
        PartitionedVariable first;
        using (TF.VariableScope("hola"))
            first = TF.GetPartitionedVariable("table", [4, 2], TF.FixedSizePartitioner(2));
        using (TF.VariableScope("hola", VariableReuse.Reuse))
        {
            var again = TF.GetPartitionedVariable("table", [4, 2], TF.FixedSizePartitioner(2));
            Assert.Same(first, again);
        }
        using (TF.VariableScope("hola", VariableReuse.AutoReuse))
            Assert.Same(first, TF.GetPartitionedVariable("table", [4, 2], TF.FixedSizePartitioner(2)));
        using (TF.NameScope("ola"))
            Assert.Equal("table/part_1:0", TF.GetPartitionedVariable("table", [4, 2], TF.FixedSizePartitioner(2))[1].Name);
        Assert.Equal(["hola/table/part_0:0", "hola/table/part_1:0"], first.Select(p => p.Name));
    }

    [Fact]
    public void A_second_partitioned_variable_of_a_name_without_reuse_is_refused()
    {
        using var h = new SparseHarness();
        using (TF.VariableScope("s"))
        {
            TF.GetPartitionedVariable("t", [4, 2], TF.FixedSizePartitioner(2));
            var e = Assert.Throws<ArgumentException>(() => TF.GetPartitionedVariable("t", [4, 2], TF.FixedSizePartitioner(2)));
            Assert.Contains("s/t already exists", e.Message);
        }
        using (TF.VariableScope("s", VariableReuse.Reuse))
        {
            var shape = Assert.Throws<ArgumentException>(() => TF.GetPartitionedVariable("t", [5, 2], TF.FixedSizePartitioner(2)));
            Assert.Contains("specified shape (5, 2) and found shape (4, 2)", shape.Message);
            Assert.Contains("does not exist", Assert.Throws<ArgumentException>(() => TF.GetPartitionedVariable("u", [4, 2], TF.FixedSizePartitioner(2))).Message);
        }
    }

    // testSomeErrors: a partition count per axis, only axis 0 split, no more parts than rows.
    [Fact]
    public void Bad_partitions_are_refused_saying_what_is_wrong()
    {
        using var h = new SparseHarness();
        Assert.Contains("one count per axis", Assert.Throws<ArgumentException>(() => TF.GetPartitionedVariable("a", [10, 43], (_, _) => [1])).Message);
        Assert.Contains("only axis 0", Assert.Throws<ArgumentException>(() => TF.GetPartitionedVariable("b", [10, 43], (_, _) => [1, 2])).Message);
        Assert.Contains("11 parts for 10 rows", Assert.Throws<ArgumentException>(() => TF.GetPartitionedVariable("c", [10, 43], (_, _) => [11, 1])).Message);
        Assert.Contains("fully defined", Assert.Throws<ArgumentException>(() => TF.GetPartitionedVariable("d", [-1, 4], TF.FixedSizePartitioner(2))).Message);
        Assert.Throws<ArgumentException>(() => TF.FixedSizePartitioner(0));
        Assert.Throws<ArgumentException>(() => TF.MinMaxVariablePartitioner(0));
    }

    [Fact]
    public void The_parts_are_ordinary_trainable_variables_of_the_graph()
    {
        using var h = new SparseHarness();
        var v = TF.GetPartitionedVariable("emb", [6, 3], TF.FixedSizePartitioner(3), DType.Float64);
        Assert.All(v, p => Assert.Contains(p, TF.TrainableVariables()));
        Assert.All(v, p => Assert.Equal(DType.Float64, p.DType));
        var frozen = TF.GetPartitionedVariable("frozen", [6, 3], TF.FixedSizePartitioner(2), trainable: false);
        Assert.All(frozen, p => Assert.DoesNotContain(p, TF.TrainableVariables()));
    }
}
