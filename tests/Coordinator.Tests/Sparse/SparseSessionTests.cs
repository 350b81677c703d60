using Xunit;

namespace ActorGraph.Coordinator.Tests.Sparse;

// Lookups in a partitioned table through a Session in local mode (2 workers, 2 parameter servers), as
// embedding_ops_test.py's EmbeddingLookupTest runs them in a session.
public class SparseSessionTests
{
    private static Session LocalSession(Graph g) =>
        new(g, new SessionOptions { Workers = 2, ParameterServers = 2, PrintOutput = TextWriter.Null });

    private static float[] Rows(int count, int dim, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, count * dim).Select(_ => (float)rng.NextDouble())];
    }

    [Theory]
    [InlineData("mod")]
    [InlineData("div")]
    public void A_lookup_in_a_table_of_four_parts_returns_the_rows_of_its_ids(string strategy)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var table = TF.GetPartitionedVariable("emb", [13, 4], TF.FixedSizePartitioner(4));
        var whole = Rows(13, 4, 1);
        // The whole table in id order, assigned part by part as the strategy lays it out.
        var assigns = table.Select((part, p) =>
        {
            var rows = Enumerable.Range(0, part.Shape[0]).SelectMany(r =>
            {
                long id = strategy == "mod" ? r * 4L + p : table.OffsetOf(p) + r;
                return whole.Skip((int)id * 4).Take(4);
            }).ToArray();
            return TF.Assign(part, TF.Constant(NDArray.FromArray(rows, part.Shape))).Op;
        }).ToArray();
        var ids = TF.Placeholder(DType.Int64, [-1]);
        var looked = TF.EmbeddingLookup(table, ids, strategy);
        using var sess = LocalSession(g);
        sess.Run(TF.GlobalVariablesInitializer());
        sess.Run(TF.Group(assigns));
        long[] idValues = [12, 0, 5, 5, 3, 9];
        var result = sess.Run(looked, new FeedDict { [ids] = idValues });
        Assert.Equal(new Shape(6, 4), result.Shape);
        Assert.Equal(idValues.SelectMany(id => whole.Skip((int)id * 4).Take(4)).ToArray(), result.ToArray<float>());
    }

    [Fact]
    public void An_id_out_of_range_fails_the_step_naming_it_and_the_table_size_and_the_session_stays_usable()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var table = TF.GetPartitionedVariable("emb", [10, 2], TF.FixedSizePartitioner(2), initializer: TF.OnesInitializer());
        var ids = TF.Placeholder(DType.Int32, [-1]);
        var looked = TF.EmbeddingLookup(table, ids);
        using var sess = LocalSession(g);
        sess.Run(TF.GlobalVariablesInitializer());
        var e = Assert.Throws<InvalidArgumentException>(() => sess.Run(looked, new FeedDict { [ids] = new[] { 1, 10 } }));
        Assert.Contains("id 10", e.Message);
        Assert.Contains("table of 10 rows", e.Message);
        Assert.Equal(Enumerable.Repeat(1f, 4), sess.Run(looked, new FeedDict { [ids] = new[] { 9, 0 } }).ToArray<float>());
    }

    [Fact]
    public void A_scatter_through_a_session_changes_only_its_rows()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.GetVariable("v", [4, 2], initializer: TF.OnesInitializer());
        var add = TF.ScatterAdd(v, TF.Constant(new[] { 3, 1, 3 }), TF.Constant(new float[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } }));
        using var sess = LocalSession(g);
        sess.Run(TF.GlobalVariablesInitializer());
        sess.Run(add.Op);
        Assert.Equal([1f, 1, 4, 5, 1, 1, 7, 9], sess.Run(v).ToArray<float>());
        var bad = TF.ScatterUpdate(v, TF.Constant(new[] { 4 }), TF.Constant(new float[,] { { 0, 0 } }));
        var e = Assert.Throws<InvalidArgumentException>(() => sess.Run(bad.Op));
        Assert.Contains("indices[0] = 4 is not in [0, 4)", e.Message);
        Assert.Equal([1f, 1, 4, 5, 1, 1, 7, 9], sess.Run(v).ToArray<float>());
    }
}
