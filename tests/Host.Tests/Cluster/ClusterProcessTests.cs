using System.Globalization;
using System.Text.RegularExpressions;
using ActorGraph.Host.Tests.Cli;

namespace ActorGraph.Host.Tests.Cluster;

// Real node processes on loopback, driven through the CLI: a cluster trains the seed's regression
// as local mode does, and keeps training through a worker killed, a worker that joins, a worker
// that leaves and a coordinator whose node dies; nodes and clients without the secret are refused.
[Collection("cluster processes")]
public partial class ClusterProcessTests
{
    private static readonly TimeSpan ClientTime = TimeSpan.FromSeconds(150);

    [Fact]
    public void A_five_process_cluster_learns_the_seed_regression_exactly_as_local_mode_and_a_worker_may_leave()
    {
        using var cluster = NodeProcesses.Start(workers: 2, ps: 2);
        var local = ActorGraphProcess.Run("demo", "--steps", "1500", "--seed", "11", "--no-checkpoint");
        var remote = ActorGraphProcess.RunIn(cluster.Folder, null, "demo", "--steps", "1500", "--seed", "11", "--cluster", cluster.Seed);
        Assert.True(remote.ExitCode == 0, remote + cluster.Logs());
        Assert.Equal(Line(local.Out, "Learned parameters:"), Line(remote.Out, "Learned parameters:"));
        Assert.Contains("cluster mode at " + cluster.Seed, remote.Out);
        // The client wrote its final checkpoint from the cluster's shards into its own store.
        Assert.Matches(@"Checkpoint ckpt-1502-\w+ written to", remote.Out);

        var leaving = cluster.Nodes.First(n => n.Name.StartsWith("worker"));
        leaving.Stop();
        Assert.True(leaving.Process.WaitForExit(TimeSpan.FromSeconds(30)), cluster.Logs());
        leaving.Process.WaitForExit();  // and its output read to the end
        Assert.Equal(0, leaving.Process.ExitCode);
        Assert.Contains("left", NodeProcesses.OutputOf(leaving.Process));
        cluster.WaitServing(workers: 1, ps: 2);
        var after = ActorGraphProcess.RunIn(cluster.Folder, null, "demo", "--steps", "1500", "--seed", "11", "--cluster", cluster.Seed);
        Assert.True(after.ExitCode == 0, after + cluster.Logs());
        Assert.Equal(Line(local.Out, "Learned parameters:"), Line(after.Out, "Learned parameters:"));
    }

    [Fact]
    public void Training_goes_on_when_a_worker_joins_and_the_first_is_killed()
    {
        using var cluster = NodeProcesses.Start(workers: 1, ps: 1);
        var local = ActorGraphProcess.Run("demo", "--steps", "6000", "--seed", "5", "--no-checkpoint");
        var first = cluster.Nodes.Single(n => n.Name.StartsWith("worker"));
        var client = cluster.Client(null, "demo", "--steps", "6000", "--seed", "5");
        Assert.True(NodeProcesses.WaitFor(client, o => o.Contains("training "), ClientTime), NodeProcesses.OutputOf(client) + cluster.Logs());
        cluster.Add("worker").WaitUp();
        cluster.WaitServing(workers: 2, ps: 1);
        first.Crash();
        var r = NodeProcesses.Finish(client, ClientTime);
        Assert.True(r.ExitCode == 0, r + cluster.Logs());
        AssertSameLearning(local.Out, r.Out, tolerance: 1e-2);
    }

    [Fact]
    public void The_coordinator_moves_when_its_node_dies_and_the_client_carries_on()
    {
        using var cluster = NodeProcesses.Start(workers: 1, ps: 1, coordinators: 2);
        var local = ActorGraphProcess.Run("demo", "--steps", "5000", "--seed", "3", "--no-checkpoint");
        var client = cluster.Client(null, "demo", "--steps", "5000", "--seed", "3");
        Assert.True(NodeProcesses.WaitFor(client, o => o.Contains("training "), ClientTime), NodeProcesses.OutputOf(client) + cluster.Logs());
        cluster.Nodes[0].Crash();
        var r = NodeProcesses.Finish(client, ClientTime);
        Assert.True(r.ExitCode == 0, r + cluster.Logs());
        Assert.Contains("run again after a node left", r.Out);
        AssertSameLearning(local.Out, r.Out, tolerance: 1e-2);
    }

    [Fact]
    public void A_node_or_a_client_without_the_clusters_secret_is_refused()
    {
        using var cluster = NodeProcesses.Start(workers: 1, ps: 1, secret: "s3cret");
        var foreign = cluster.Add("worker", "--secret", "other");
        Assert.True(foreign.Process.WaitForExit(TimeSpan.FromSeconds(60)), NodeProcesses.OutputOf(foreign.Process));
        foreign.Process.WaitForExit();
        Assert.Equal(1, foreign.Process.ExitCode);
        Assert.Contains("refused", NodeProcesses.OutputOf(foreign.Process));
        var status = cluster.WaitServing(workers: 1, ps: 1);
        Assert.DoesNotContain("task:1", status.Out);

        var wrong = ActorGraphProcess.RunIn(cluster.Folder, new Dictionary<string, string> { ["ACTORGRAPH_SECRET"] = "other" },
            "demo", "--steps", "10", "--cluster", cluster.Seed);
        Assert.True(wrong.ExitCode == 1, wrong.ToString());
        Assert.Contains("secret", wrong.Err);
        var right = ActorGraphProcess.RunIn(cluster.Folder, new Dictionary<string, string> { ["ACTORGRAPH_SECRET"] = "s3cret" },
            "demo", "--steps", "10", "--cluster", cluster.Seed);
        Assert.True(right.ExitCode == 0, right + cluster.Logs());
    }

    [Fact]
    public void A_cluster_whose_nodes_speak_tls_trains_a_client_with_the_certificate_and_refuses_one_without()
    {
        var folder = TempDir.Create();
        var certificate = Path.Combine(folder, "cluster.pfx");
        using (var key = System.Security.Cryptography.RSA.Create(2048))
        {
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=actorgraph", key,
                System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
            using var self = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            File.WriteAllBytes(certificate, self.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, "pw"));
        }
        var tls = new Dictionary<string, string> { ["ACTORGRAPH_TLS_CERT"] = certificate, ["ACTORGRAPH_TLS_PASSWORD"] = "pw" };
        using var cluster = NodeProcesses.Start(workers: 1, ps: 1, environment: tls);
        Assert.Contains("akka.ssl.tcp://", NodeProcesses.OutputOf(cluster.Nodes[0].Process));
        var r = NodeProcesses.Finish(cluster.Client(null, "demo", "--steps", "200", "--seed", "4", "--no-checkpoint"), ClientTime);
        Assert.True(r.ExitCode == 0, r + cluster.Logs());
        // Without the certificate, `cluster status` never hears the cluster (plain TCP against TLS).
        var plain = ActorGraphProcess.RunIn(cluster.Folder, null, "cluster", "status", "--cluster", cluster.Seed, "--timeout", "5");
        Assert.Equal(1, plain.ExitCode);
    }

    private static string Line(string output, string prefix) => output.Split('\n').Single(l => l.StartsWith(prefix)).Trim();

    // A step a node's loss interrupted may have reached a parameter server before it was run again:
    // the learning is local mode's within a step or two.
    internal static void AssertSameLearning(string local, string cluster, double tolerance)
    {
        Assert.Equal(Line(local, "True parameters:"), Line(cluster, "True parameters:"));
        var expected = Parameters().Match(Line(local, "Learned parameters:"));
        var learned = Parameters().Match(Line(cluster, "Learned parameters:"));
        Assert.True(expected.Success && learned.Success, cluster);
        foreach (var g in new[] { "m", "b" })
            Assert.True(Math.Abs(Value(expected, g) - Value(learned, g)) < tolerance, $"local:\n{local}\ncluster:\n{cluster}");
    }

    private static double Value(Match m, string group) => double.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"m=(?<m>-?[\d.]+), b=(?<b>-?[\d.]+)")]
    private static partial Regex Parameters();
}
