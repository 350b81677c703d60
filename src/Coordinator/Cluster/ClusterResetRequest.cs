using Akka.Actor;
using Akka.Configuration;

namespace ActorGraph.Coordinator.Cluster;

// Session.Reset and `actorgraph cluster reset`: from a short-lived client system, asks the coordinator singleton to
// empty every shard of the cluster. Returns the ps tasks emptied; throws what the cluster refused with.
public static class ClusterResetRequest
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    // tls: the cluster's certificate when its remoting speaks TLS (null: ACTORGRAPH_TLS_CERT, if set);
    // secret: the cluster's (null: ACTORGRAPH_SECRET, else none).
    public static async Task<int[]> ResetAsync(string address, TimeSpan? timeout = null, RemotingTls? tls = null, string? secret = null)
    {
        tls ??= RemotingTls.From(null);
        address = ClusterConfig.WithProtocol(address, tls);
        ClusterConfig.ParseAddress(address);
        var wait = timeout ?? DefaultTimeout;
        var config = ConfigurationFactory.ParseString("akka.loglevel = ERROR").WithFallback(ClusterConfig.Client);
        var system = Logging.AkkaLogging.CreateSystem("actorgraph-reset", config, logging: null, tls);
        try
        {
            var self = ((ExtendedActorSystem)system).Provider.DefaultAddress.ToString();
            var ask = new ResetCluster(self, new ClusterSecret(secret ?? Environment.GetEnvironmentVariable("ACTORGRAPH_SECRET")).Prove("reset", self));
            // The proxy holds the request until it finds the singleton: one request, never a second reset.
            var reply = await system.ActorSelection($"{address}/user/{NodeRoles.SingletonProxy}").Ask<object>(ask, wait);
            return reply switch
            {
                ClusterResetSucceeded done => done.Shards,
                ClusterResetFailed failed => throw Wire.ErrorCodes.ToException(failed.Code, $"Session.Reset({address}): {failed.Reason}"),
                _ => throw new InternalException($"Session.Reset({address}): the coordinator answered {reply.GetType().Name}."),
            };
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            throw new UnavailableException($"Session.Reset({address}): no coordinator answered within {wait.TotalSeconds:0} s " +
                "(is a coordinator node running and up at that address?); nothing was reset.");
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(10));
        }
    }
}
