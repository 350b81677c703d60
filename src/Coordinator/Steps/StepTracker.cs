using ActorGraph.Messaging.Channel;
using ActorGraph.ParameterServer;
using ActorGraph.Worker;
using Akka.Actor;

namespace ActorGraph.Coordinator.Steps;

// Every step in flight, keyed by step id: waits for each involved worker's reply, watches
// the workers, answers each client once. Any failure (a worker's error, a worker that stops, the deadline)
// aborts the step on its workers; what arrives later finds no pending step and is dropped. One long-lived child
// of the coordinator rather than one child per step: creating, watching and stopping a child cost ~16 µs
// in-process, more than a whole seed step should.
internal sealed class StepTracker : ReceiveActor, IWithTimers
{
    private readonly TimeSpan _sweepPeriod;
    private readonly Dictionary<long, PendingStep> _steps = [];
    private readonly HashSet<IActorRef> _watched = [];
    private readonly HashSet<IActorRef> _stopped = [];
    private readonly BulkChannel _bulk = BulkChannel.Get(Context.System);

    public StepTracker(TimeSpan sweepPeriod)
    {
        _sweepPeriod = sweepPeriod;
        Receive<TrackStep>(Handle);
        Receive<PartitionSucceeded>(m => Answer(m.StepId, step => step.Succeeded(Sender, m), abort: false));
        Receive<PartitionFailed>(m => Answer(m.StepId, step => step.Failed(Sender, m), abort: true));
        // From shards, for workers that answered before their updates were applied (PartitionSucceeded.ShardAcks).
        Receive<UpdatesApplied>(m => Answer(m.StepId, step => step.Acknowledged(), abort: false));
        Receive<ShardRequestFailed>(m => Answer(m.StepId, step => step.ShardFailed(m), abort: true));
        Receive<Terminated>(Handle);
        Receive<SweepStepDeadlines>(_ => SweepDeadlines());
        // Cluster membership, from the coordinator.
        Receive<WorkerLeft>(Handle);
        Receive<ShardLeft>(m =>
        {
            foreach (var step in _steps.Values.ToArray()) Finish(step, step.Unavailable(m.Reason), abort: true);
        });
        Receive<WorkerJoined>(m => _stopped.Remove(m.Worker));
        // Answered as the session's coordinator, which the asker knows.
        Receive<Cluster.CountStepsInFlight>(m => Sender.Tell(new Cluster.StepsInFlight(_steps.Count + m.Besides), Context.Parent));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(TimeSpan stepTimeout) =>
        Akka.Actor.Props.Create(() => new StepTracker(SweepPeriod(stepTimeout)));

    // Deadlines are checked a few times per timeout, not timed one by one.
    private static TimeSpan SweepPeriod(TimeSpan timeout) =>
        TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 4, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerSecond));

    protected override void PreStart() => Timers.StartPeriodicTimer("deadlines", new SweepStepDeadlines(), _sweepPeriod);

    private void Handle(TrackStep m)
    {
        var step = m.Step;
        _steps[step.StepId] = step;
        foreach (var (_, worker) in step.Workers)
        {
            // A worker already known to have stopped sends no Terminated again.
            if (_stopped.Contains(worker) && step.Stopped(worker) is { } failed)
            {
                Finish(step, failed, abort: true);
                return;
            }
            if (_watched.Add(worker)) Context.Watch(worker);
        }
    }

    private void Handle(Terminated t)
    {
        _watched.Remove(t.ActorRef);
        _stopped.Add(t.ActorRef);
        foreach (var step in _steps.Values.Where(s => s.Waits(t.ActorRef)).ToArray())
            if (step.Stopped(t.ActorRef) is { } failed) Finish(step, failed, abort: true);
    }

    private void Handle(WorkerLeft m)
    {
        foreach (var step in _steps.Values.ToArray())
            if (step.Left(m.Task) is { } failed) Finish(step, failed, abort: true);
    }

    private void Answer(long stepId, Func<PendingStep, ICoordinatorReply?> reply, bool abort)
    {
        if (!_steps.TryGetValue(stepId, out var step)) return;
        var answer = reply(step);
        // Answered before the shards' acknowledgements (the client counts them itself): kept until they are in.
        if (answer is StepSucceeded { ShardAcks: > 0 } early) Tell(step, early);
        else if (answer is not null) Finish(step, answer, abort);
        else if (step.Answered && step.Complete) Finish(step, null, abort: false);
    }

    private void SweepDeadlines()
    {
        if (_steps.Count == 0) return;
        long now = Environment.TickCount64;
        foreach (var step in _steps.Values.Where(s => s.IsOverdue(now)).ToArray()) Finish(step, step.Overdue(), abort: true);
    }

    // reply null: the client has its answer already (PendingStep.Answered).
    private void Finish(PendingStep step, ICoordinatorReply? reply, bool abort)
    {
        _steps.Remove(step.StepId);
        if (abort)
            foreach (var (_, worker) in step.Workers) worker.Tell(new AbortStep(step.StepId));
        else
            foreach (var worker in step.AwaitingEnd ?? []) worker.Tell(new EndStep(step.StepId));
        if (reply is not null) Tell(step, reply);
    }

    // Fetched values go to a client with a tensor channel on it, like the feeds came.
    private void Tell(PendingStep step, ICoordinatorReply reply)
    {
        if (reply is IBulkMessage bulk) _bulk.Tell(step.Client, bulk, Self);
        else step.Client.Tell(reply);
    }
}
