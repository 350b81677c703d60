using ActorGraph.GraphTests.Execution;
using Xunit;

namespace ActorGraph.GraphTests.Wire;

// A graph of sparse lookups and updates written and read back trains as the original: the lookup's routing and
// stitching, the IndexedSlices gradients (read back as IndexedSlices), the sparse optimizers and the scatters.
public class SparseGraphFileTests
{
    internal static Graph SparseTrainingGraph()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var ids = TF.Placeholder(DType.Int64, [-1, 2], name: "ids");
        var table = TF.GetPartitionedVariable("emb", [9, 3], TF.FixedSizePartitioner(2), initializer: TF.GlorotUniformInitializer(seed: 4));
        var other = TF.GetPartitionedVariable("other", [5, 3], TF.FixedSizePartitioner(3), initializer: TF.OnesInitializer());
        var w = TF.GetVariable("w", [3, 1], initializer: TF.GlorotUniformInitializer(seed: 5));
        var counts = TF.GetVariable("counts", [9], initializer: TF.ZerosInitializer(), trainable: false);
        var looked = TF.EmbeddingLookup(table, ids, "div") + TF.EmbeddingLookup(other, ids - 4L);
        var loss = TF.ReduceMean(TF.Square(TF.MatMul(TF.Reshape(looked, new Shape(-1, 3)), w) - 1f), name: "loss");
        var flat = TF.Reshape(ids, new Shape(-1));
        TF.Group(
            new AdagradOptimizer(0.1).Minimize(loss, [table[0], w]),
            new AdamOptimizer(0.1).Minimize(loss, [table[1]]),
            new MomentumOptimizer(0.1, 0.9).Minimize(loss, [other[0], other[1]]),
            new GradientDescentOptimizer(0.1).Minimize(loss, [other[2]]),
            TF.ScatterAdd(counts, flat, TF.OnesLike(TF.Cast(flat, DType.Float32))).Op,
            TF.ScatterSub(counts, TF.Constant(new[] { 0 }), TF.Constant(new[] { 0.5f })).Op,
            TF.ScatterUpdate(counts, TF.Constant(new[] { 8 }), TF.Constant(new[] { 7f })).Op);
        TF.GlobalVariablesInitializer();
        return g;
    }

    private static string[] Train(Graph g)
    {
        var sess = new LocalExecutor(g);
        sess.Run(g.GetOperation("init"));
        var train = g.Operations.Last(o => o.Type == "NoOp" && o.Name.StartsWith("group_deps"));
        var feed = new FeedDict { [g.GetTensor("ids:0")] = NDArray.FromArray(new long[] { 4, 5, 8, 6, 4, 7 }, new Shape(3, 2)) };
        for (int i = 0; i < 3; i++) sess.Run(train, feed);
        return sess.Run([.. g.Variables.Select(v => (Fetch)v), g.GetTensor("loss:0")], feed).Select(v => v!.ToString()).ToArray();
    }

    [Fact]
    public void A_sparse_training_graph_read_back_trains_alike_and_keeps_its_IndexedSlices()
    {
        var g = SparseTrainingGraph();
        var copy = GraphFileRoundTripTests.RoundTrip(g);
        Assert.Equal(g.Operations.Select(o => (o.Name, o.Type)), copy.Operations.Select(o => (o.Name, o.Type)));
        var slices = g.Operations.Where(o => o.Type == "IndexedSlicesToDense").Select(o => o.Name).ToList();
        Assert.NotEmpty(slices);
        Assert.All(slices, name => Assert.IsType<IndexedSlices>(copy.GetOperation(name).Outputs[0]));
        Assert.Equal(Train(g), Train(copy));
    }
}
