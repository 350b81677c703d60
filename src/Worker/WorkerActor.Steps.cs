using ActorGraph.Channel;
using ActorGraph.ParameterServer;
using ActorGraph.Wire;
using Akka.Actor;

namespace ActorGraph.Worker;

// A step's messages go to its WorkerStep; the actor sends what the step asks for, and keeps or drops the step.
public sealed partial class WorkerActor
{
    private void Handle(RunPartition m)
    {
        if (_failedEarly.Remove(m.StepId, out var failure))
        {
            Sender.Tell(new PartitionFailed(m.StepId, failure.Code, failure.Message, null));
            return;
        }
        if (_aborted.Contains(m.StepId)) return;
        if (!_programs.TryGetValue(m.PlanId, out var program) && !_brokenPrograms.ContainsKey(m.PlanId) && !_waitedFor.Contains(m.PlanId))
        {
            AwaitRegistration(m);
            return;
        }
        if (program is null)
        {
            var why = _brokenPrograms.GetValueOrDefault(m.PlanId) ?? $"{Name} has no partition registered for plan {m.PlanId} (did it restart?)";
            Sender.Tell(new PartitionFailed(m.StepId, _brokenPrograms.ContainsKey(m.PlanId) ? ErrorCodes.Internal : ErrorCodes.Aborted, why, null));
            Forget(m.StepId);
            Flush();
            return;
        }
        var step = StepFor(m.StepId);
        step.Start(program, m, Sender);
        Drive(step);
    }

    private void Handle(VariablesRead m)
    {
        if (_aborted.Contains(m.StepId))
        {
            if (m.Lent) Sender.Tell(new ReleaseReads(m.StepId));
            return;
        }
        var step = StepFor(m.StepId);
        step.OnVariablesRead(Sender, m);
        Drive(step);
    }

    private void Handle(TensorsSent m)
    {
        if (_aborted.Contains(m.StepId)) return;
        var step = StepFor(m.StepId);
        step.OnTensorsReceived(m);
        Drive(step);
    }

    private void Handle(UpdatesApplied m)
    {
        if (!_steps.TryGetValue(m.StepId, out var step)) return;
        step.OnUpdatesApplied(Sender, m.Values);
        Settle(step);
    }

    private void Handle(ShardRequestFailed m)
    {
        if (_aborted.Contains(m.StepId)) return;
        var step = StepFor(m.StepId);
        step.Fail(m.ErrorCode, m.Message);
        Settle(step);
    }

    private void Handle(AbortStep m)
    {
        _failedEarly.Remove(m.StepId);
        _ending.Remove(m.StepId);
        Forget(m.StepId);
        Flush();
    }

    // Sends what the step asks for after each piece of its progress, so that a stage's tensors leave before the
    // next stage runs, and the updates before the replays on held copies.
    private void Drive(WorkerStep step)
    {
        Flush();
        while (step.Advance()) Flush();
        Settle(step);
    }

    private void Settle(WorkerStep step)
    {
        Flush();
        switch (step.Outcome)
        {
            case StepOutcome.Succeeded:
                _steps.Remove(step.StepId);
                if (step.LentTensors) AwaitEnd(step);
                else step.Finish();
                break;
            case StepOutcome.Failed:
                Forget(step.StepId);
                // Kept for the RunPartition still to come, which is answered with it.
                if (step.EarlyFailure is { } failure) _failedEarly[step.StepId] = failure;
                Flush();
                break;
        }
    }

    private void Flush()
    {
        try
        {
            for (int i = 0; i < _outbox.Count; i++)
            {
                var (to, message) = _outbox[i];
                if (message is IBulkMessage bulk) _bulk.Tell(to, bulk, Self);
                else to.Tell(message, Self);
            }
        }
        finally
        {
            _outbox.Clear();
        }
    }

    private WorkerStep StepFor(long stepId)
    {
        if (!_steps.TryGetValue(stepId, out var step)) _steps[stepId] = step = new WorkerStep(stepId, _held, _surroundings, _outbox);
        return step;
    }

    // Forgets the step and drops whatever of it arrives later.
    private void Forget(long stepId)
    {
        if (_steps.Remove(stepId, out var step)) step.Abandon();
        if (!_aborted.Add(stepId)) return;
        _abortOrder.Enqueue(stepId);
        if (_abortOrder.Count > RememberedAborts) _aborted.Remove(_abortOrder.Dequeue());
    }

    // The worker as its steps see it: the tensor channel's view of where peers are, and the other steps.
    private sealed class Surroundings(WorkerActor worker) : IStepSurroundings
    {
        public IActorRef Self => worker.Self;
        public string WorkerName => worker.Name;
        public bool IsInProcess(IActorRef actor) => worker._bulk.IsInProcess(actor);
        public bool SerializesNow(IActorRef actor) => worker._bulk.SerializesNow(actor);
        public string FullPath(IActorRef actor) => actor.Path.ToSerializationFormatWithAddress(worker.DefaultAddress);

        public bool OthersRunStages(WorkerStep step)
        {
            foreach (var other in worker._steps.Values)
                if (other != step && other.MayRunStages) return true;
            return false;
        }
    }
}
