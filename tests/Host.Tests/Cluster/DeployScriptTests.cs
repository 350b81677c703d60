using ActorGraph.Host.Tests.Cli;

namespace ActorGraph.Host.Tests.Cluster;

// deploy/start-local-cluster.sh and stop-local-cluster.sh as a user runs them: the cluster comes up with
// its secret and the small-machine profile and serves, a client trains on it, and the stop script has
// every node leave and exit.
[Collection("cluster processes")]
public class DeployScriptTests
{
    [Fact]
    public void The_loopback_scripts_start_a_cluster_that_trains_and_stop_every_node()
    {
        var folder = TempDir.Create();
        int port = NodeProcesses.FreePort();
        var env = new Dictionary<string, string>
        {
            ["PORT"] = port.ToString(), ["WORKERS"] = "2", ["PS"] = "1", ["NODE_TIMEOUT"] = "240", ["ACTORGRAPH_DLL"] = ActorGraphProcess.Dll,
            ["SECRET"] = "s3cret",
        };
        CliResult stopped;
        try
        {
            var started = Script("start-local-cluster.sh", folder, env);
            Assert.True(started.ExitCode == 0, started + Logs(folder));
            Assert.Contains("cluster up at akka.tcp://actorgraph@127.0.0.1:" + port, started.Out);
            var address = File.ReadAllText(Path.Combine(folder, "address")).Trim();
            Assert.Equal(4, Directory.GetFiles(folder, "*.pid").Length);
            foreach (var pid in Directory.GetFiles(folder, "*.pid"))
            {
                var environment = File.ReadAllText($"/proc/{File.ReadAllText(pid).Trim()}/environ").Split('\0');
                Assert.Contains("DOTNET_gcConcurrent=0", environment);
                Assert.Contains("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0", environment);
            }
            // Started again on a running cluster's folder: refused, the cluster untouched.
            var again = Script("start-local-cluster.sh", folder, env);
            Assert.Equal(1, again.ExitCode);
            Assert.Contains("stop that cluster first", again.Err);

            var demo = ActorGraphProcess.RunIn(folder, null, "demo", "--steps", "300", "--seed", "2", "--no-checkpoint", "--cluster", address, "--secret", "s3cret");
            Assert.True(demo.ExitCode == 0, demo + Logs(folder));
            Assert.Contains("cluster mode at " + address, demo.Out);
        }
        finally
        {
            stopped = Script("stop-local-cluster.sh", folder, env);
        }
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
        Assert.Contains("stopped (4 node(s))", stopped.Out);
        Assert.Empty(Directory.GetFiles(folder, "*.pid"));
        // Each node left the cluster on SIGTERM rather than being killed after 30 s.
        Assert.DoesNotContain("SIGKILL", stopped.Out);
        foreach (var log in Directory.GetFiles(folder, "*.log"))
            Assert.True(File.ReadAllText(log).Contains("left"), $"{Path.GetFileName(log)} does not say it left:\n{File.ReadAllText(log)}");
    }

    [Fact]
    public void An_unknown_profile_is_refused_before_any_node_starts()
    {
        var folder = TempDir.Create();
        var r = Script("start-local-cluster.sh", folder, new Dictionary<string, string> { ["PROFILE"] = "tiny", ["ACTORGRAPH_DLL"] = ActorGraphProcess.Dll });
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("PROFILE=tiny is not a profile; give small-machine (the default) or dotnet", r.Err);
        Assert.Empty(Directory.GetFiles(folder, "*.pid"));
    }

    private static CliResult Script(string name, string folder, IReadOnlyDictionary<string, string> env) =>
        ActorGraphProcess.Exec("bash", [Path.Combine(ActorGraphProcess.Root, "deploy", name), folder], folder, env, TimeSpan.FromSeconds(150), $"deploy/{name}");

    private static string Logs(string folder) =>
        string.Join("\n", Directory.GetFiles(folder, "*.log").Select(f => $"--- {Path.GetFileName(f)}\n{File.ReadAllText(f)}"));
}
