using ActorGraph.Messaging.Channel;
using ActorGraph.ParameterServer;
using ActorGraph.Wire;
using Akka.Actor;

namespace ActorGraph.Worker;

// A step's messages go to its WorkerStep; the actor sends what the step asks for, and WorkerSteps keeps or drops it.
public sealed partial class WorkerActor
{
    private void Handle(RunPartition m)
    {
        if (_steps.TakeEarlyFailure(m.StepId) is { } failure)
        {
            Sender.Tell(new PartitionFailed(m.StepId, failure.Code, failure.Message, null));
            return;
        }
        if (_steps.IsForgotten(m.StepId)) return;
        if (!_programs.TryGetValue(m.PlanId, out var program) && !_brokenPrograms.ContainsKey(m.PlanId) && !_waitedFor.Contains(m.PlanId))
        {
            AwaitRegistration(m);
            return;
        }
        if (program is null)
        {
            var why = _brokenPrograms.GetValueOrDefault(m.PlanId) ?? $"{Name} has no partition registered for plan {m.PlanId} (did it restart?)";
            Sender.Tell(new PartitionFailed(m.StepId, _brokenPrograms.ContainsKey(m.PlanId) ? ErrorCodes.Internal : ErrorCodes.Aborted, why, null));
            _steps.Forget(m.StepId);
            Flush();
            return;
        }
        var step = _steps.For(m.StepId);
        step.Start(program, m, Sender);
        Drive(step);
    }

    private void Handle(VariablesRead m)
    {
        if (_steps.IsForgotten(m.StepId))
        {
            if (m.Lent) Sender.Tell(new ReleaseReads(m.StepId));
            return;
        }
        var step = _steps.For(m.StepId);
        step.OnVariablesRead(Sender, m);
        Drive(step);
    }

    private void Handle(TensorsSent m)
    {
        if (_steps.IsForgotten(m.StepId)) return;
        var step = _steps.For(m.StepId);
        step.OnTensorsReceived(m);
        Drive(step);
    }

    private void Handle(RowsLookedUp m)
    {
        if (_steps.IsForgotten(m.StepId)) return;
        var step = _steps.For(m.StepId);
        step.OnRowsLookedUp(m);
        Drive(step);
    }

    private void Handle(UpdatesApplied m)
    {
        if (_steps.Running(m.StepId) is not { } step) return;
        step.OnUpdatesApplied(Sender, m.Values);
        // Updates applied mid-step let the step go on.
        Drive(step);
    }

    private void Handle(ShardRequestFailed m)
    {
        if (_steps.IsForgotten(m.StepId)) return;
        var step = _steps.For(m.StepId);
        step.Fail(m.ErrorCode, m.Message);
        Settle(step);
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
        _steps.Settle(step);
        Flush();
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

    // The worker as its steps see it: the tensor channel's view of where peers are, and the other steps.
    private sealed class Surroundings(WorkerActor worker) : IStepSurroundings
    {
        public IActorRef Self => worker.Self;
        public string WorkerName => worker.Name;
        public bool IsInProcess(IActorRef actor) => worker._bulk.IsInProcess(actor);
        public bool SerializesNow(IActorRef actor) => worker._bulk.SerializesNow(actor);
        public string FullPath(IActorRef actor) => actor.Path.ToSerializationFormatWithAddress(DefaultAddress);
        public bool OthersRunStages(WorkerStep step) => worker._steps.OthersRunStages(step);
        public Execution.IteratorStore Iterators => worker._iterators;

        private static Address DefaultAddress => ((ExtendedActorSystem)Context.System).Provider.DefaultAddress;
    }
}
