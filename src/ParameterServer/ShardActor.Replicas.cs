using ActorGraph.Wire;
using Akka.Actor;

namespace ActorGraph.ParameterServer;

// Synchronous data-parallel steps: the replicas' updates wait in ReplicaRounds until all are in (or the step's
// step tracker closes it), then apply once as their weighted average.
public sealed partial class ShardActor
{
    private readonly ReplicaRounds<IActorRef> _rounds = new();

    private void Gather(ApplyUpdates received, int replicas)
    {
        // Kept until the last replica is in: an operand that is a lent read is copied now, and the
        // sender's reads for this step are released (its stages have run).
        var command = _leases.Dealiased(received);
        _leases.Release(Sender, command.StepId);
        if (_rounds.Arrive(Sender, command, replicas) is not { } aggregation)
            Sender.Tell(new ShardRequestFailed(command.StepId, ErrorCodes.Aborted,
                $"Parameter server {_state.Device}: this replica of step {command.StepId} was left out (slower than the others' backup timeout)."));
        else if (aggregation.Complete) ApplyAggregated(aggregation);
    }

    private void Handle(CloseReplicas command)
    {
        if (_rounds.Close(command.StepId) is not { } aggregation) return;
        if (command.Apply && aggregation.Arrived.Count > 0) ApplyAggregated(aggregation);
        else
            foreach (var (to, _) in aggregation.Arrived)
                to.Tell(new ShardRequestFailed(command.StepId, ErrorCodes.Aborted, $"Parameter server {_state.Device}: step {command.StepId} was aborted."));
    }

    private void ApplyAggregated(ReplicaAggregation<IActorRef> aggregation)
    {
        var replyTo = aggregation.Arrived.Select(a => (a.Sender, a.Updates.Wanted)).ToArray();
        var (combined, error) = aggregation.Combine();
        if (combined is null)
        {
            foreach (var (to, _) in replyTo)
                to.Tell(new ShardRequestFailed(aggregation.StepId, ErrorCodes.InvalidArgument, $"Parameter server {_state.Device}: {error}"));
            return;
        }
        Apply(combined, replyTo);
    }
}
