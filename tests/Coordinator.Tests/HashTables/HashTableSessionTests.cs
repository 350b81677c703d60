using ActorGraph.HashTables;
using Xunit;

namespace ActorGraph.Coordinator.Tests.HashTables;

// A hash table in a local-mode session: its parts live on the parameter servers, which create the rows the lookups
// miss and apply the optimizers' sparse updates, with the numbers of the executor-only session.
public class HashTableSessionTests
{
    private const int Dim = 4;

    private static (Graph Graph, HashEmbedding Table, Tensor Ids, Tensor Labels, Tensor Rows, Operation Train) Model(string optimizer, long evictAfterSteps = 0)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var table = TF.GetHashEmbedding("emb", Dim, parts: 4, initializer: TF.RandomUniformInitializer(-1, 1, seed: 7), evictAfterSteps: evictAfterSteps);
        var w = TF.GetVariable("w", [Dim, 1], initializer: TF.GlorotUniformInitializer(seed: 8));
        var ids = TF.Placeholder(DType.Int64, [-1], name: "ids");
        var labels = TF.Placeholder(DType.Float32, [-1, 1], name: "labels");
        var rows = TF.EmbeddingLookup(table, ids);
        var loss = TF.ReduceMean(TF.Square(TF.MatMul(rows, w) - labels));
        Optimizer opt = optimizer switch
        {
            "GradientDescent" => new GradientDescentOptimizer(0.1),
            "Momentum" => new MomentumOptimizer(0.1, 0.9),
            "Adam" => new AdamOptimizer(0.05),
            _ => new AdagradOptimizer(0.3),
        };
        var train = opt.Minimize(loss);
        TF.GlobalVariablesInitializer();
        return (g, table, ids, labels, rows, train);
    }

    private static readonly long[] Universe = [.. Enumerable.Range(0, 40).Select(i => (long)i * 1_000_000_007 - 20_000_000_000)];

    private static IEnumerable<FeedDict> Batches(Tensor ids, Tensor labels)
    {
        var rng = new Random(3);
        for (int step = 0; step < 6; step++)
        {
            long[] batch = [.. Enumerable.Range(0, 12).Select(_ => Universe[rng.Next(Universe.Length)])];
            yield return new FeedDict
            {
                [ids] = NDArray.FromArray(batch, new Shape(batch.Length)),
                [labels] = NDArray.FromArray(batch.Select(i => (i / 1_000_000_007) % 2 == 0 ? 1f : -1f).ToArray(), new Shape(batch.Length, 1)),
            };
        }
    }

    private static float[] Train(string optimizer, SessionOptions options)
    {
        var m = Model(optimizer);
        using var sess = new Session(m.Graph, options);
        sess.Run(m.Graph.GetOperation("init"));
        foreach (var feed in Batches(m.Ids, m.Labels)) sess.Run(m.Train, feed);
        return sess.Run(m.Rows, new FeedDict { [m.Ids] = NDArray.FromArray(Universe, new Shape(Universe.Length)) }).ToArray<float>();
    }

    [Theory]
    [InlineData("GradientDescent")]
    [InlineData("Momentum")]
    [InlineData("Adam")]
    [InlineData("Adagrad")]
    public void Two_parameter_servers_train_a_hash_table_as_the_executor_does(string optimizer)
    {
        var expected = Train(optimizer, new SessionOptions { ExecutorOnly = true, PrintOutput = TextWriter.Null });
        var actual = Train(optimizer, new SessionOptions { Workers = 2, ParameterServers = 2, PrintOutput = TextWriter.Null });
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 5);
    }

    [Fact]
    public void A_first_lookup_on_the_parameter_servers_gives_the_initializers_row_for_each_id()
    {
        var m = Model("Adagrad");
        using var sess = new Session(m.Graph, new SessionOptions { Workers = 1, ParameterServers = 2, PrintOutput = TextWriter.Null });
        long[] ids = [long.MinValue, -1, 0, 99_999_999_999];
        var rows = sess.Run(m.Rows, new FeedDict { [m.Ids] = NDArray.FromArray(ids, new Shape(ids.Length)) }).ToArray<float>();
        var init = new HashRowInit(HashRowDistribution.Uniform, -1, 2, 7);
        for (int i = 0; i < ids.Length; i++)
        {
            var expected = new float[Dim];
            init.Fill(expected, ids[i]);
            Assert.Equal(expected, rows.AsSpan(i * Dim, Dim).ToArray());
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Explain_lists_each_part_with_its_parameter_server_rows_and_bytes(bool executorOnly)
    {
        var m = Model("Adagrad");
        var options = executorOnly ? new SessionOptions { ExecutorOnly = true, PrintOutput = TextWriter.Null }
            : new SessionOptions { Workers = 1, ParameterServers = 2, PrintOutput = TextWriter.Null };
        using var sess = new Session(m.Graph, options);
        sess.Run(m.Graph.GetOperation("init"));
        var feed = Batches(m.Ids, m.Labels).First();
        long distinct = feed[m.Ids].ToArray<long>().Distinct().LongCount();
        sess.Run(m.Train, feed);
        var plan = sess.Explain([m.Train]);
        Assert.Equal(4, plan.HashTables.Count);
        Assert.All(plan.HashTables, p => Assert.Equal("emb", p.Table));
        Assert.Equal(distinct, plan.HashTables.Sum(p => p.Rows));
        // Each row is 4 floats with an Adagrad accumulator of 4 more; chunks are allocated ahead of the rows.
        Assert.All(plan.HashTables.Where(p => p.Rows > 0), p => Assert.True(p.Bytes >= p.Rows * Dim * 4 * 2));
        var devices = plan.HashTables.Where(p => p.Rows > 0).Select(p => p.Device).Distinct().ToArray();
        Assert.Equal(executorOnly ? ["/job:ps/task:0"] : ["/job:ps/task:0", "/job:ps/task:1"], devices.Order().ToArray());
        Assert.Contains("hash table", plan.ToString());
    }
}
