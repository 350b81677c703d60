using ActorGraph.Host.Tests.Cli;

namespace ActorGraph.Host.Tests.Cluster;

// `actorgraph cluster reset` empties the parameter servers of a running cluster of node processes, and a client with
// another secret is refused.
[Collection("cluster processes")]
public class ClusterResetCommandTests
{
    private static readonly IReadOnlyDictionary<string, string> NoSecretInTheEnvironment = new Dictionary<string, string> { ["ACTORGRAPH_SECRET"] = "" };

    [Fact]
    public void Cluster_reset_empties_every_parameter_server_and_refuses_a_wrong_secret()
    {
        using var cluster = NodeProcesses.Start(workers: 1, ps: 2, secret: "s3cret");
        var demo = Client(cluster, "demo", "--steps", "20", "--seed", "2", "--no-checkpoint", "--secret", "s3cret");
        Assert.True(demo.ExitCode == 0, demo + cluster.Logs());

        var wrong = Client(cluster, "cluster", "reset", "--secret", "other");
        Assert.True(wrong.ExitCode == 1, wrong.ToString());
        Assert.Contains("the client's secret is not the cluster's", wrong.Err);

        var reset = Client(cluster, "cluster", "reset", "--secret", "s3cret");
        Assert.True(reset.ExitCode == 0, reset + cluster.Logs());
        Assert.Contains("reset: 2 parameter server(s) emptied (/job:ps/task:0, /job:ps/task:1)", reset.Out);
    }

    private static CliResult Client(NodeProcesses cluster, params string[] args) =>
        ActorGraphProcess.RunIn(cluster.Folder, NoSecretInTheEnvironment, [.. args, "--cluster", cluster.Seed]);
}
