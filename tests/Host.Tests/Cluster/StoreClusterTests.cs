using ActorGraph.Host.Tests.Cli;
using Npgsql;

namespace ActorGraph.Host.Tests.Cluster;

// ps nodes on a PostgreSQL store (the throwaway server of tests/postgres.sh, which tests/run.sh
// starts): a ps node killed mid-training has its shard taken over by the ps node left, as it was.
[Collection("cluster processes")]
public class StoreClusterTests
{
    [Fact]
    public void A_ps_node_killed_mid_training_has_its_shard_taken_over_from_the_store()
    {
        string store = CreateDatabase();
        using var cluster = new NodeProcesses();
        int port = NodeProcesses.FreePort();
        cluster.Add("coordinator", "--port", port.ToString()).WaitUp();
        cluster.Seed = $"akka.tcp://actorgraph@127.0.0.1:{port}";
        var nodes = new[] { cluster.Add("worker"), cluster.Add("ps", "--store", store), cluster.Add("ps", "--store", store) };
        foreach (var n in nodes) n.WaitUp();
        cluster.WaitServing(workers: 1, ps: 2);
        var local = ActorGraphProcess.Run("demo", "--steps", "4000", "--seed", "9", "--no-checkpoint");

        var client = cluster.Client(null, "demo", "--steps", "4000", "--seed", "9");
        Assert.True(NodeProcesses.WaitFor(client, o => o.Contains("training "), TimeSpan.FromSeconds(120)), NodeProcesses.OutputOf(client) + cluster.Logs());
        nodes[1].Crash();
        var r = NodeProcesses.Finish(client, TimeSpan.FromSeconds(150));
        Assert.True(r.ExitCode == 0, r + cluster.Logs());
        Assert.Contains("run again after a node left", r.Out);
        ClusterProcessTests.AssertSameLearning(local.Out, r.Out, tolerance: 1e-2);
        var status = cluster.WaitServing(workers: 1, ps: 2);
        Assert.Equal(2, status.Out.Split('\n').Count(l => l.Contains(nodes[2].Address) && l.StartsWith("/job:ps")));
    }

    private static string CreateDatabase()
    {
        var server = Environment.GetEnvironmentVariable("ACTORGRAPH_TEST_POSTGRES") ?? throw new InvalidOperationException(
            "ACTORGRAPH_TEST_POSTGRES is not set: run the tests with `bash tests/run.sh`, or wrap the test command in `bash tests/postgres.sh …`.");
        var name = "ag_" + Guid.NewGuid().ToString("N")[..16];
        using (var connection = new NpgsqlConnection(server))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            command.ExecuteNonQuery();
        }
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }
}
