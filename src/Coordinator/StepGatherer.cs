using ActorGraph.Worker;
using Akka.Actor;

namespace ActorGraph.Coordinator;

// The gathering of one step that runs on several workers: watches them, waits for each one's
// reply, answers the client once and stops. Any failure (a worker's error, a worker that stops,
// the deadline) aborts the step on every worker; what arrives later goes to dead letters.
internal sealed class StepGatherer : ReceiveActor, IWithTimers
{
    private readonly StepGathering _step;

    public StepGatherer(StepGathering step)
    {
        _step = step;
        Receive<PartitionSucceeded>(m => m.StepId == _step.StepId, m => Answer(_step.Succeeded(Sender, m), abort: false));
        Receive<PartitionFailed>(m => m.StepId == _step.StepId, m => Answer(_step.Failed(Sender, m), abort: true));
        Receive<Terminated>(t => Answer(_step.Stopped(t.ActorRef), abort: true));
        Receive<StepDeadlinePassed>(_ => Answer(_step.Overdue(), abort: true));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(StepGathering step) => Akka.Actor.Props.Create(() => new StepGatherer(step));

    protected override void PreStart()
    {
        foreach (var (_, worker) in _step.Workers) Context.Watch(worker);
        Timers.StartSingleTimer("deadline", new StepDeadlinePassed(_step.StepId), _step.Timeout);
    }

    private void Answer(ICoordinatorReply? reply, bool abort)
    {
        if (reply is null) return;
        if (abort)
            foreach (var (_, worker) in _step.Workers) worker.Tell(new AbortStep(_step.StepId));
        _step.Client.Tell(reply);
        Context.Stop(Self);
    }
}
