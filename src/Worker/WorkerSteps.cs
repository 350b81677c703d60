namespace ActorGraph.Worker;

// A worker's steps: those running, those over that lent kernel buffers (their plan instances serve another step
// only after the coordinator's EndStep), and those forgotten, whose late messages are dropped. Memory is bounded:
// the oldest forgotten or ending steps fall out first (an ending step that falls out leaves its buffers to the GC).
internal sealed class WorkerSteps(HeldCopies held, IStepSurroundings surroundings, StepOutbox outbox, int remembered = 4096, int rememberedEnds = 64)
{
    private readonly Dictionary<long, WorkerStep> _running = [];
    private readonly HashSet<long> _forgotten = [];
    private readonly Queue<long> _forgottenOrder = new();
    private readonly Dictionary<long, (string Code, string Message)> _failedEarly = [];
    private readonly Dictionary<long, WorkerStep> _ending = [];
    private readonly Queue<long> _endingOrder = new();

    public WorkerStep For(long stepId)
    {
        if (!_running.TryGetValue(stepId, out var step)) _running[stepId] = step = new WorkerStep(stepId, held, surroundings, outbox);
        return step;
    }

    public WorkerStep? Running(long stepId) => _running.GetValueOrDefault(stepId);

    public bool IsForgotten(long stepId) => _forgotten.Contains(stepId);

    // The failure of a step whose RunPartition had not come yet, for that RunPartition to be answered with, once.
    public (string Code, string Message)? TakeEarlyFailure(long stepId) =>
        _failedEarly.Remove(stepId, out var failure) ? failure : null;

    // Whether a step besides this one may still run stages, and so read the held copies it was given.
    public bool OthersRunStages(WorkerStep step)
    {
        foreach (var other in _running.Values)
            if (other != step && other.MayRunStages) return true;
        return false;
    }

    // Keeps or drops the step by its outcome.
    public void Settle(WorkerStep step)
    {
        switch (step.Outcome)
        {
            case StepOutcome.Succeeded:
                _running.Remove(step.StepId);
                if (step.LentTensors) AwaitEnd(step);
                else step.Finish();
                break;
            case StepOutcome.Failed:
                Forget(step.StepId);
                if (step.EarlyFailure is { } failure) _failedEarly[step.StepId] = failure;
                break;
        }
    }

    // The coordinator aborted the step: drop whatever of it is here, or comes later.
    public void Abort(long stepId)
    {
        _failedEarly.Remove(stepId);
        _ending.Remove(stepId);
        Forget(stepId);
    }

    // Every worker has answered the step: the buffers this one lent for it are its own again.
    public void End(long stepId)
    {
        if (_ending.Remove(stepId, out var step)) step.Finish();
    }

    // Forgets the step and drops whatever of it arrives later.
    public void Forget(long stepId)
    {
        if (_running.Remove(stepId, out var step)) step.Abandon();
        if (!_forgotten.Add(stepId)) return;
        _forgottenOrder.Enqueue(stepId);
        if (_forgottenOrder.Count > remembered) _forgotten.Remove(_forgottenOrder.Dequeue());
    }

    private void AwaitEnd(WorkerStep step)
    {
        _ending[step.StepId] = step;
        _endingOrder.Enqueue(step.StepId);
        while (_endingOrder.Count > rememberedEnds) _ending.Remove(_endingOrder.Dequeue());
    }
}
