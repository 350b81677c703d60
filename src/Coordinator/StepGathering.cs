using ActorGraph.ParameterServer;
using ActorGraph.Wire;
using ActorGraph.Worker;
using Akka.Actor;

namespace ActorGraph.Coordinator;

// What one step is waiting for, and the one answer it gives; the StepGatherer holds one per step in flight.
internal sealed class StepGathering
{
    private readonly Dictionary<IActorRef, int> _pending = [];
    private readonly NDArray?[] _values;
    // Shards' UpdatesApplied still to come for workers that answered before them (PartitionSucceeded.ShardAcks);
    // below zero while acknowledgements overtake their worker's answer.
    private int _acks;
    private List<string>? _printed;

    public StepGathering(long stepId, IActorRef client, (int Task, IActorRef Worker)[] workers, int fetchCount, TimeSpan timeout)
    {
        StepId = stepId;
        Client = client;
        Workers = workers;
        Timeout = timeout;
        _values = new NDArray?[fetchCount];
        foreach (var (task, worker) in workers) _pending[worker] = task;
    }

    public long StepId { get; }
    public IActorRef Client { get; }
    public (int Task, IActorRef Worker)[] Workers { get; }
    public TimeSpan Timeout { get; }
    public int FetchCount => _values.Length;
    public long StartedAt { get; } = Environment.TickCount64;
    public bool IsOverdue(long now) => now - StartedAt >= (long)Timeout.TotalMilliseconds;
    public bool Waits(IActorRef worker) => _pending.ContainsKey(worker);

    // Workers that lent buffers to others for this step: told EndStep once the step succeeded.
    public List<IActorRef>? AwaitingEnd { get; private set; }

    // The answer once every worker has answered; null while some have not.
    public StepSucceeded? Succeeded(IActorRef worker, PartitionSucceeded m)
    {
        if (!_pending.Remove(worker)) return null;
        if (m.AwaitsEnd) (AwaitingEnd ??= []).Add(worker);
        for (int i = 0; i < m.FetchIndices.Length; i++) _values[m.FetchIndices[i]] = m.Values[i];
        Keep(m.Printed);
        _acks += m.ShardAcks;
        return Done();
    }

    public StepSucceeded? Acknowledged()
    {
        _acks--;
        return Done();
    }

    private StepSucceeded? Done() => _pending.Count == 0 && _acks == 0 ? new StepSucceeded(StepId, _values, Printed()) : null;

    public StepFailed ShardFailed(ShardRequestFailed m) => Failure(m.ErrorCode, m.Message);

    public StepFailed? Failed(IActorRef worker, PartitionFailed m)
    {
        if (!_pending.Remove(worker)) return null;
        Keep(m.Printed);
        return Failure(m.ErrorCode, m.Message);
    }

    public StepFailed? Stopped(IActorRef worker) =>
        _pending.TryGetValue(worker, out int task)
            ? Failure(ErrorCodes.Unavailable, $"Step {StepId} failed: worker {Placement.WorkerDevice(task)} stopped while running it " +
                $"({worker.Path}). The next run is planned over the workers that are left.")
            : null;

    public StepFailed? Left(int task) =>
        _pending.FirstOrDefault(p => p.Value == task) is { Key: { } worker } ? Stopped(worker) : null;

    public StepFailed Unavailable(string reason) => Failure(ErrorCodes.Unavailable, $"Step {StepId} failed: {reason}");

    public StepFailed Overdue() => Failure(ErrorCodes.DeadlineExceeded,
        $"Step {StepId} exceeded its deadline of {Timeout.TotalSeconds:0.###} s: no answer from " +
        $"{string.Join(", ", _pending.Values.Order().Select(Placement.WorkerDevice))}.");

    private StepFailed Failure(string code, string message) => new(StepId, code, message, Printed());

    // In the order the workers answered, which is the order their Prints ran where one feeds another.
    private void Keep(string? printed)
    {
        if (printed is not null) (_printed ??= []).Add(printed);
    }

    private string? Printed() => _printed is null ? null : string.Concat(_printed);
}
