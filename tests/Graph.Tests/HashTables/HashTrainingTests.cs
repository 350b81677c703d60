using ActorGraph.HashTables;
using Xunit;

namespace ActorGraph.GraphTests.HashTables;

// A hash table trains with the numbers of a dense table holding the same rows: the same sparse update kinds run on
// the touched rows, with per-row slots made with each row. Eviction drops rows idle for N steps.
public class HashTrainingTests
{
    private const int Dim = 3;
    private static readonly long[] Keys = [-9_000_000_000_001, 5, 77, long.MaxValue, -3, 1_000_003];

    private static Optimizer Make(string name) => name switch
    {
        "GradientDescent" => new GradientDescentOptimizer(0.2),
        "Momentum" => new MomentumOptimizer(0.1, 0.9),
        "Adam" => new AdamOptimizer(0.05),
        _ => new AdagradOptimizer(0.3, 0.1),
    };

    private static IEnumerable<(int[] Rows, float[] Labels)> Batches()
    {
        var rng = new Random(4);
        for (int step = 0; step < 6; step++)
        {
            int[] rows = [.. Enumerable.Range(0, 5).Select(_ => rng.Next(Keys.Length))];
            yield return (rows, [.. rows.Select(r => r % 2 == 0 ? 1f : -1f)]);
        }
    }

    // loss = mean((lookup(ids) · w − label)²), w a dense variable both models start alike.
    private static (Graph, Tensor Ids, Tensor Labels, Tensor Rows, Operation Train, Operation Init) Model(string optimizer, Func<Tensor, Tensor> lookup, DType ids)
    {
        var g = new Graph();
        using var _ = g.AsDefault();
        var idsIn = TF.Placeholder(ids, [-1], name: "ids");
        var labels = TF.Placeholder(DType.Float32, [-1], name: "labels");
        var w = TF.GetVariable("w", [Dim, 1], initializer: TF.RandomUniformInitializer(-1, 1, seed: 3));
        var rows = lookup(idsIn);
        var loss = TF.ReduceMean(TF.Square(TF.Reshape(TF.MatMul(rows, w), [-1]) - labels));
        var train = Make(optimizer).Minimize(loss);
        return (g, idsIn, labels, rows, train, TF.GlobalVariablesInitializer());
    }

    [Theory]
    [InlineData("GradientDescent")]
    [InlineData("Momentum")]
    [InlineData("Adam")]
    [InlineData("Adagrad")]
    public void A_hash_table_trains_as_a_dense_table_holding_the_same_rows(string optimizer)
    {
        var init = new HashRowInit(HashRowDistribution.Uniform, -1, 2, 21);
        var start = new float[Keys.Length * Dim];
        for (int k = 0; k < Keys.Length; k++) init.Fill(start.AsSpan(k * Dim, Dim), Keys[k]);

        Variable dense = null!;
        var (dg, dIds, dLabels, dRows, dTrain, dInit) = Model(optimizer, ids =>
        {
            dense = TF.GetVariable("dense", [Keys.Length, Dim], initializer: TF.ZerosInitializer());
            return TF.EmbeddingLookup(dense, ids);
        }, DType.Int32);
        Tensor setDense;
        using (dg.AsDefault()) setDense = TF.Assign(dense, TF.Constant(NDArray.FromArray(start, new Shape(Keys.Length, Dim))));
        var (hg, hIds, hLabels, hRows, hTrain, hInit) = Model(optimizer, ids =>
            TF.EmbeddingLookup(TF.GetHashEmbedding("emb", Dim, parts: 2, initializer: TF.RandomUniformInitializer(-1, 1, seed: 21)), ids), DType.Int64);

        var d = new HashHarness(dg);
        var h = new HashHarness(hg);
        d.Run(dInit);
        d.Run([setDense]);
        h.Run(hInit);
        foreach (var (rows, labels) in Batches())
        {
            d.Run(dTrain, new FeedDict { [dIds] = NDArray.FromArray(rows, new Shape(rows.Length)), [dLabels] = NDArray.FromArray(labels, new Shape(labels.Length)) });
            h.Run(hTrain, new FeedDict { [hIds] = NDArray.FromArray(rows.Select(r => Keys[r]).ToArray(), new Shape(rows.Length)), [hLabels] = NDArray.FromArray(labels, new Shape(labels.Length)) });
        }
        int[] every = [.. Enumerable.Range(0, Keys.Length)];
        var expected = d.Run(dRows, new FeedDict { [dIds] = NDArray.FromArray(every, new Shape(every.Length)) }).ToArray<float>();
        var actual = h.Run(hRows, HashHarness.Feed(hIds, Keys)).ToArray<float>();
        Assert.NotEqual(start, expected);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 5);
    }

    [Fact]
    public void A_row_idle_for_more_than_N_steps_is_evicted_and_comes_back_as_the_initializer_made_it()
    {
        var g = new Graph();
        HashEmbedding table;
        Tensor ids, rows;
        Operation train;
        using (g.AsDefault())
        {
            table = TF.GetHashEmbedding("emb", Dim, parts: 2, initializer: TF.ConstantInitializer(1), evictAfterSteps: 2);
            ids = TF.Placeholder(DType.Int64, [-1]);
            rows = TF.EmbeddingLookup(table, ids);
            train = new GradientDescentOptimizer(0.25).Minimize(TF.ReduceSum(rows));
        }
        var h = new HashHarness(g);
        h.Run(train, HashHarness.Feed(ids, [7, 8]));            // step 1: rows 7 and 8 become 0.75
        h.Run(rows, HashHarness.Feed(ids, [8]));                // step 2: 8 touched, 7 idle for 1 step
        var kept = h.Run(rows, HashHarness.Feed(ids, [7]));      // step 3: 7 idle for 1 step (2 allowed) is still trained
        Assert.All(kept.ToArray<float>(), v => Assert.Equal(0.75f, v));
        Assert.Equal(2, h.RowsOf(table));
        h.Run(rows, HashHarness.Feed(ids, [9]));                // step 4: 8, last touched at 2 ≥ 4 − 2, is kept
        h.Run(rows, HashHarness.Feed(ids, [9]));                // step 5: 8, last touched at 2 < 5 − 2, is evicted
        Assert.Equal(2, h.RowsOf(table));                        // 7 (touched at 3) and 9
        var back = h.Run(rows, HashHarness.Feed(ids, [8, 7]));   // step 6: 8 recreated at 1; 7 (3 < 4) evicted and recreated
        Assert.All(back.ToArray<float>(), v => Assert.Equal(1f, v));
        Assert.Equal(3, h.RowsOf(table));
    }
}
