using ActorGraph.ParameterServer;
using Akka.Actor;
using Akka.Configuration;

namespace ActorGraph.Coordinator.Cluster;

// Asks a cluster who serves it, from a short-lived client system: until `until` holds for the answer
// or the time is up (then the last answer, or null if no coordinator answered at all). A cluster that
// refuses the secret fails the query at once with PermissionDeniedException.
public static class ClusterStatusQuery
{
    // tls: the cluster's certificate when its remoting speaks TLS (null: ACTORGRAPH_TLS_CERT, if set);
    // secret: the cluster's (null: ACTORGRAPH_SECRET, else none).
    public static async Task<ClusterStatus?> WaitAsync(string address, Func<ClusterStatus, bool> until, TimeSpan timeout, RemotingTls? tls = null,
        string? secret = null) =>
        (await WaitWithShardsAsync(address, until, timeout, tls, secret, askShards: false)).Status;

    // With askShards, each serving shard's own status too (null where one did not answer), asked once the wait ends.
    public static async Task<(ClusterStatus? Status, ShardStatus?[] Shards)> WaitWithShardsAsync(string address, Func<ClusterStatus, bool> until,
        TimeSpan timeout, RemotingTls? tls = null, string? secret = null, bool askShards = true)
    {
        tls ??= RemotingTls.From(null);
        address = ClusterConfig.WithProtocol(address, tls);
        ClusterConfig.ParseAddress(address);
        var config = ConfigurationFactory.ParseString("akka.loglevel = ERROR").WithFallback(ClusterConfig.Client);
        var system = Logging.AkkaLogging.CreateSystem("actorgraph-status", config, logging: null, tls);
        try
        {
            var self = ((ExtendedActorSystem)system).Provider.DefaultAddress.ToString();
            var ask = new GetClusterStatus(self, new ClusterSecret(secret ?? Environment.GetEnvironmentVariable("ACTORGRAPH_SECRET")).Prove("status", self));
            var deadline = DateTime.UtcNow + timeout;
            ClusterStatus? last = null;
            while (true)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero) return (last, askShards ? await ShardsOf(system, last) : []);
                try
                {
                    var proxy = system.ActorSelection($"{address}/user/{NodeRoles.SingletonProxy}");
                    var reply = await proxy.Ask<object>(ask, left < TimeSpan.FromSeconds(3) ? left : TimeSpan.FromSeconds(3));
                    if (reply is ClusterStatusRefused refused) throw new PermissionDeniedException(refused.Reason);
                    last = (ClusterStatus)reply;
                    if (until(last)) return (last, askShards ? await ShardsOf(system, last) : []);
                }
                catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
                {
                }
                await Task.Delay(250);
            }
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    private static async Task<ShardStatus?[]> ShardsOf(ActorSystem system, ClusterStatus? status)
    {
        var paths = status?.ShardPaths ?? [];
        return await Task.WhenAll(paths.Select(async path =>
        {
            if (path.Length == 0) return null;
            try
            {
                return await system.ActorSelection(path).Ask<ShardStatus>(new GetShardStatus(), TimeSpan.FromSeconds(5));
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
            {
                return null;
            }
        }));
    }
}
