using ActorGraph.ParameterServer;
using ActorGraph.Wire;
using ActorGraph.Worker;
using Akka.Actor;

namespace ActorGraph.Coordinator.Steps;

// What one step is waiting for, and the one answer it gives; the StepTracker holds one per step in flight.
internal sealed class PendingStep
{
    private readonly Dictionary<IActorRef, int> _pending = [];
    private readonly NDArray?[] _values;
    // Shards' UpdatesApplied still to come for workers that answered before them (PartitionSucceeded.ShardAcks);
    // below zero while acknowledgements overtake their worker's answer.
    private int _acks;
    // All of the step's shard acknowledgements, which a client told by the shards too counts itself (ClientAcked).
    private int _acksTotal;
    private readonly PrintedLines _printed = new();

    // clientAcked: the shards tell the client as well (RunPartition.AnswerTo), so it may be answered before them.
    public PendingStep(long stepId, IActorRef client, (int Task, IActorRef Worker)[] workers, int fetchCount, TimeSpan timeout, bool clientAcked = false)
    {
        StepId = stepId;
        Client = client;
        ClientAcked = clientAcked;
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
    public bool ClientAcked { get; }
    // The client has its StepSucceeded; the step stays pending for the acknowledgements, or a failure to tell it.
    public bool Answered { get; private set; }
    // Every worker answered and every shard acknowledged: nothing more to wait for.
    public bool Complete => _pending.Count == 0 && _acks == 0;
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
        _printed.Add(m.Printed, m.PrintedAt);
        _acks += m.ShardAcks;
        _acksTotal += m.ShardAcks;
        return Done();
    }

    public StepSucceeded? Acknowledged()
    {
        _acks--;
        return Done();
    }

    // Once: when all is in, or, for a client the shards tell too, when every worker answered.
    private StepSucceeded? Done()
    {
        if (Answered || _pending.Count > 0 || (_acks != 0 && !ClientAcked)) return null;
        Answered = _acks != 0;
        return new StepSucceeded(StepId, _values, Printed(), ShardAcks: _acks == 0 ? 0 : _acksTotal);
    }

    public StepFailed ShardFailed(ShardRequestFailed m) => Failure(m.ErrorCode, m.Message);

    public StepFailed? Failed(IActorRef worker, PartitionFailed m)
    {
        if (!_pending.Remove(worker)) return null;
        _printed.Add(m.Printed, m.PrintedAt);
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

    private string? Printed() => _printed.Text();
}
