using ActorGraph.Coordinator.Cluster;
using Xunit;

namespace ActorGraph.Coordinator.Tests.Cluster;

// Synchronous data-parallel replicas training a hash table on a loopback cluster: the remote parts merge the
// replicas' rows into the full batch's step, the executor's numbers, and hold each row once.
[Collection("cluster")]
public class ClusterHashDataParallelTests
{
    private const int Dim = 4;
    private static readonly long[][] Batches = [[3, -8, 3, 1L << 50, 77], [-8, 12, 77], [1L << 50, 5, 3, -8]];
    private static readonly long[] Every = [3, -8, 1L << 50, 12, 77, 5];

    private static (Graph, Tensor Ids, Tensor Rows, Operation Train) Model()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var table = TF.GetHashEmbedding("emb", Dim, parts: 2, initializer: TF.RandomUniformInitializer(-1, 1, seed: 5));
        var ids = TF.Placeholder(DType.Int64, [-1], name: "ids");
        var rows = TF.EmbeddingLookup(table, ids);
        var train = new AdagradOptimizer(0.3).Minimize(TF.ReduceMean(TF.Square(rows - 0.5f)));
        TF.GlobalVariablesInitializer();
        return (g, ids, rows, train);
    }

    private static float[] Train(Session sess, Graph g, Tensor ids, Tensor rows, Operation train)
    {
        sess.Run(g.GetOperation("init"));
        foreach (var batch in Batches) sess.Run(train, new FeedDict { [ids] = NDArray.FromArray(batch, new Shape(batch.Length)) });
        return sess.Run(rows, new FeedDict { [ids] = NDArray.FromArray(Every, new Shape(Every.Length)) }).ToArray<float>();
    }

    [Fact]
    public async Task Synchronous_replicas_on_remote_parameter_servers_train_a_hash_table_as_the_full_batch_does()
    {
        var (eg, eIds, eRows, eTrain) = Model();
        using var executor = new Session(eg, new SessionOptions { ExecutorOnly = true, PrintOutput = TextWriter.Null });
        var expected = Train(executor, eg, eIds, eRows, eTrain);

        await using var cluster = await LoopbackCluster.StartAsync(workers: 2, ps: 2);
        var (g, ids, rows, train) = Model();
        using var sess = new Session(g, new SessionOptions
        {
            Cluster = cluster.Seed, StepTimeout = TimeSpan.FromSeconds(20), DataParallel = new DataParallelism(), PrintOutput = TextWriter.Null,
        });
        var actual = Train(sess, g, ids, rows, train);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 5);
        var (_, shards) = await ClusterStatusQuery.WaitWithShardsAsync(cluster.Seed, _ => true, TimeSpan.FromSeconds(20), cluster.Tls, cluster.Secret);
        Assert.Equal(Every.Length, shards.SelectMany(s => s?.HashTables ?? []).Sum(p => p.Rows));
        // Explain shows the remote parts as local mode's: each on its ps task, with its rows.
        var parts = sess.Explain([rows], [ids]).HashTables;
        Assert.Equal(2, parts.Count);
        Assert.Equal(Every.Length, parts.Sum(p => p.Rows));
        Assert.All(parts.Where(p => p.Rows > 0), p => Assert.Matches(@"^/job:ps/task:[01]$", p.Device));
        Assert.All(parts.Where(p => p.Rows > 0), p => Assert.True(p.Bytes > 0));
    }
}
