using ActorGraph.Coordinator.Cluster;
using Xunit;

namespace ActorGraph.Coordinator.Tests.Cluster;

// A node that is both the coordinator and a worker (`--role coordinator,worker`, as TF1's master runs
// inside worker 0): it serves as a worker, its steps train exactly as the executor does, and a wrong
// combination of roles is refused with the combinations that work.
[Collection("cluster")]
public class CoordinatorWorkerNodeTests
{
    [Fact]
    public async Task A_coordinator_that_is_also_a_worker_runs_the_steps_itself()
    {
        await using var cluster = new LoopbackCluster();
        var first = await cluster.AddAsync("coordinator,worker");
        cluster.Seed = first.Address.ToString();
        await cluster.AddAsync(NodeRoles.ParameterServer);
        var status = await cluster.WaitServingAsync(workers: 1, ps: 1);
        Assert.Contains(first.Address.ToString(), status.Workers.Single());

        var (expected, actual) = (Train(null), Train(cluster.Seed));
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("worker,ps", "both a worker and a ps")]
    [InlineData("coordinator,coordinator", "names a role twice")]
    [InlineData("coordinator,chief", "Unknown role 'chief'")]
    [InlineData(" , ", "empty")]
    public void A_wrong_combination_of_roles_is_refused_saying_which_work(string roles, string why)
    {
        var e = Assert.Throws<ArgumentException>(() => NodeRoles.Parse(roles));
        Assert.Contains(why, e.Message);
        Assert.Contains("coordinator,worker", e.Message);
    }

    // Three SGD steps of a small regression; the learned weights, from local mode or the cluster.
    private static float[] Train(string? cluster)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, [-1, 8]);
        var w = TF.GetVariable("w", [8, 1], initializer: TF.GlorotUniformInitializer(seed: 4));
        var loss = TF.ReduceMean(TF.Square(TF.MatMul(x, w) - TF.Constant(1f)));
        var train = new GradientDescentOptimizer(0.1).Minimize(loss);
        var feed = new FeedDict { [x] = NDArray.FromArray(Enumerable.Range(0, 32).Select(i => i % 5 / 5f).ToArray(), [4, 8]) };
        using var sess = new Session(g, cluster is null ? new SessionOptions { ExecutorOnly = true }
            : new SessionOptions { Cluster = cluster, StepTimeout = TimeSpan.FromSeconds(20) });
        sess.Run(TF.GlobalVariablesInitializer());
        for (int i = 0; i < 3; i++) sess.Run([train], feed);
        return sess.Run(w).ToArray<float>();
    }
}
