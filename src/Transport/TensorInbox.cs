namespace ActorGraph.Transport;

// A sink that matches arriving tensors with receives keyed by (step, edge), whichever comes first, as
// TensorFlow's rendezvous does. A receive names the peer it expects the tensor from: when that peer's
// channel ends, the receive fails with UnavailableException naming it instead of waiting forever.
// With a pool, tensors are received into its buffers; give them back with pool.Return once consumed.
public sealed class TensorInbox(TensorPool? pool = null) : ITensorSink
{
    private const int RememberedForgets = 4096;

    private readonly Lock _gate = new();
    private readonly Dictionary<(long Step, int Edge), NDArray?> _arrived = [];
    private readonly Dictionary<(long Step, int Edge), Pending> _pending = [];
    private readonly Dictionary<string, Exception> _lost = new(StringComparer.Ordinal);
    private readonly HashSet<long> _forgotten = [];
    private readonly Queue<long> _forgetOrder = new();

    private sealed record Pending(string From, TaskCompletionSource<NDArray?> Result);

    public Task<NDArray?> ReceiveAsync(long stepId, int edge, string from, CancellationToken ct = default)
    {
        var key = (stepId, edge);
        var result = new TaskCompletionSource<NDArray?>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_arrived.Remove(key, out var value)) return Task.FromResult(value);
            if (_forgotten.Contains(stepId)) return Task.FromException<NDArray?>(new AbortedException($"Step {stepId} was forgotten by this node; nothing of it is received."));
            if (_lost.TryGetValue(from, out var why)) return Task.FromException<NDArray?>(Unavailable(from, stepId, edge, why));
            if (!_pending.TryAdd(key, new Pending(from, result)))
                throw new InvalidOperationException($"Step {stepId} edge {edge} already has a pending receive.");
        }
        if (ct.CanBeCanceled)
        {
            var registration = ct.Register(() =>
            {
                lock (_gate)
                    if (_pending.TryGetValue(key, out var p) && p.Result == result) _pending.Remove(key);
                result.TrySetCanceled(ct);
            });
            result.Task.ContinueWith(_ => registration.Dispose(), TaskScheduler.Default);
        }
        return result.Task;
    }

    public void Received(Peer from, TensorFrame frame)
    {
        List<(TaskCompletionSource<NDArray?>, NDArray?)>? ready = null;
        lock (_gate)
        {
            if (_forgotten.Contains(frame.StepId))
            {
                foreach (var value in frame.Values) pool?.Return(value);
                return;
            }
            for (int i = 0; i < frame.Edges.Length; i++)
            {
                var key = (frame.StepId, frame.Edges[i]);
                if (_pending.Remove(key, out var pending)) (ready ??= []).Add((pending.Result, frame.Values[i]));
                else _arrived[key] = frame.Values[i];
            }
        }
        // Outside the lock: completions run their continuations elsewhere, but keep the lock short anyway.
        if (ready is not null) foreach (var (result, value) in ready) result.TrySetResult(value);
    }

    public NDArray? Destination(Peer from, long stepId, int edge, DType dtype, Shape shape) => pool?.Rent(dtype, shape);

    public void Connected(Peer peer)
    {
        lock (_gate) _lost.Remove(peer.Name);
    }

    // A goodbye fails the receives still waiting on that peer too: nothing more will come from it on this channel.
    public void Disconnected(Peer peer, Exception? error)
    {
        var why = error ?? new UnavailableException($"{peer} closed its tensor channel.");
        List<(Pending, long, int)> failed = [];
        lock (_gate)
        {
            _lost[peer.Name] = why;
            foreach (var (key, pending) in _pending)
                if (pending.From == peer.Name) failed.Add((pending, key.Step, key.Edge));
            foreach (var (_, step, edge) in failed) _pending.Remove((step, edge));
        }
        foreach (var (pending, step, edge) in failed) pending.Result.TrySetException(Unavailable(peer.Name, step, edge, why));
    }

    // Drops a step's tensors, fails its receives with AbortedException, and ignores what of it arrives later.
    public void Forget(long stepId)
    {
        List<TaskCompletionSource<NDArray?>> aborted = [];
        lock (_gate)
        {
            foreach (var key in _arrived.Keys.Where(k => k.Step == stepId).ToList())
                if (_arrived.Remove(key, out var dropped)) pool?.Return(dropped);
            foreach (var (key, pending) in _pending.Where(p => p.Key.Step == stepId).ToList())
            {
                _pending.Remove(key);
                aborted.Add(pending.Result);
            }
            if (_forgotten.Add(stepId))
            {
                _forgetOrder.Enqueue(stepId);
                if (_forgetOrder.Count > RememberedForgets) _forgotten.Remove(_forgetOrder.Dequeue());
            }
        }
        foreach (var result in aborted) result.TrySetException(new AbortedException($"Step {stepId} was aborted before its tensor arrived."));
    }

    public int Held
    {
        get
        {
            lock (_gate) return _arrived.Count;
        }
    }

    private static UnavailableException Unavailable(string from, long step, int edge, Exception why) =>
        new($"Step {step} edge {edge} will not arrive from {from}: {why.Message}", why);
}
