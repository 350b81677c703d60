using ActorGraph.Host.Tests.Cli;

namespace ActorGraph.Host.Tests.Cluster;

// A node shows Akka's warnings and errors through the CLI's logger; its INFO lines only under --verbose.
[Collection("cluster processes")]
public class NodeLogTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public void A_node_shows_a_warning_by_default_but_not_its_info_lines()
    {
        using var cluster = NodeProcesses.Start(workers: 0, ps: 0, secret: "s3cret");
        var coordinator = cluster.Nodes[0].Process;
        var refused = ActorGraphProcess.RunIn(cluster.Folder, new Dictionary<string, string> { ["ACTORGRAPH_SECRET"] = "other" },
            "demo", "--steps", "10", "--cluster", cluster.Seed);
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.True(NodeProcesses.WaitFor(coordinator, o => o.Contains("Refused a session"), Wait), NodeProcesses.OutputOf(coordinator));
        var output = NodeProcesses.OutputOf(coordinator);
        Assert.Matches(@"warn: ActorGraph\.Coordinator\.Cluster\.ClusterCoordinatorActor\[0\] \[\S+/user/coordinator/singleton\] Refused a session", output);
        Assert.DoesNotContain("info:", output);
        Assert.DoesNotContain("Coordinator singleton started", output);
    }

    [Fact]
    public void A_verbose_node_shows_Akkas_info_lines_through_the_logger()
    {
        using var cluster = new NodeProcesses();
        int port = NodeProcesses.FreePort();
        var node = cluster.Add("coordinator", "--port", port.ToString(), "--verbose");
        node.WaitUp();
        Assert.True(NodeProcesses.WaitFor(node.Process, o => o.Contains("Coordinator singleton started"), Wait), NodeProcesses.OutputOf(node.Process));
        var output = NodeProcesses.OutputOf(node.Process);
        Assert.Contains("info: ActorGraph.Coordinator.Cluster.ClusterCoordinatorActor[0]", output);
        Assert.Contains("info: Akka[0] [remoting (akka://actorgraph)] Remoting started", output);
        Assert.DoesNotContain("[INFO][", output);
    }
}
