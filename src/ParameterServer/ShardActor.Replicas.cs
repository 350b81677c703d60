using ActorGraph.Wire;
using Akka.Actor;

namespace ActorGraph.ParameterServer;

// Synchronous data-parallel steps: the replicas' updates wait here until all are in (or the step's
// gatherer closes it, leaving slow replicas out), then apply once as their weighted average. A
// replica's updates that come after its step closed are refused: that replica was left out.
public sealed partial class ShardActor
{
    private const int RememberedClosedSteps = 4096;
    private readonly Dictionary<long, ReplicaAggregation> _aggregating = [];
    private readonly HashSet<long> _closed = [];
    private readonly Queue<long> _closedOrder = new();

    private void Gather(ApplyUpdates received)
    {
        // Kept until the last replica is in: an operand that is a lent read is copied now, and the
        // sender's reads for this step are released (its stages have run).
        var command = Dealiased(received);
        _leases.Release(Sender, command.StepId);
        if (_closed.Contains(command.StepId))
        {
            Sender.Tell(new ShardRequestFailed(command.StepId, ErrorCodes.Aborted,
                $"Parameter server {_state.Device}: this replica of step {command.StepId} was left out (slower than the others' backup timeout)."));
            return;
        }
        if (!_aggregating.TryGetValue(command.StepId, out var aggregation))
            _aggregating[command.StepId] = aggregation = new ReplicaAggregation(command.StepId, command.Routing!.Replicas);
        aggregation.Arrived.Add((Sender, command));
        if (aggregation.Complete) ApplyAggregated(aggregation);
    }

    private void Handle(CloseReplicas command)
    {
        if (command.Apply && _aggregating.TryGetValue(command.StepId, out var aggregation) && aggregation.Arrived.Count > 0) ApplyAggregated(aggregation);
        else
        {
            if (_aggregating.TryGetValue(command.StepId, out var dropped))
                foreach (var (to, _) in dropped.Arrived)
                    to.Tell(new ShardRequestFailed(command.StepId, ErrorCodes.Aborted, $"Parameter server {_state.Device}: step {command.StepId} was aborted."));
            Close(command.StepId);
        }
    }

    private void ApplyAggregated(ReplicaAggregation aggregation)
    {
        Close(aggregation.StepId);
        var senders = aggregation.Arrived.Select(a => a.Sender).ToArray();
        var replyTo = aggregation.Arrived.Select(a => (a.Sender, a.Updates.Wanted)).ToArray();
        var (combined, error) = aggregation.Combine();
        if (combined is null)
        {
            foreach (var to in senders) to.Tell(new ShardRequestFailed(aggregation.StepId, ErrorCodes.InvalidArgument, $"Parameter server {_state.Device}: {error}"));
            return;
        }
        Apply(combined, replyTo);
    }

    private void Close(long stepId)
    {
        _aggregating.Remove(stepId);
        if (!_closed.Add(stepId)) return;
        _closedOrder.Enqueue(stepId);
        if (_closedOrder.Count > RememberedClosedSteps) _closed.Remove(_closedOrder.Dequeue());
    }
}
