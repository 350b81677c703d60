using ActorGraph.HashTables;
using Xunit;

namespace ActorGraph.GraphTests.HashTables;

// A hash-keyed table in the executor: rows appear on first lookup as the initializer makes them for that id,
// keep their value, and only the looked-up rows train.
public class HashEmbeddingTests
{
    private const int Dim = 4;

    [Fact]
    public void A_first_lookup_creates_each_row_as_the_initializer_makes_it_for_that_id()
    {
        var g = new Graph();
        HashEmbedding table;
        Tensor ids, rows;
        using (g.AsDefault())
        {
            table = TF.GetHashEmbedding("emb", Dim, parts: 3, initializer: TF.RandomUniformInitializer(-1, 1, seed: 11));
            ids = TF.Placeholder(DType.Int64, [-1]);
            rows = TF.EmbeddingLookup(table, ids);
        }
        long[] keys = [0, -7, long.MaxValue, long.MinValue, 123_456_789_012];
        var got = new HashHarness(g).Run(rows, HashHarness.Feed(ids, keys));
        Assert.Equal([keys.Length, Dim], got.Shape.ToArray());
        var init = new HashRowInit(HashRowDistribution.Uniform, -1, 2, 11);
        for (int i = 0; i < keys.Length; i++)
        {
            var expected = new float[Dim];
            init.Fill(expected, keys[i]);
            Assert.Equal(expected, HashHarness.Row(got, i, Dim));
            Assert.All(expected, v => Assert.InRange(v, -1f, 1f));
        }
        Assert.NotEqual(HashHarness.Row(got, 0, Dim), HashHarness.Row(got, 1, Dim));
    }

    [Fact]
    public void The_same_id_gives_the_same_row_twice_in_a_batch_across_steps_and_for_any_number_of_parts()
    {
        float[] RowsFor(int parts, long[] keys, int runs)
        {
            var g = new Graph();
            Tensor ids, rows;
            using (g.AsDefault())
            {
                var table = TF.GetHashEmbedding("emb", Dim, parts, TF.RandomNormalInitializer(0, 1, seed: 5));
                ids = TF.Placeholder(DType.Int64, [-1]);
                rows = TF.EmbeddingLookup(table, ids);
            }
            var h = new HashHarness(g);
            NDArray last = null!;
            for (int r = 0; r < runs; r++) last = h.Run(rows, HashHarness.Feed(ids, keys));
            return last.ToArray<float>();
        }
        long[] keys = [42, -1, 42, 9_000_000_000];
        var once = RowsFor(1, keys, 1);
        Assert.Equal(once.AsSpan(0, Dim).ToArray(), once.AsSpan(2 * Dim, Dim).ToArray());
        Assert.Equal(once, RowsFor(1, keys, 3));
        Assert.Equal(once, RowsFor(4, keys, 1));
    }

    [Fact]
    public void The_default_initializer_is_a_truncated_normal_of_stddev_one_over_root_dimension()
    {
        var g = new Graph();
        Tensor ids, rows;
        using (g.AsDefault())
        {
            var table = TF.GetHashEmbedding("emb", 16);
            ids = TF.Placeholder(DType.Int64, [-1]);
            rows = TF.EmbeddingLookup(table, ids);
        }
        var values = new HashHarness(g).Run(rows, HashHarness.Feed(ids, [.. Enumerable.Range(0, 500).Select(i => (long)i * 7919)])).ToArray<float>();
        Assert.All(values, v => Assert.InRange(v, -0.5f, 0.5f));
        double sd = Math.Sqrt(values.Select(v => (double)v * v).Average());
        Assert.InRange(sd, 0.18, 0.25);
    }

    [Fact]
    public void Training_moves_the_looked_up_rows_only()
    {
        var g = new Graph();
        Tensor ids, rows;
        Operation train;
        using (g.AsDefault())
        {
            var table = TF.GetHashEmbedding("emb", Dim, parts: 2, initializer: TF.RandomUniformInitializer(-1, 1, seed: 2));
            ids = TF.Placeholder(DType.Int64, [-1]);
            rows = TF.EmbeddingLookup(table, ids);
            train = new GradientDescentOptimizer(0.5).Minimize(TF.ReduceSum(TF.Square(rows)));
        }
        var h = new HashHarness(g);
        long[] all = [1, 2, 3, -4];
        var before = h.Run(rows, HashHarness.Feed(ids, all)).ToArray<float>();
        h.Run(train, HashHarness.Feed(ids, [2, -4, 2]));
        var after = h.Run(rows, HashHarness.Feed(ids, all)).ToArray<float>();
        for (int i = 0; i < all.Length; i++)
        {
            var b = before.AsSpan(i * Dim, Dim).ToArray();
            var a = after.AsSpan(i * Dim, Dim).ToArray();
            // d/dx sum(x^2) = 2x per occurrence: id 2 twice moves by 0.5 * 4x, id -4 once by 0.5 * 2x.
            float scale = all[i] == 2 ? 1 - 0.5f * 4 : all[i] == -4 ? 1 - 0.5f * 2 : 1;
            for (int j = 0; j < Dim; j++) Assert.Equal(b[j] * scale, a[j], 5);
        }
    }

    [Fact]
    public void A_table_reused_in_a_variable_scope_is_the_same_table_and_bad_arguments_say_what_to_fix()
    {
        var g = new Graph();
        using (g.AsDefault())
        {
            HashEmbedding table;
            using (TF.VariableScope("s")) table = TF.GetHashEmbedding("emb", Dim);
            Assert.Equal("s/emb", table.Name);
            using (TF.VariableScope("s", VariableReuse.Reuse)) Assert.Same(table, TF.GetHashEmbedding("emb", Dim));
            using (TF.VariableScope("s")) Assert.Contains("already exists", Assert.Throws<ArgumentException>(() => TF.GetHashEmbedding("emb", Dim)).Message);
            Assert.Contains("parts must be at least 1", Assert.Throws<ArgumentException>(() => TF.GetHashEmbedding("b", Dim, parts: 0)).Message);
            Assert.Contains("evictAfterSteps", Assert.Throws<ArgumentException>(() => TF.GetHashEmbedding("c", Dim, evictAfterSteps: -1)).Message);
            Assert.Contains("size", Assert.Throws<ArgumentException>(() => TF.GetHashEmbedding("d", Dim, initializer: TF.GlorotUniformInitializer())).Message);
            Assert.Contains("int32 or int64", Assert.Throws<ArgumentException>(() => TF.EmbeddingLookup(table, TF.Placeholder(DType.Float32, [-1]))).Message);
        }
    }

    [Fact]
    public void Reading_a_part_as_a_tensor_fails_naming_the_lookup_to_use()
    {
        var g = new Graph();
        HashEmbedding table;
        using (g.AsDefault()) table = TF.GetHashEmbedding("emb", Dim);
        var error = Assert.Throws<InvalidArgumentException>(() => new HashHarness(g).Run(table[0]));
        Assert.Contains("TF.EmbeddingLookup", error.Message);
    }
}
