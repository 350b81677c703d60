using ActorGraph.Coordinator.Cluster;
using Xunit;

namespace ActorGraph.Coordinator.Tests.Cluster;

// A node or a client of another cluster, told apart by its ActorSystem's name: it neither joins nor runs steps.
[Collection("cluster")]
public class ForeignSystemTests
{
    [Fact]
    public async Task A_node_of_another_system_name_never_joins_and_a_client_naming_another_system_gets_no_session()
    {
        await using var cluster = await LoopbackCluster.StartAsync(workers: 1, ps: 1);
        var refused = await Assert.ThrowsAnyAsync<Exception>(() =>
            cluster.AddAsync(NodeRoles.Worker, system: "other-cluster", joinTimeout: TimeSpan.FromSeconds(8)));
        Assert.Contains("other-cluster", refused.Message);
        var status = await cluster.WaitServingAsync(workers: 1, ps: 1);
        Assert.DoesNotContain(status.Members, m => m.Contains("other-cluster"));

        // The client addresses the same host and port under another system name: nothing answers it.
        var g = new Graph();
        using var scope = g.AsDefault();
        var sum = TF.Constant(2) + TF.Constant(3);
        var elsewhere = cluster.Seed.Replace("actorgraph@", "other-cluster@");
        var e = Assert.Throws<UnavailableException>(() =>
            new Session(g, new SessionOptions { Cluster = elsewhere, ClusterConnectTimeout = TimeSpan.FromSeconds(6) }));
        Assert.Contains("Could not open a session", e.Message);

        using var right = new Session(g, new SessionOptions { Cluster = cluster.Seed });
        Assert.Equal(5, right.Run(sum).ToScalar<int>());
    }
}
