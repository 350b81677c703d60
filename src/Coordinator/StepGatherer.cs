using ActorGraph.Wire;
using ActorGraph.Worker;
using Akka.Actor;

namespace ActorGraph.Coordinator;

// One step's gathering: watches its workers, waits for each one's reply, answers the client once
// and stops. Any failure (a worker's error, a worker that stops, the deadline) aborts the whole
// step on every worker; what arrives after that goes to dead letters with this actor.
public sealed class StepGatherer : ReceiveActor, IWithTimers
{
    private readonly long _stepId;
    private readonly IActorRef _client;
    private readonly Dictionary<IActorRef, int> _pending = [];
    private readonly (int Task, IActorRef Worker)[] _workers;
    private readonly NDArray?[] _values;
    private readonly SortedDictionary<int, string> _printed = [];
    private readonly TimeSpan _timeout;

    public StepGatherer(long stepId, IActorRef client, (int Task, IActorRef Worker)[] workers, int fetchCount, TimeSpan timeout)
    {
        _stepId = stepId;
        _client = client;
        _workers = workers;
        _values = new NDArray?[fetchCount];
        _timeout = timeout;
        foreach (var (task, worker) in workers) _pending[worker] = task;
        Receive<PartitionSucceeded>(m => m.StepId == _stepId, Handle);
        Receive<PartitionFailed>(m => m.StepId == _stepId, Handle);
        Receive<Terminated>(Handle);
        Receive<StepDeadlinePassed>(_ => Abort(ErrorCodes.DeadlineExceeded,
            $"Step {_stepId} exceeded its deadline of {_timeout.TotalSeconds:0.###} s: no answer from {Names(_pending.Values)}."));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(long stepId, IActorRef client, (int Task, IActorRef Worker)[] workers, int fetchCount, TimeSpan timeout) =>
        Akka.Actor.Props.Create(() => new StepGatherer(stepId, client, workers, fetchCount, timeout));

    protected override void PreStart()
    {
        foreach (var (_, worker) in _workers) Context.Watch(worker);
        Timers.StartSingleTimer("deadline", new StepDeadlinePassed(_stepId), _timeout);
    }

    private void Handle(PartitionSucceeded m)
    {
        if (!_pending.Remove(Sender, out int task)) return;
        for (int i = 0; i < m.FetchIndices.Length; i++) _values[m.FetchIndices[i]] = m.Values[i];
        if (m.Printed is not null) _printed[task] = m.Printed;
        if (_pending.Count > 0) return;
        _client.Tell(new StepSucceeded(_stepId, _values, Printed()));
        Context.Stop(Self);
    }

    private void Handle(PartitionFailed m)
    {
        if (!_pending.Remove(Sender, out int task)) return;
        if (m.Printed is not null) _printed[task] = m.Printed;
        Abort(m.ErrorCode, m.Message);
    }

    private void Handle(Terminated t)
    {
        if (!_pending.TryGetValue(t.ActorRef, out int task)) return;
        Abort(ErrorCodes.Unavailable, $"Step {_stepId} failed: worker {WorkerName(task)} stopped while running it ({t.ActorRef.Path}). " +
            "The next run is planned over the workers that are left.");
    }

    private void Abort(string code, string message)
    {
        foreach (var (_, worker) in _workers) worker.Tell(new AbortStep(_stepId));
        _client.Tell(new StepFailed(_stepId, code, message, Printed()));
        Context.Stop(Self);
    }

    private string? Printed() => _printed.Count == 0 ? null : string.Concat(_printed.Values);

    private static string WorkerName(int task) => Placement.WorkerDevice(task);

    private static string Names(IEnumerable<int> tasks) => string.Join(", ", tasks.Order().Select(WorkerName));
}
