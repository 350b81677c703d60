using Xunit;

namespace ActorGraph.GraphTests.Sparse;

// Translated from TensorFlow 1's tensorflow/python/kernel_tests/embedding_ops_test.py, EmbeddingLookupTest: the
// parts are a partitioned variable's, split as _EmbeddingParams splits them (the first vocab % shards parts one
// row longer), and the expected rows come from _EmbeddingResult's arithmetic.
public class EmbeddingLookupTests
{
    private const int Dim = 10;

    private static (PartitionedVariable Table, float[][] Parts) Table(SparseHarness h, int shards, int vocab, int seed = 1)
    {
        var table = TF.GetPartitionedVariable("p", [vocab, Dim], TF.MinMaxVariablePartitioner(maxPartitions: shards, minSliceSize: 1));
        var parts = table.Select((part, i) => SparseHarness.Random(part.Shape[0] * Dim, seed + i)).ToArray();
        h.Fill(table, parts);
        return (table, parts);
    }

    // _EmbeddingResult: "mod" reads part id % shards at row id // shards; "div" the first `extras` parts hold
    // ids_per_partition + 1 ids each, the others ids_per_partition.
    private static float[] Expected(float[][] parts, int[] ids, int shards, int vocab, string strategy)
    {
        var result = new List<float>();
        foreach (int id in ids)
        {
            int part, offset;
            if (strategy == "mod") (part, offset) = (id % shards, id / shards);
            else
            {
                int idsPerPartition = vocab / shards, extras = vocab % shards, threshold = extras * (idsPerPartition + 1);
                (part, offset) = id < threshold
                    ? (id / (idsPerPartition + 1), id % (idsPerPartition + 1))
                    : (extras + (id - threshold) / idsPerPartition, (id - threshold) % idsPerPartition);
            }
            result.AddRange(parts[part].AsSpan(offset * Dim, Dim).ToArray());
        }
        return [.. result];
    }

    // Not from TensorFlow: the kernels keep their arrays between steps, and a step with fewer or more ids (fewer or
    // more unique rows per part) than the last must still see its own rows alone.
    [Theory]
    [InlineData("mod")]
    [InlineData("div")]
    public void Steps_of_changing_id_counts_each_get_their_own_rows(string strategy)
    {
        using var h = new SparseHarness();
        var (table, parts) = Table(h, shards: 3, vocab: 13);
        var ids = TF.Placeholder(DType.Int32, [-1]);
        var embedding = TF.EmbeddingLookup(table, ids, strategy);
        foreach (int[] batch in new[] { new[] { 5, 0, 12, 5, 7, 1, 0 }, [3, 3], [12, 11, 10, 9, 8, 2, 4, 6, 3], [0] })
            Assert.Equal(Expected(parts, batch, 3, 13, strategy), h.Values(embedding, new FeedDict { [ids] = NDArray.FromArray(batch, [batch.Length]) }));
    }

    // testSimpleShardedPartitionedVariable: both ids in the first part, the other part's lookup empty.
    [Fact]
    public void SimpleShardedPartitionedVariable()
    {
        using var h = new SparseHarness();
        var (table, parts) = Table(h, shards: 2, vocab: 4);
        var embedding = TF.EmbeddingLookup(table, TF.Constant(new[] { 0, 0 }));
        Assert.Equal(new Shape(2, Dim), embedding.Shape);
        Assert.Equal(parts[0], h.Executor.Run(table[0]).ToArray<float>());
        Assert.Equal(Expected(parts, [0, 0], 2, 4, "mod"), h.Values(embedding));
    }

    // testShardedModPartitioningInt32Ids, testShardedModPartitioningInt64Ids, testShardedDivPartitioningInt32Ids,
    // testShardedDivPartitioningInt64Ids: 13 ids over 5 parts (3, 3, 3, 2, 2 rows), 30 lookups with repeats.
    [Theory]
    [InlineData("mod", DType.Int32)]
    [InlineData("mod", DType.Int64)]
    [InlineData("div", DType.Int32)]
    [InlineData("div", DType.Int64)]
    public void ShardedPartitioning(string strategy, DType idType)
    {
        using var h = new SparseHarness();
        var (table, parts) = Table(h, shards: 5, vocab: 13);
        Assert.Equal([3, 3, 3, 2, 2], table.Select(p => p.Shape[0]));
        var rng = new Random(7);
        int[] idValues = [.. Enumerable.Range(0, 30).Select(_ => rng.Next(13))];
        var ids = TF.Cast(TF.Constant(idValues), idType);
        var embedding = TF.EmbeddingLookup(table, ids, strategy);
        Assert.Equal(new Shape(30, Dim), embedding.Shape);
        Assert.Equal(Expected(parts, idValues, 5, 13, strategy), h.Values(embedding));
    }

    // testShardedDivPartitioningUnknownParamShape's ragged case: 13 ids over 5 parts, "div" with the last parts shorter.
    [Fact]
    public void DivPartitioning_reads_contiguous_ranges_with_the_longer_parts_first()
    {
        using var h = new SparseHarness();
        var (table, parts) = Table(h, shards: 5, vocab: 13);
        int[] all = [.. Enumerable.Range(0, 13)];
        var embedding = TF.EmbeddingLookup(table, TF.Constant(all), "div");
        Assert.Equal(parts.SelectMany(p => p).ToArray(), h.Values(embedding));
    }

    // testHigherRank: ids of any shape give ids.shape + the row shape.
    [Theory]
    [InlineData("mod")]
    [InlineData("div")]
    public void HigherRank(string strategy)
    {
        using var h = new SparseHarness();
        var (table, parts) = Table(h, shards: 3, vocab: 10);
        int[] idValues = [0, 4, 9, 3, 3, 7];
        var ids = TF.Reshape(TF.Constant(idValues), new Shape(2, 3));
        var embedding = TF.EmbeddingLookup(table, ids, strategy);
        Assert.Equal(new Shape(2, 3, Dim), embedding.Shape);
        var result = h.Executor.Run(embedding);
        Assert.Equal(new Shape(2, 3, Dim), result.Shape);
        Assert.Equal(Expected(parts, idValues, 3, 10, strategy), result.ToArray<float>());
    }

    // A fed batch whose shape is known only at run time.
    [Fact]
    public void Ids_fed_with_an_unknown_shape_come_back_in_their_shape()
    {
        using var h = new SparseHarness();
        var (table, parts) = Table(h, shards: 2, vocab: 5);
        var ids = TF.Placeholder(DType.Int64);
        var embedding = TF.EmbeddingLookup(table, ids);
        var result = h.Executor.Run(embedding, new FeedDict { [ids] = NDArray.FromArray(new long[] { 4, 1, 1, 0 }, new Shape(2, 2)) });
        Assert.Equal(new Shape(2, 2, Dim), result.Shape);
        Assert.Equal(Expected(parts, [4, 1, 1, 0], 2, 5, "mod"), result.ToArray<float>());
    }

    // An id outside the table: InvalidArgumentException naming the id and the table's size (TensorFlow 1 fails in
    // the part's Gather with the part's local index instead).
    [Theory]
    [InlineData("mod", 13)]
    [InlineData("div", -1)]
    public void An_id_out_of_range_names_the_id_and_the_table_size(string strategy, int bad)
    {
        using var h = new SparseHarness();
        var (table, _) = Table(h, shards: 5, vocab: 13);
        var embedding = TF.EmbeddingLookup(table, TF.Constant(new[] { 2, bad, 3 }), strategy);
        var e = Assert.Throws<InvalidArgumentException>(() => h.Executor.Run(embedding));
        Assert.Contains($"id {bad}", e.Message);
        Assert.Contains("table of 13 rows", e.Message);
    }

    [Fact]
    public void A_single_table_lookup_is_a_gather_and_names_an_id_out_of_range()
    {
        using var h = new SparseHarness();
        var table = TF.Constant(new float[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } });
        Assert.Equal([5f, 6f, 1f, 2f], h.Values(TF.EmbeddingLookup(table, TF.Constant(new[] { 2, 0 }))));
        var e = Assert.Throws<InvalidArgumentException>(() => h.Executor.Run(TF.EmbeddingLookup(table, TF.Constant(new[] { 3 }))));
        Assert.Contains("indices[0] = 3 is not in [0, 3)", e.Message);
    }

    [Fact]
    public void An_unknown_partition_strategy_is_refused_naming_the_two_there_are()
    {
        using var h = new SparseHarness();
        var table = TF.GetPartitionedVariable("p", [4, 2], TF.FixedSizePartitioner(2));
        var e = Assert.Throws<ArgumentException>(() => TF.EmbeddingLookup(table, TF.Constant(new[] { 0 }), "hash"));
        Assert.Contains("\"mod\" or \"div\"", e.Message);
    }

    // testGradientsEmbeddingLookup: the gradient reaches each part as an IndexedSlices of that part's rows.
    [Theory]
    [InlineData("mod")]
    [InlineData("div")]
    public void Gradients_reach_each_part_as_IndexedSlices_of_its_rows(string strategy)
    {
        using var h = new SparseHarness();
        var (table, _) = Table(h, shards: 3, vocab: 10);
        int[] idValues = [0, 4, 4, 9, 5];
        var embedding = TF.EmbeddingLookup(table, TF.Constant(idValues), strategy);
        var weights = TF.Constant(NDArray.FromArray(SparseHarness.Random(5 * Dim, 99), new Shape(5, Dim)));
        var loss = TF.ReduceSum(embedding * weights);
        var grads = TF.Gradients(loss, [.. table]);
        var expected = new float[10 * Dim];
        var w = SparseHarness.Random(5 * Dim, 99);
        for (int i = 0; i < idValues.Length; i++)
            for (int j = 0; j < Dim; j++) expected[idValues[i] * Dim + j] += w[i * Dim + j];
        for (int p = 0; p < 3; p++)
        {
            var slices = Assert.IsType<IndexedSlices>(grads[p]);
            Assert.Equal(table[p].Shape, slices.DenseShape);
            var dense = h.Values(slices);
            for (int row = 0; row < table[p].Shape[0]; row++)
            {
                int id = strategy == "mod" ? row * 3 + p : (int)table.OffsetOf(p) + row;
                Assert.Equal(expected.AsSpan(id * Dim, Dim).ToArray(), dense.AsSpan(row * Dim, Dim).ToArray());
            }
            // Only the looked-up rows travel, once each: as many as the unique ids routed to this part (4 appears twice).
            int routed = idValues.Distinct().Count(id => strategy == "mod" ? id % 3 == p : id >= table.OffsetOf(p) && id < table.OffsetOf(p) + table[p].Shape[0]);
            Assert.Equal(routed, h.Executor.Run(slices.Values).Shape[0]);
            Assert.Equal(routed, h.Executor.Run(slices.Indices).Length);
        }
    }
}
