using ActorGraph.Coordinator.Cluster;
using ActorGraph.ParameterServer;
using Akka.Actor;

namespace ActorGraph;

// The ps nodes' shard statuses, asked from this client: a hash table's rows live on the ps nodes alone, and Explain
// shows them as local mode's does.
internal sealed partial class ClusterRuntime
{
    // In ps task order (the cluster's status names the shards), null where a shard does not answer; empty when no
    // node answers the status query.
    public ShardStatus?[] ShardStatuses()
    {
        var self = ((ExtendedActorSystem)_system).Provider.DefaultAddress.ToString();
        var secret = new ClusterSecret(_options.ClusterSecret ?? Environment.GetEnvironmentVariable("ACTORGRAPH_SECRET"));
        var ask = new GetClusterStatus(self, secret.Prove("status", self));
        foreach (var contact in _contacts.ToArray())
        {
            object reply;
            try
            {
                reply = _system.ActorSelection($"{contact}/user/{NodeRoles.SingletonProxy}").Ask<object>(ask, PerContact).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
            {
                continue;
            }
            if (reply is ClusterStatusRefused refused) throw new PermissionDeniedException(refused.Reason);
            return [.. (((ClusterStatus)reply).ShardPaths ?? []).Select(AskShard)];
        }
        return [];
    }

    private ShardStatus? AskShard(string path)
    {
        if (path.Length == 0) return null;
        try
        {
            return _system.ActorSelection(path).Ask<ShardStatus>(new GetShardStatus(), PerContact).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            return null;
        }
    }
}
