using Xunit;

namespace ActorGraph.Coordinator.Tests.Cluster;

// A hash table's checkpoint on a loopback cluster: the client copies each part from the remote shard that holds it,
// and a restore sends each part back there, or re-hashes it onto another number of parts in another session.
[Collection("cluster")]
public class ClusterHashCheckpointTests
{
    private static (Graph, Tensor Ids, Tensor Rows, Operation Train) Model(int parts)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var table = TF.GetHashEmbedding("emb", 4, parts: parts, initializer: TF.RandomUniformInitializer(-1, 1, seed: 5));
        var ids = TF.Placeholder(DType.Int64, [-1], name: "ids");
        var rows = TF.EmbeddingLookup(table, ids);
        var train = new AdagradOptimizer(0.3).Minimize(TF.ReduceSum(TF.Square(rows - 0.5f)));
        TF.GlobalVariablesInitializer();
        return (g, ids, rows, train);
    }

    private static readonly long[][] Batches = [[3, -8, 3, 1L << 50], [-8, 12, 77], [1L << 50, 5]];
    private static readonly long[] Every = [3, -8, 1L << 50, 12, 77, 5];

    private static FeedDict Feed(Tensor ids, long[] batch) => new() { [ids] = NDArray.FromArray(batch, new Shape(batch.Length)) };

    [Fact]
    public async Task A_cluster_saves_a_hash_tables_rows_and_restores_them_there_and_into_three_parts_in_the_executor()
    {
        var store = $"Data Source={Path.Combine(Directory.CreateTempSubdirectory("actorgraph-cluster-hash-ckpt-").FullName, "store.db")}";
        await using var cluster = await LoopbackCluster.StartAsync(workers: 1, ps: 2);
        var (g, ids, rows, train) = Model(parts: 2);
        using var sess = new Session(g, new SessionOptions { Cluster = cluster.Seed, StepTimeout = TimeSpan.FromSeconds(20), CheckpointStore = store });
        sess.Run(g.GetOperation("init"));
        foreach (var batch in Batches) sess.Run(train, Feed(ids, batch));
        var saved = sess.Run(rows, Feed(ids, Every)).ToArray<float>();
        var id = new Saver().Save(sess);
        foreach (var batch in Batches) sess.Run(train, Feed(ids, batch));
        Assert.NotEqual(saved, sess.Run(rows, Feed(ids, Every)).ToArray<float>());

        new Saver().Restore(sess, id);
        Assert.Equal(saved, sess.Run(rows, Feed(ids, Every)).ToArray<float>());

        var (g3, ids3, rows3, _) = Model(parts: 3);
        using var executor = new Session(g3, new SessionOptions { ExecutorOnly = true, PrintOutput = TextWriter.Null, CheckpointStore = store });
        new Saver().Restore(executor, id);
        Assert.Equal(saved, executor.Run(rows3, Feed(ids3, Every)).ToArray<float>());
    }
}
