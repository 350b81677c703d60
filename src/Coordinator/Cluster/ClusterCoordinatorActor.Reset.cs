using Akka.Actor;
using Akka.Event;

namespace ActorGraph.Coordinator.Cluster;

// Session.Reset: every shard serving now is emptied, unless a session has a Run in flight (ClusterReset).
// Variables keep their placement by name: a session still open initializes them again on the same shards.
public sealed partial class ClusterCoordinatorActor
{
    private static readonly TimeSpan ResetTimeout = TimeSpan.FromSeconds(30);

    private void Resets() => Receive<ResetCluster>(Handle);

    private void Handle(ResetCluster m)
    {
        if (!_secret.Verify("reset", m.ClientAddress, m.Proof))
        {
            _log.Warning("Refused a reset from {0}: its proof of the cluster secret is wrong", m.ClientAddress);
            Sender.Tell(new ClusterResetFailed(Wire.ErrorCodes.PermissionDenied, "the cluster refused the reset: the client's secret is not the cluster's " +
                "(give it the secret the nodes were started with: --secret, ACTORGRAPH_SECRET or SessionOptions.ClusterSecret)."));
            return;
        }
        var shards = _shards.Select((slot, task) => (Task: task, slot.Path)).Where(s => s.Path.Length > 0 && Serves(_shards[s.Task].Host)).ToArray();
        _log.Info("Resetting {0} shard(s) for {1}", shards.Length, m.ClientAddress);
        Context.ActorOf(ClusterReset.Props(Sender, [.. _sessions.Keys], shards, ResetTimeout));
    }
}
