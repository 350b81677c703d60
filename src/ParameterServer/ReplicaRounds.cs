namespace ActorGraph.ParameterServer;

// Synchronous data-parallel steps at one shard: the replicas' updates wait here until all are in (or the step's
// step tracker closes the step, leaving slow replicas out), then apply once as their weighted average. A replica's
// updates that come after its step closed are refused: that replica was left out.
internal sealed class ReplicaRounds<TSender>
{
    private const int RememberedClosedSteps = 4096;
    private readonly Dictionary<long, ReplicaAggregation<TSender>> _open = [];
    private readonly HashSet<long> _closed = [];
    private readonly Queue<long> _closedOrder = new();

    // The step's aggregation with this replica's updates in: Complete (and the step closed) once every replica's are.
    // Null when the step closed before they came: the replica was left out.
    public ReplicaAggregation<TSender>? Arrive(TSender sender, ApplyUpdates command, int replicas)
    {
        if (_closed.Contains(command.StepId)) return null;
        if (!_open.TryGetValue(command.StepId, out var aggregation))
            _open[command.StepId] = aggregation = new ReplicaAggregation<TSender>(command.StepId, replicas);
        aggregation.Arrived.Add((sender, command));
        if (aggregation.Complete) Close(command.StepId);
        return aggregation;
    }

    // The step is over, applied or dropped: replicas that come later are refused. Returns what had arrived, if anything.
    public ReplicaAggregation<TSender>? Close(long stepId)
    {
        _open.Remove(stepId, out var aggregation);
        if (_closed.Add(stepId))
        {
            _closedOrder.Enqueue(stepId);
            if (_closedOrder.Count > RememberedClosedSteps) _closed.Remove(_closedOrder.Dequeue());
        }
        return aggregation;
    }

    public bool IsOpen(long stepId) => _open.ContainsKey(stepId);
}
