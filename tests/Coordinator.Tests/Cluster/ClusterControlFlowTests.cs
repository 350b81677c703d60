using Xunit;

namespace ActorGraph.Coordinator.Tests.Cluster;

// Conditionals and loops on a loopback cluster (Akka.Remote between ActorSystems in this process): the loop runs
// whole on the worker its device names, fed by a value computed on the other worker, reading and writing a
// variable on a remote parameter server; each iteration sees the write of the one before.
[Collection("cluster")]
public class ClusterControlFlowTests
{
    [Fact]
    public async Task A_loop_on_one_worker_fed_by_the_other_updates_a_remote_variable_each_iteration()
    {
        await using var cluster = await LoopbackCluster.StartAsync(workers: 2, ps: 2);
        var g = new Graph();
        using var scope = g.AsDefault();
        var acc = TF.GetVariable("acc", Shape.Scalar, initializer: TF.ConstantInitializer(0));
        Tensor limit;
        using (TF.Device("/job:worker/task:0")) limit = TF.Constant(2) * TF.Constant(2);
        Tensor[] r;
        using (TF.Device("/job:worker/task:1"))
            r = TF.WhileLoop(i => TF.Less(i[0], limit),
                i => [TF.Add(i[0], TF.Cast(TF.Greater(TF.AssignAdd(acc, TF.Identity(acc) + TF.Constant(1f)), TF.Constant(-1f)), DType.Int32))],
                [TF.Constant(0)], name: "loop");
        var picked = TF.Cond(TF.Greater(r[0], TF.Constant(3)), () => TF.Constant(1), () => TF.Constant(-1));
        using var sess = new Session(g, new SessionOptions { Cluster = cluster.Seed, StepTimeout = TimeSpan.FromSeconds(20) });
        sess.Run(TF.GlobalVariablesInitializer());
        var values = sess.Run([r[0], picked]);
        Assert.Equal((4, 1), (values[0]!.ToScalar<int>(), values[1]!.ToScalar<int>()));
        Assert.Equal(15f, sess.Run(acc).ToScalar<float>());   // 0 → 1 → 3 → 7 → 15
        Assert.Equal("/job:worker/task:1", sess.Explain([r[0]]).Placement["loop"]);
    }
}
