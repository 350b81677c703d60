using ActorGraph.HashTables;
using Xunit;

namespace ActorGraph.GraphTests.HashTables;

// Each optimizer keeps slots of its own in a hash table's parts, named as a dense variable's would be (`Momentum`,
// then `Momentum_1` for a second optimizer of the kind), whatever variable scope it runs in.
public class HashSlotNamingTests
{
    private const int Dim = 2;
    private static readonly long[] Keys = [-40_000_000_001, 3, 99, 1_000_003];

    private static string[] SlotNamesOf(Graph g) =>
        [.. g.Operations.Where(o => o.Type == "HashSparseApply").Select(o => o.Attr<string>("slot_names")).Distinct()];

    [Fact]
    public void Two_optimizers_of_one_kind_keep_slots_of_their_own_on_each_part_in_any_scope()
    {
        var g = new Graph();
        using (g.AsDefault())
        using (TF.VariableScope("s"))
        {
            var ids = TF.Placeholder(DType.Int64, [-1]);
            var rows = TF.EmbeddingLookup(TF.GetHashEmbedding("emb", Dim, parts: 2), ids);
            new AdamOptimizer(0.1).Minimize(TF.ReduceSum(TF.Square(rows)));
            new AdamOptimizer(0.2).Minimize(TF.ReduceSum(rows));
        }
        Assert.Equal(["Adam,Adam_1,Adam_beta1_power,Adam_beta2_power", "Adam_2,Adam_1_1,Adam_beta1_power_1,Adam_beta2_power_1"], SlotNamesOf(g));
    }

    // Two Momentum optimizers take turns: each step moves by its own optimizer's accumulator, as on a dense table.
    [Fact]
    public void Two_momentum_optimizers_taking_turns_train_a_hash_table_as_a_dense_table()
    {
        (Graph G, Tensor Ids, Tensor Rows, Operation[] Trains) Model(Func<Tensor, Tensor> lookup, DType idType)
        {
            var g = new Graph();
            using var _ = g.AsDefault();
            var ids = TF.Placeholder(idType, [-1], name: "ids");
            var rows = lookup(ids);
            var loss = TF.ReduceMean(TF.Square(rows - 1f));
            return (g, ids, rows, [new MomentumOptimizer(0.3, 0.9).Minimize(loss), new MomentumOptimizer(0.1, 0.2).Minimize(loss)]);
        }
        var init = new HashRowInit(HashRowDistribution.Uniform, -1, 2, 5);
        var start = new float[Keys.Length * Dim];
        for (int k = 0; k < Keys.Length; k++) init.Fill(start.AsSpan(k * Dim, Dim), Keys[k]);
        Variable dense = null!;
        var d = Model(ids =>
        {
            dense = TF.GetVariable("dense", [Keys.Length, Dim], initializer: TF.ZerosInitializer());
            return TF.EmbeddingLookup(dense, ids);
        }, DType.Int32);
        var h = Model(ids => TF.EmbeddingLookup(TF.GetHashEmbedding("emb", Dim, parts: 2, initializer: TF.RandomUniformInitializer(-1, 1, seed: 5)), ids), DType.Int64);
        Tensor setDense;
        using (d.G.AsDefault()) setDense = TF.Assign(dense, TF.Constant(NDArray.FromArray(start, new Shape(Keys.Length, Dim))));
        var dh = new HashHarness(d.G);
        var hh = new HashHarness(h.G);
        using (d.G.AsDefault()) dh.Run(TF.GlobalVariablesInitializer());
        using (h.G.AsDefault()) hh.Run(TF.GlobalVariablesInitializer());
        dh.Run([setDense]);
        int[][] batches = [[0, 1, 1], [1, 2], [0, 3, 1], [1, 1, 2], [3, 0]];
        for (int step = 0; step < batches.Length; step++)
        {
            dh.Run(d.Trains[step % 2], new FeedDict { [d.Ids] = NDArray.FromArray(batches[step], new Shape(batches[step].Length)) });
            hh.Run(h.Trains[step % 2], HashHarness.Feed(h.Ids, [.. batches[step].Select(k => Keys[k])]));
        }
        var expected = dh.Run(d.Rows, new FeedDict { [d.Ids] = NDArray.FromArray(new[] { 0, 1, 2, 3 }, new Shape(4)) }).ToArray<float>();
        var actual = hh.Run(h.Rows, HashHarness.Feed(h.Ids, Keys)).ToArray<float>();
        Assert.NotEqual(start, expected);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 5);
    }
}
