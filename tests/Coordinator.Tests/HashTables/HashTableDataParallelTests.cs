using ActorGraph.HashTables;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorGraph.Coordinator.Tests.HashTables;

// Data-parallel replicas (2 workers, 2 ps) training a hash table. Synchronous: the shard merges the replicas' rows
// into the full batch's step, the numbers of a dense partitioned table holding the same rows. Asynchronous: each
// replica's rows apply on arrival, a step of its own. Either way a row is created once, from (seed, id), and a Run
// is one step of the parts' eviction clocks. `serializing` runs in the test's ActorSystem, every message serialized.
public class HashTableDataParallelTests() : TestKit(TestConfig.Actors)
{
    private const int Dim = 3;
    private static readonly HashRowInit Init = new(HashRowDistribution.Uniform, -1, 2, 7);
    private static readonly long[] Universe = [.. Enumerable.Range(0, 10).Select(i => (long)i * 1_000_000_007 - 5_000_000_000)];

    // Positions in Universe. 7 ids split 4 and 3, so the replicas weigh differently; ids repeat within a slice and
    // across the two (id 2 in the first batch, 7 in the second, 1 in the third).
    private static readonly int[][] Batches = [[0, 1, 2, 0, 2, 3, 4], [5, 6, 5, 7, 7, 8, 9], [1, 3, 5, 7, 9, 1, 1]];

    private sealed record Model(Graph Graph, Tensor Ids, Tensor Labels, Tensor Rows, Operation Train, Operation Init);

    private static Optimizer OptimizerOf(string name) => name switch
    {
        "sgd" => new GradientDescentOptimizer(0.4),
        "momentum" => new MomentumOptimizer(0.2, 0.9),
        "adam" => new AdamOptimizer(0.05),
        _ => new AdagradOptimizer(0.3),
    };

    private static float[] InitialRows(IEnumerable<long> ids) =>
        [.. ids.SelectMany(id => { var row = new float[Dim]; Init.Fill(row, id); return row; })];

    // A linear model over the looked-up rows; hash: keyed by Universe's ids, else a 2-part table whose row k holds id k's
    // first hash row, looked up by position.
    private static Model Linear(string optimizer, bool hash, long evictAfterSteps = 0)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var ids = TF.Placeholder(DType.Int64, [-1], name: "ids");
        var labels = TF.Placeholder(DType.Float32, [-1, 1], name: "labels");
        var w = TF.GetVariable("w", [Dim, 1], initializer: TF.GlorotUniformInitializer(seed: 8));
        Tensor rows;
        var assigns = new List<Operation>();
        if (hash) rows = TF.EmbeddingLookup(TF.GetHashEmbedding("emb", Dim, parts: 2, initializer: TF.RandomUniformInitializer(-1, 1, seed: 7), evictAfterSteps: evictAfterSteps), ids);
        else
        {
            var table = TF.GetPartitionedVariable("emb", [Universe.Length, Dim], TF.FixedSizePartitioner(2), initializer: TF.ZerosInitializer());
            int half = Universe.Length / 2;
            for (int p = 0; p < 2; p++)
                assigns.Add(TF.Assign(table[p], TF.Constant(NDArray.FromArray(InitialRows(Universe.Skip(p * half).Take(half)), [half, Dim]))).Op);
            rows = TF.EmbeddingLookup(table, ids, partitionStrategy: "div");
        }
        var train = OptimizerOf(optimizer).Minimize(TF.ReduceMean(TF.Square(TF.MatMul(rows, w) - labels)));
        var init = TF.GlobalVariablesInitializer();
        return new Model(g, ids, labels, rows, train, assigns.Count == 0 ? init : TF.Group([.. assigns]));
    }

    private static FeedDict Feed(Model m, int[] positions, bool hash) => new()
    {
        [m.Ids] = NDArray.FromArray(positions.Select(k => hash ? Universe[k] : k).ToArray(), [positions.Length]),
        [m.Labels] = NDArray.FromArray(positions.Select(k => k % 2 == 0 ? 1f : -1f).ToArray(), [positions.Length, 1]),
    };

    private SessionOptions Replicated(bool synchronous, bool serializing) => new()
    {
        Workers = 2, ParameterServers = 2, PrintOutput = TextWriter.Null,
        ActorSystem = serializing ? Sys : null, DataParallel = new DataParallelism { Synchronous = synchronous },
    };

    private static float[] Lookup(Session sess, Model m, bool hash, int[] positions) => sess.Run(m.Rows, Feed(m, positions, hash)).ToArray<float>();

    private static long RowsHeld(Session sess, Model m) => sess.Explain([m.Train]).HashTables.Sum(p => p.Rows);

    [Theory]
    [InlineData("sgd", false)]
    [InlineData("adagrad", false)]
    [InlineData("adagrad", true)]
    [InlineData("momentum", false)]
    [InlineData("adam", false)]
    public void Synchronous_replicas_train_a_hash_table_as_the_full_batch_trains_a_dense_partitioned_table(string optimizer, bool serializing)
    {
        int[] all = [.. Enumerable.Range(0, Universe.Length)];
        var dense = Linear(optimizer, hash: false);
        using var reference = new Session(dense.Graph, new SessionOptions { ExecutorOnly = true, PrintOutput = TextWriter.Null });
        reference.Run(dense.Graph.GetOperation("init"));
        reference.Run(dense.Init);
        var hashed = Linear(optimizer, hash: true);
        using var replicated = new Session(hashed.Graph, Replicated(synchronous: true, serializing));
        replicated.Run(hashed.Init);
        for (int epoch = 0; epoch < 2; epoch++)
            foreach (var batch in Batches)
            {
                reference.Run(dense.Train, Feed(dense, batch, hash: false));
                replicated.Run(hashed.Train, Feed(hashed, batch, hash: true));
            }
        var expected = Lookup(reference, dense, false, all);
        var actual = Lookup(replicated, hashed, true, all);
        Assert.NotEqual(InitialRows(Universe), expected);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 5);
        Assert.Equal(Universe.Length, RowsHeld(replicated, hashed));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_row_that_both_replicas_touch_first_is_created_once_with_its_seeded_value(bool synchronous)
    {
        var m = Linear("adagrad", hash: true);
        using var sess = new Session(m.Graph, Replicated(synchronous, serializing: false));
        sess.Run(m.Init);
        int[] batch = [2, 0, 2, 0, 2, 3, 2];
        var rows = Lookup(sess, m, true, batch);
        Assert.Equal(InitialRows(batch.Select(k => Universe[k])), rows);
        Assert.Equal(3, RowsHeld(sess, m));
        sess.Run(m.Train, Feed(m, [4, 5, 4, 6, 4, 5, 6], hash: true));
        Assert.Equal(6, RowsHeld(sess, m));
    }

    // evictAfterSteps = 2: a row touched at step t is there at t + 2 and gone at t + 3, counting Runs, whatever the
    // number of replicas that reached the part in each.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Each_run_of_the_replicas_is_one_step_of_the_eviction_clock(bool synchronous)
    {
        var m = Linear("sgd", hash: true, evictAfterSteps: 2);
        using var sess = new Session(m.Graph, Replicated(synchronous, serializing: false));
        sess.Run(m.Init);
        sess.Run(m.Train, Feed(m, [0, 0, 1, 1], hash: true));
        Assert.Equal(2, RowsHeld(sess, m));
        sess.Run(m.Train, Feed(m, [2, 2, 3, 3], hash: true));
        sess.Run(m.Train, Feed(m, [2, 3, 2, 3], hash: true));
        Assert.Equal(4, RowsHeld(sess, m));
        sess.Run(m.Train, Feed(m, [3, 2, 3, 2], hash: true));
        Assert.Equal(2, RowsHeld(sess, m));
        Assert.Equal(InitialRows([Universe[0]]), Lookup(sess, m, true, [0, 0]).Take(Dim).ToArray());
    }

    // Asynchronous: each replica's slice is a step of its own, applied as it arrives. With a loss of the rows alone, a
    // row only one replica touches moves by that replica's step whatever the order; a row both touch takes both steps.
    [Theory]
    [InlineData("sgd", false)]
    [InlineData("adagrad", false)]
    [InlineData("sgd", true)]
    public void Asynchronous_replicas_each_apply_their_own_slice_to_the_rows(string optimizer, bool serializing)
    {
        var g = new Graph();
        Tensor ids, rows;
        Operation train;
        using (g.AsDefault())
        {
            ids = TF.Placeholder(DType.Int64, [-1], name: "ids");
            rows = TF.EmbeddingLookup(TF.GetHashEmbedding("emb", Dim, parts: 2, initializer: TF.RandomUniformInitializer(-1, 1, seed: 7)), ids);
            train = OptimizerOf(optimizer).Minimize(TF.ReduceMean(TF.Square(rows)));
        }
        using var sess = new Session(g, Replicated(synchronous: false, serializing));
        // Slices [0, 1, 0, 2] and [2, 3, 3]: ids 0 and 1 are the first replica's, 3 the second's, 2 both's (once each).
        int[] batch = [0, 1, 0, 2, 2, 3, 3];
        sess.Run(train, new FeedDict { [ids] = NDArray.FromArray(batch.Select(k => Universe[k]).ToArray(), [batch.Length]) });
        var after = sess.Run(rows, new FeedDict { [ids] = NDArray.FromArray(Universe[..4], [4]) }).ToArray<float>();
        var before = InitialRows(Universe[..4]);
        // d(mean of r² over n rows of Dim)/dr, for a row that occurs c times in a slice of n.
        double Step(double r, int c, int n, ref double accumulator)
        {
            double grad = 2 * c * r / (n * Dim);
            if (optimizer == "sgd") return r - 0.4 * grad;
            accumulator += grad * grad;
            return r - 0.3 * grad / Math.Sqrt(accumulator);
        }
        for (int j = 0; j < Dim; j++)
        {
            double acc0 = 0.1, acc1 = 0.1, acc3 = 0.1, accA = 0.1, accB = 0.1;
            Assert.Equal(Step(before[j], 2, 4, ref acc0), after[j], 5);
            Assert.Equal(Step(before[Dim + j], 1, 4, ref acc1), after[Dim + j], 5);
            Assert.Equal(Step(before[3 * Dim + j], 2, 3, ref acc3), after[3 * Dim + j], 5);
            double r2 = before[2 * Dim + j], byFirst = Step(r2, 1, 4, ref accA), bySecond = Step(r2, 1, 3, ref accB);
            // Both steps applied: the row is nearer 0 than either alone leaves it.
            Assert.True(Math.Abs(after[2 * Dim + j]) < Math.Min(Math.Abs(byFirst), Math.Abs(bySecond)) - 1e-6,
                $"row 2[{j}] = {after[2 * Dim + j]}, one replica's step alone gives {byFirst} or {bySecond}");
        }
        Assert.Equal(4, sess.Explain([train]).HashTables.Sum(p => p.Rows));
    }
}
