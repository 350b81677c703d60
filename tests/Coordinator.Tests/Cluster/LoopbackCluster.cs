using System.Net;
using System.Net.Sockets;
using ActorGraph.Coordinator.Cluster;
using Akka.Configuration;

namespace ActorGraph.Coordinator.Tests.Cluster;

// Nodes of a cluster as ActorSystems in this process, over real loopback remoting: the first is a
// coordinator that starts the cluster, the others join it.
internal sealed class LoopbackCluster : IAsyncDisposable
{
    private readonly List<ClusterNode> _nodes = [];

    public string Seed { get; set; } = "";
    public IReadOnlyList<ClusterNode> Nodes => _nodes;

    // tls: every node speaks TLS with this certificate (LoopbackCluster.Tls), and so must whoever asks it.
    public RemotingTls? Tls { get; private init; }

    // The secret the nodes StartAsync starts were given, which status queries prove.
    public string? Secret { get; private init; }

    // Settings every node starts with, under its own (a longer failure-detector pause, say).
    public Config? Files { get; init; }

    public static async Task<LoopbackCluster> StartAsync(int workers, int ps, string? secret = null, int coordinators = 1, RemotingTls? tls = null, Config? files = null)
    {
        var cluster = new LoopbackCluster { Tls = tls, Secret = secret, Files = files };
        try
        {
            var first = await cluster.AddAsync(NodeRoles.Coordinator, secret);
            cluster.Seed = first.Address.ToString();
            for (int i = 1; i < coordinators; i++) await cluster.AddAsync(NodeRoles.Coordinator, secret);
            await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => cluster.AddAsync(NodeRoles.Worker, secret))
                .Concat(Enumerable.Range(0, ps).Select(_ => cluster.AddAsync(NodeRoles.ParameterServer, secret))));
            await cluster.WaitServingAsync(workers, ps);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async Task<ClusterNode> AddAsync(string role, string? secret = null, string system = ClusterConfig.DefaultSystemName, TimeSpan? joinTimeout = null)
    {
        var seeds = Seed.Length == 0 ? null : new[] { Seed };
        var node = await ClusterNode.StartAsync(new NodeSettings(role, Port: FreePort(), SeedList: seeds, Secret: secret, SystemName: system, Tls: Tls), Files,
            joinTimeout: joinTimeout ?? TimeSpan.FromSeconds(20));
        lock (_nodes) _nodes.Add(node);
        return node;
    }

    public async Task<ClusterStatus> WaitServingAsync(int workers, int ps, TimeSpan? timeout = null)
    {
        var status = await ClusterStatusQuery.WaitAsync(Seed, s => Serving(s.Workers) == workers && Serving(s.ParameterServers) >= ps,
            timeout ?? TimeSpan.FromSeconds(30), Tls, Secret);
        if (status is null || Serving(status.Workers) != workers || Serving(status.ParameterServers) < ps)
            throw new TimeoutException($"The cluster did not come to {workers} worker(s) and {ps} ps: {Describe(status)}");
        return status;
    }

    public static int Serving(string[] nodes) => nodes.Count(n => n.Length > 0);

    private static string Describe(ClusterStatus? s) => s is null ? "no coordinator answered"
        : $"workers [{string.Join(", ", s.Workers)}], ps [{string.Join(", ", s.ParameterServers)}], members [{string.Join("; ", s.Members)}]";

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_nodes.Select(n => n.System.Terminate().WaitAsync(TimeSpan.FromSeconds(15))));
    }
}
