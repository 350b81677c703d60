using ActorGraph.Coordinator.Cluster;
using Akka.Configuration;
using Xunit;

namespace ActorGraph.Coordinator.Tests.Cluster;

// A 2,000,000 x 16 table (128 MB) in 2 parts over 2 ps nodes of a loopback cluster, whose coordinator's node is its
// worker: each part is drawn on its own shard from the initializer's definition, a lookup brings back the rows of
// the seeded initial value, and a sparse step changes the looked-up rows alone.
[Collection("cluster")]
public class LargeTableClusterTests
{
    private const int Rows = 2_000_000, Dim = 16;
    private static readonly int[] Ids = [0, 7, 999_999, 1_000_000, 1_999_999];

    // Every node shares this process and the machine's cores with the drawing of the parts.
    private static readonly Config PatientNodes = ConfigurationFactory.ParseString(
        "akka.cluster.failure-detector.acceptable-heartbeat-pause = 30s");

    [Fact]
    public async Task A_large_partitioned_table_initializes_on_its_shards_and_trains_a_step()
    {
        await using var cluster = new LoopbackCluster { Files = PatientNodes };
        var first = await cluster.AddAsync("coordinator,worker");
        cluster.Seed = first.Address.ToString();
        await Task.WhenAll(cluster.AddAsync(NodeRoles.ParameterServer), cluster.AddAsync(NodeRoles.ParameterServer));
        await cluster.WaitServingAsync(workers: 1, ps: 2);

        var g = new Graph();
        using var scope = g.AsDefault();
        var table = TF.GetPartitionedVariable("large_table", [Rows, Dim], TF.FixedSizePartitioner(2),
            initializer: TF.RandomNormalInitializer(0, 1, seed: 11));
        var ids = TF.Placeholder(DType.Int32, [Ids.Length], name: "ids");
        var rows = TF.EmbeddingLookup(table, ids);
        // d(0.5 sum rows^2)/d rows = rows: a step at rate 0.5 halves each looked-up row.
        var train = new GradientDescentOptimizer(0.5).Minimize(0.5f * TF.ReduceSum(TF.Square(rows)));
        var init = TF.GlobalVariablesInitializer();
        var initial = InitialParts(table);
        var expected = RowsOf(initial, Ids);

        using var sess = new Session(g, new SessionOptions { Cluster = cluster.Seed, StepTimeout = TimeSpan.FromSeconds(120) });
        sess.Run(init);
        var feed = new FeedDict { [ids] = NDArray.FromArray(Ids, [Ids.Length]) };
        Assert.Equal(expected, sess.Run(rows, feed).ToArray<float>());

        sess.Run([train], feed);
        Assert.Equal(expected.Select(x => x * 0.5f), sess.Run(rows, feed).ToArray<float>());
        // A row no step touched keeps its initial value.
        int[] others = [1, 8, 999_998, 1_000_001, 1_999_998];
        var untouched = sess.Run(rows, new FeedDict { [ids] = NDArray.FromArray(others, [others.Length]) });
        Assert.Equal(RowsOf(initial, others), untouched.ToArray<float>());
    }

    // The seeded initial value of each part, drawn here by the graph's own executor.
    private static float[][] InitialParts(PartitionedVariable table)
    {
        using var local = new Session(table[0].Graph, new SessionOptions { ExecutorOnly = true });
        return Enumerable.Range(0, table.Count).Select(p => local.Run(table[p].InitialValue).ToArray<float>()).ToArray();
    }

    // EmbeddingLookup's default strategy, "mod": id i is row i / parts of part i % parts.
    private static float[] RowsOf(float[][] parts, int[] ids) =>
        ids.SelectMany(id => parts[id % parts.Length].AsSpan(id / parts.Length * Dim, Dim).ToArray()).ToArray();
}
