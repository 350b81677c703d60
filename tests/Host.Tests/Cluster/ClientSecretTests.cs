using ActorGraph.Host.Tests.Cli;

namespace ActorGraph.Host.Tests.Cluster;

// A cluster started with a secret serves the client commands given it with --secret (no environment
// variable needed) and refuses, at once and with exit 1, those given another.
[Collection("cluster processes")]
public class ClientSecretTests
{
    private static readonly IReadOnlyDictionary<string, string> NoSecretInTheEnvironment = new Dictionary<string, string> { ["ACTORGRAPH_SECRET"] = "" };

    [Fact]
    public void Demo_train_and_cluster_status_reach_a_secret_cluster_with_the_secret_flag_and_are_refused_with_a_wrong_one()
    {
        using var cluster = NodeProcesses.Start(workers: 1, ps: 1, secret: "s3cret");
        var data = TinyFashionMnist.Write(train: 100, test: 20);

        var status = Client(cluster, "cluster", "status", "--secret", "s3cret", "--workers", "1", "--ps", "1", "--timeout", "30");
        Assert.True(status.ExitCode == 0, status + cluster.Logs());
        Assert.Contains("/job:worker/task:0: akka.tcp://", status.Out);
        var demo = Client(cluster, "demo", "--steps", "50", "--seed", "2", "--no-checkpoint", "--secret", "s3cret");
        Assert.True(demo.ExitCode == 0, demo + cluster.Logs());
        Assert.Contains("cluster mode at " + cluster.Seed, demo.Out);
        var train = Client(cluster, "train", "fashion-mnist", "--data", data, "--epochs", "1", "--batch", "50", "--secret", "s3cret");
        Assert.True(train.ExitCode == 0, train + cluster.Logs());
        Assert.Contains("Test accuracy:", train.Out);

        foreach (var command in new[] { new[] { "cluster", "status" }, ["demo", "--steps", "50", "--no-checkpoint"], ["train", "fashion-mnist", "--data", data, "--epochs", "1"] })
        {
            var wrong = Client(cluster, [.. command, "--secret", "other"]);
            Assert.True(wrong.ExitCode == 1, $"{string.Join(' ', command)}: {wrong}");
            Assert.Contains("the client's secret is not the cluster's", wrong.Err);
            Assert.Contains("--secret", wrong.Err);
        }
    }

    // Every client command talks to `cluster`; the secret comes from the flags alone.
    private static CliResult Client(NodeProcesses cluster, params string[] args) =>
        ActorGraphProcess.RunIn(cluster.Folder, NoSecretInTheEnvironment, [.. args, "--cluster", cluster.Seed]);
}
