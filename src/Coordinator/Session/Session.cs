using ActorGraph.Execution;

namespace ActorGraph;

// Runs a graph. Thread-safe: Run may be called from several threads at once. Feeds are checked
// here, before anything is sent, so a bad feed fails fast and changes nothing.
public sealed class Session : IDisposable
{
    private readonly ISessionRuntime _runtime;
    private readonly TrapWarnings _traps;
    // Steps run under the read side; a checkpoint's cut takes the write side: new steps wait, running ones finish.
    private readonly ReaderWriterLockSlim _stepGate = new(LockRecursionPolicy.NoRecursion);
    private SessionCheckpoints? _checkpoints;
    private long _steps;
    private volatile bool _disposed;

    public Session(Graph? graph = null, SessionOptions? options = null)
    {
        Options = options ?? new SessionOptions();
        Options.Validate();
        Graph = graph ?? Graph.Default;
        CheckpointJob = Options.CheckpointJob ?? $"session-{Guid.NewGuid().ToString("N")[..12]}";
        _runtime = Options.ExecutorOnly ? new ExecutorRuntime(Graph, Options)
            : Options.Cluster is not null ? new ClusterRuntime(Graph, Options)
            : new LocalRuntime(Graph, Options, CheckpointJob);
        _traps = new TrapWarnings(Graph, SessionLog.Warner(Options.Logger));
        if (Options.CheckpointEverySteps > 0 || Options.CheckpointEvery is not null) _checkpoints = new SessionCheckpoints(this);
    }

    public Graph Graph { get; }
    public SessionOptions Options { get; }

    // TensorFlow 1's tf.Session.reset(target): every variable and hash table on every ps of the cluster at `cluster` (a
    // node's address, as SessionOptions.Cluster) is dropped; checkpoints stay. Refused while a Run of the cluster is in flight.
    public static void Reset(string cluster, string? secret = null) =>
        Coordinator.Cluster.ClusterResetRequest.ResetAsync(cluster, secret: secret).GetAwaiter().GetResult();

    // For tests of the executor's plan cache (an executor-only session's).
    internal long ClientRequestBytes => (_runtime as ClusterRuntime)?.RequestBytes ?? 0;

    internal Execution.Executor Executor => (_runtime as ExecutorRuntime)?.Executor
        ?? throw new InvalidOperationException("Only an executor-only session (SessionOptions.ExecutorOnly) has an in-process executor.");

    // The actors of local mode, for simulations: watch them, stop them, probe them.
    public RuntimeActors Runtime => _runtime.Actors
        ?? throw new InvalidOperationException(Options.Cluster is not null
            ? "This session runs on a cluster: its actors live on the cluster's nodes, not in this process."
            : "This session runs in-process without actors (executor only); it has no runtime actors.");

    public NDArray Run(Tensor fetch, FeedDict? feed = null) => Run([fetch], feed)[0]!;

    public void Run(Operation target, FeedDict? feed = null) => Run([target], feed);

    // One value per fetch: null for an Operation.
    public NDArray?[] Run(IReadOnlyList<Fetch> fetches, FeedDict? feed = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(fetches);
        CheckGraph(fetches);
        var fed = Feeds.Validate(Graph, feed);
        _traps.Observe(fetches, fed);
        NDArray?[] values;
        _stepGate.EnterReadLock();
        try
        {
            values = _runtime.Run(fetches, fed);
        }
        catch (FailedPreconditionException e) when (Errors.WithGraphHints(Graph, e) is var taught && taught != e)
        {
            // A parameter server's error knows no graph; the hint about initializers comes from ours.
            throw taught;
        }
        finally
        {
            _stepGate.ExitReadLock();
        }
        long step = Interlocked.Increment(ref _steps);
        _checkpoints?.AfterStep(step);
        return values;
    }

    // The job whose parameter servers this session runs (SessionOptions.CheckpointJob, or one of its own).
    public string CheckpointJob { get; }

    // Parameter servers that crashed and came back during this session, and where they came back to.
    public IReadOnlyList<ParameterServerRecovery> Recoveries => (_runtime as LocalRuntime)?.Recoveries ?? [];

    internal SessionCheckpoints Checkpoints
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return LazyInitializer.EnsureInitialized(ref _checkpoints, () => new SessionCheckpoints(this));
        }
    }

    internal ICheckpointRuntime CheckpointRuntime => _runtime;

    // Runs `cut` with no step running; it gets the global step (steps completed so far).
    internal T WhileStepsHeld<T>(Func<long, T> cut)
    {
        _stepGate.EnterWriteLock();
        try
        {
            return cut(Interlocked.Read(ref _steps));
        }
        finally
        {
            _stepGate.ExitWriteLock();
        }
    }

    public ExecutionPlan Explain(IReadOnlyList<Fetch> fetches, IEnumerable<Tensor>? feeds = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(fetches);
        CheckGraph(fetches);
        var fed = (feeds ?? []).ToArray();
        foreach (var t in fed)
            if (t.Graph != Graph) throw new InvalidArgumentException($"Cannot feed Tensor '{t.Name}': it belongs to another graph than this session's.");
        var plan = ExplainFrames.Add(Graph, _runtime.Explain(fetches, fed));
        if (Graph.HashEmbeddings.Count == 0) return plan;
        return new ExecutionPlan(plan.Operations, plan.Placement, plan.Frames)
        {
            HashTables = HashTablePartInfo.Of(Graph, _runtime as ExecutorRuntime, _runtime switch
            {
                ClusterRuntime cluster => cluster.ShardStatuses(),
                { Actors: { } actors } => HashTablePartInfo.Ask(actors),
                _ => [],
            }),
        };
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _runtime.Dispose();
    }

    private void CheckGraph(IReadOnlyList<Fetch> fetches)
    {
        foreach (var f in fetches)
            if (f.Operation.Graph != Graph)
                throw new InvalidArgumentException($"Fetch argument '{f}' cannot be interpreted as a Tensor or an Operation. ({Errors.NotInGraph(f)}) Run it in a session of its own graph.");
    }
}

// What runs a session's steps: the actors of local mode, or the executor alone.
internal interface ISessionRuntime : ICheckpointRuntime, IDisposable
{
    RuntimeActors? Actors { get; }
    NDArray?[] Run(IReadOnlyList<Fetch> fetches, IReadOnlyList<KeyValuePair<Tensor, NDArray>> fed);
    ExecutionPlan Explain(IReadOnlyList<Fetch> fetches, IReadOnlyList<Tensor> feeds);
}
