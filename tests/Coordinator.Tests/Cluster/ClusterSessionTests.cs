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
}
