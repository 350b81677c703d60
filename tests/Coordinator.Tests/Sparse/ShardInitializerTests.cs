using ActorGraph.ParameterServer;
using Akka.Actor;
using Xunit;

namespace ActorGraph.Coordinator.Tests.Sparse;

// A table's random or constant initializer runs on the shard that owns the part, as TensorFlow 1 colocates an
// initializer with its variable: the generator's definition goes out, the table is drawn there and never travels.
public class ShardInitializerTests
{
    private const int Rows = 20_000, Dim = 16;

    private static long BytesIn(Session sess) => sess.Runtime.ParameterServers
        .Sum(ps => ps.Ask<ShardStatus>(new GetShardStatus(), TimeSpan.FromSeconds(20)).GetAwaiter().GetResult().BytesIn);

    [Fact]
    public void Initializing_a_partitioned_table_sends_its_shards_no_table()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var table = TF.GetPartitionedVariable("table", [Rows, Dim], TF.FixedSizePartitioner(2), initializer: TF.RandomNormalInitializer(0, 1, seed: 4));
        var zeros = TF.GetPartitionedVariable("zeros", [Rows, 1], TF.FixedSizePartitioner(2), initializer: TF.ZerosInitializer());
        var init = TF.GlobalVariablesInitializer();
        using var sess = new Session(g, new SessionOptions { Workers = 1, ParameterServers = 2 });

        sess.Run(init);

        // 1.3 MB of tables; what reached the shards is a few generator definitions, with no tensor bytes at all.
        Assert.Equal(0, BytesIn(sess));
        var part0 = sess.Run(table[0]).ToArray<float>();
        Assert.Equal(Rows / 2 * Dim, part0.Length);
        Assert.InRange(part0.Average(), -0.05, 0.05);
        Assert.InRange(Math.Sqrt(part0.Average(x => x * x)), 0.95, 1.05);
        Assert.All(sess.Run(zeros[1]).ToArray<float>(), x => Assert.Equal(0f, x));
    }

    [Fact]
    public void A_seeded_table_drawn_on_its_shard_has_the_values_of_its_initial_value()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var table = TF.GetPartitionedVariable("table", [1000, Dim], TF.FixedSizePartitioner(2), initializer: TF.RandomUniformInitializer(-1, 1, seed: 9));
        var init = TF.GlobalVariablesInitializer();
        using var sess = new Session(g, new SessionOptions { Workers = 1, ParameterServers = 2 });

        // Fetched, the initial value is drawn on the worker; assigned by the initializer, on the shard.
        var drawnOnWorker = sess.Run(table[1].InitialValue).ToArray<float>();
        sess.Run(init);

        Assert.Equal(drawnOnWorker, sess.Run(table[1]).ToArray<float>());
    }
}
