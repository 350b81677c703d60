using ActorGraph.Messaging.Channel;
using ActorGraph.Coordinator.Logging;
using ActorGraph.Messaging;
using ActorGraph.ParameterServer;
using ActorGraph.ParameterServer.Persistence;
using ActorGraph.Worker;
using Akka.Actor;
using Akka.Cluster.Tools.Singleton;
using Akka.Configuration;
using Microsoft.Extensions.Logging;
using AkkaCluster = Akka.Cluster.Cluster;

namespace ActorGraph.Coordinator.Cluster;

// One node of a cluster, in this process: its role's actors start before it joins (so that whoever
// learns of the node can reach them), then it joins the seeds (or starts a cluster of its own) and
// waits to be Up. Leave() leaves the cluster cleanly; Terminated says when the node is gone, for
// whatever reason (left, downed for a wrong secret, shut down).
public sealed class ClusterNode
{
    private ClusterNode(ActorSystem system, NodeSettings settings)
    {
        System = system;
        Settings = settings;
    }

    public ActorSystem System { get; }
    public NodeSettings Settings { get; }
    public Address Address => AkkaCluster.Get(System).SelfAddress;
    public Task Terminated => System.WhenTerminated;

    // With `logging`, Akka's log events go there at the levels it enables, whatever the files say.
    public static async Task<ClusterNode> StartAsync(NodeSettings settings, Config? files = null, TimeSpan? joinTimeout = null, ILoggerFactory? logging = null)
    {
        var roles = settings.Roles;
        var config = ClusterConfig.Overrides(settings).WithFallback(files ?? Config.Empty).WithFallback(ClusterConfig.Node);
        // A node may receive messages of assemblies it has not used yet.
        MessageTypes.Register(typeof(ClusterNode).Assembly);
        var system = AkkaLogging.CreateSystem(settings.SystemName, config, logging, settings.Tls);
        try
        {
            var secret = new ClusterSecret(config.GetString("actorgraph.secret", ""));
            string channelHost = StartChannel(system, config, secret);
            var roleActor =
                roles.Contains(NodeRoles.Worker) ? system.ActorOf(WorkerActor.Props(-1).WithDispatcher(InlineDispatcher.OnChannelPath), NodeRoles.WorkerActor) :
                roles.Contains(NodeRoles.ParameterServer) ? system.ActorOf(ShardHostActor.Props(ShardProps(system, settings)), NodeRoles.ShardHostActor) :
                null;
            system.ActorOf(NodeActor.Props(secret, roleActor, channelHost), NodeActor.Name);
            if (roles.Contains(NodeRoles.Coordinator))
                system.ActorOf(ClusterSingletonManager.Props(ClusterCoordinatorActor.Props(secret), PoisonPill.Instance,
                    ClusterSingletonManagerSettings.Create(system).WithRole(NodeRoles.Coordinator)), NodeRoles.SingletonManager);
            system.ActorOf(ClusterSingletonProxy.Props($"/user/{NodeRoles.SingletonManager}",
                ClusterSingletonProxySettings.Create(system).WithRole(NodeRoles.Coordinator)), NodeRoles.SingletonProxy);

            var cluster = AkkaCluster.Get(system);
            var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            cluster.RegisterOnMemberUp(() => up.TrySetResult());
            var seeds = settings.Seeds.Select(s => Address.Parse(ClusterConfig.WithProtocol(s, settings.Tls))).ToList();
            if (seeds.Count == 0) cluster.Join(cluster.SelfAddress);
            else cluster.JoinSeedNodes(seeds);
            var wait = joinTimeout ?? TimeSpan.FromSeconds(30);
            var done = await Task.WhenAny(up.Task, system.WhenTerminated, Task.Delay(wait));
            if (done != up.Task)
                throw new TimeoutException(done == system.WhenTerminated
                    ? $"the node left before it was up (refused by the cluster at {string.Join(", ", settings.Seeds)}?)"
                    : $"the node could not join the cluster at {string.Join(", ", settings.Seeds)} within {wait.TotalSeconds:0} s " +
                      $"(is a node running there, with system name '{settings.SystemName}'?)");
            return new ClusterNode(system, settings);
        }
        catch
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            throw;
        }
    }

    // With a store, every shard journals each update before it is acknowledged, under an id of the
    // cluster's (its system name) and the shard's task: a shard that moves to another ps node of the
    // same store comes back there as it was. Without one, shards live in memory.
    private static Func<int, Props>? ShardProps(ActorSystem system, NodeSettings settings)
    {
        if (settings.Store is null) return null;
        var store = CheckpointStore.Parse(settings.Store);
        StoreProbe.Check(store);
        StorePlugins.Attach(system, store);
        string job = JobOf(settings.SystemName);
        return task => ShardActor.Props(task, ShardPersistence.On(store, job, task, Durability.Journal));
    }

    // Large messages (tensors) between nodes travel on an authenticated TCP channel beside remoting
    // (actorgraph.tensor-channel = off: remoting only). Returns the host other nodes reach it by.
    private static string StartChannel(ActorSystem system, Config config, ClusterSecret secret)
    {
        if (!config.GetBoolean("actorgraph.tensor-channel", true)) return "";
        string bind = config.GetString("akka.remote.dot-netty.tcp.hostname", "127.0.0.1");
        string advertised = config.GetString("akka.remote.dot-netty.tcp.public-hostname", "") is { Length: > 0 } p ? p : bind;
        var options = new Transport.TransportOptions
        {
            ClusterName = system.Name,
            SharedSecret = secret.ChannelKey(),
            NodeName = ((ExtendedActorSystem)system).Provider.DefaultAddress.ToString(),
            BindAddress = global::System.Net.IPAddress.Parse(bind == "localhost" ? "127.0.0.1" : bind),
            SharedMemoryLaneBytes = ClusterConfig.SharedMemoryLaneBytes(config),
        };
        BulkChannel.Get(system).Start(options, listen: true);
        return advertised;
    }

    public static string JobOf(string systemName) => $"cluster-{systemName}";

    // Leaves the cluster (the singleton hands over, the coordinator plans without this node) and stops.
    public async Task LeaveAsync(TimeSpan timeout)
    {
        var shutdown = CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClusterLeavingReason.Instance);
        await Task.WhenAny(shutdown, Task.Delay(timeout)).ConfigureAwait(false);
        if (!System.WhenTerminated.IsCompleted) await System.Terminate().WaitAsync(timeout).ConfigureAwait(false);
    }
}
