namespace ActorGraph.Worker;

// Steps that lent kernel buffers to other workers: their plan instances serve another step only after the
// coordinator's EndStep. An aborted step, or one whose end never comes, leaves them to the GC.
public sealed partial class WorkerActor
{
    private const int RememberedEnds = 64;

    private readonly Dictionary<long, WorkerStep> _ending = [];
    private readonly Queue<long> _endingOrder = new();

    private void AwaitEnd(WorkerStep step)
    {
        _ending[step.StepId] = step;
        _endingOrder.Enqueue(step.StepId);
        while (_endingOrder.Count > RememberedEnds) _ending.Remove(_endingOrder.Dequeue());
    }

    private void Handle(EndStep m)
    {
        if (_ending.Remove(m.StepId, out var step)) step.Finish();
    }
}
