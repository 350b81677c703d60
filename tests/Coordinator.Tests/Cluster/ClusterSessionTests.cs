using Xunit;

namespace ActorGraph.Coordinator.Tests.Cluster;

// A session on a loopback cluster of ActorSystems in this process: the same answers as local mode.
[Collection("cluster")]
public class ClusterSessionTests
{
    [Fact]
    public async Task The_seed_sum_and_a_variable_run_on_a_cluster()
    {
        await using var cluster = await LoopbackCluster.StartAsync(workers: 2, ps: 2);
        var g = new Graph();
        using var scope = g.AsDefault();
        var sum = TF.Constant(2) + TF.Constant(3);
        var count = TF.GetVariable("count", [], initializer: TF.ConstantInitializer(0));
        var add = TF.AssignAdd(count, TF.Constant(1f));
        using var sess = new Session(g, new SessionOptions { Cluster = cluster.Seed, StepTimeout = TimeSpan.FromSeconds(10) });
        Assert.Equal(5, sess.Run(sum).ToScalar<int>());
        sess.Run(TF.GlobalVariablesInitializer());
        for (int i = 0; i < 5; i++) sess.Run(add);
        Assert.Equal(5f, sess.Run(count).ToScalar<float>());
    }

    [Fact]
    public async Task Large_tensors_travel_on_the_tensor_channel_and_arrive_whole()
    {
        await using var cluster = await LoopbackCluster.StartAsync(workers: 2, ps: 1);
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, [-1, 128]);
        var w = TF.GetVariable("w", [128, 128], initializer: TF.GlorotUniformInitializer(seed: 1));
        var y = TF.MatMul(x, w);
        var loss = TF.ReduceMean(TF.Square(y));
        var train = new GradientDescentOptimizer(0.01).Minimize(loss);
        var values = Enumerable.Range(0, 64 * 128).Select(i => (i % 17) / 17f).ToArray();
        var feed = new FeedDict { [x] = NDArray.FromArray(values, [64, 128]) };

        var local = new Graph();
        NDArray expected;
        using (local.AsDefault())
        {
            var lx = TF.Placeholder(DType.Float32, [-1, 128]);
            var lw = TF.GetVariable("w", [128, 128], initializer: TF.GlorotUniformInitializer(seed: 1));
            var ly = TF.MatMul(lx, lw);
            var ltrain = new GradientDescentOptimizer(0.01).Minimize(TF.ReduceMean(TF.Square(ly)));
            using var reference = new Session(local, new SessionOptions { ExecutorOnly = true });
            reference.Run(TF.GlobalVariablesInitializer());
            var lfeed = new FeedDict { [lx] = NDArray.FromArray(values, [64, 128]) };
            for (int i = 0; i < 3; i++) reference.Run([ltrain], lfeed);
            expected = reference.Run(ly, lfeed);
        }

        using var sess = new Session(g, new SessionOptions { Cluster = cluster.Seed, StepTimeout = TimeSpan.FromSeconds(20) });
        sess.Run(TF.GlobalVariablesInitializer());
        for (int i = 0; i < 3; i++) sess.Run([train], feed);
        var actual = sess.Run(y, feed);
        Assert.Equal(expected.ToArray<float>(), actual.ToArray<float>());
        Assert.True(cluster.Nodes.Sum(n => ActorGraph.Messaging.Channel.BulkChannel.Get(n.System).MessagesReceived) > 0, "nothing travelled on the tensor channel");
    }
}
