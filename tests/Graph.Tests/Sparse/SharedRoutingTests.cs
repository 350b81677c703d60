using Xunit;

namespace ActorGraph.GraphTests.Sparse;

// Two lookups of the same ids in tables split alike (a wide & deep model's embeddings and per-id weights) route the
// ids with one EmbeddingPartition; inside a branch, or under control dependencies, a lookup gets its own.
public class SharedRoutingTests
{
    private static int Partitions(Graph g) => g.Operations.Count(op => op.Type == "EmbeddingPartition");

    [Fact]
    public void Lookups_of_one_batch_in_tables_split_alike_share_the_routing_and_train_both_tables()
    {
        using var h = new SparseHarness();
        var deep = TF.GetPartitionedVariable("deep", [12, 4], TF.FixedSizePartitioner(3), initializer: TF.ConstantInitializer(1.0));
        var wide = TF.GetPartitionedVariable("wide", [12, 1], TF.FixedSizePartitioner(3), initializer: TF.ConstantInitializer(2.0));
        var ids = TF.Placeholder(DType.Int32, [-1]);
        // "div": the parts hold ids in order, so their concatenation is the table in id order.
        var loss = TF.ReduceSum(TF.EmbeddingLookup(deep, ids, "div")) + TF.ReduceSum(TF.EmbeddingLookup(wide, ids, "div"));
        Assert.Equal(1, Partitions(h.Graph));
        var train = new GradientDescentOptimizer(0.5).Minimize(loss);
        h.Executor.Run(TF.GlobalVariablesInitializer());
        var feed = new FeedDict { [ids] = NDArray.FromArray(new[] { 7, 0, 7 }, [3]) };
        Assert.Equal(3 * 4 * 1f + 3 * 2f, h.Values(loss, feed)[0]);
        h.Executor.Run(train, feed);
        // Row 7 was looked up twice: its gradient is 2, so it moves by 0.5 × 2; row 0 by 0.5; the others stay.
        var deepRows = h.Values(TF.Concat([.. deep], 0));
        var wideRows = h.Values(TF.Concat([.. wide], 0));
        Assert.Equal(0f, deepRows[7 * 4]);
        Assert.Equal(0.5f, deepRows[0]);
        Assert.Equal(1f, deepRows[4]);
        Assert.Equal([1.5f, 2f, 2f, 2f, 2f, 2f, 2f, 1f, 2f, 2f, 2f, 2f], wideRows);
    }

    [Fact]
    public void Other_ids_other_splits_branches_and_control_dependencies_each_get_their_own_routing()
    {
        using var h = new SparseHarness();
        var a = TF.GetPartitionedVariable("a", [12, 2], TF.FixedSizePartitioner(3));
        var b = TF.GetPartitionedVariable("b", [12, 2], TF.FixedSizePartitioner(2));
        var ids = TF.Placeholder(DType.Int32, [-1]);
        var others = TF.Placeholder(DType.Int32, [-1]);
        TF.EmbeddingLookup(a, ids);
        TF.EmbeddingLookup(b, ids);
        TF.EmbeddingLookup(a, others);
        TF.EmbeddingLookup(a, ids, "div");
        Assert.Equal(4, Partitions(h.Graph));
        TF.Cond(TF.Constant(true), () => TF.ReduceSum(TF.EmbeddingLookup(a, ids)), () => TF.Constant(0f));
        using (TF.ControlDependencies(others.Op)) TF.EmbeddingLookup(a, ids);
        Assert.Equal(6, Partitions(h.Graph));
    }
}
