using ActorGraph.Execution;

namespace ActorGraph;

// Runs a graph. Thread-safe: Run may be called from several threads at once.
public sealed class Session : IDisposable
{
    private readonly Executor _executor;
    private readonly LocalVariableStore _variables = new();
    private readonly StepContext _step;
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
        _executor = new Executor(Graph);
        _step = new StepContext(_variables, Options.PrintOutput ?? Console.Error);
        if (Options.CheckpointEverySteps > 0 || Options.CheckpointEvery is not null) _checkpoints = new SessionCheckpoints(this);
    }

    public Graph Graph { get; }
    public SessionOptions Options { get; }

    // For tests of the plan cache.
    internal Executor Executor => _executor;

    public NDArray Run(Tensor fetch, FeedDict? feed = null) => Run([fetch], feed)[0]!;

    public void Run(Operation target, FeedDict? feed = null) => Run([target], feed);

    // One value per fetch: null for an Operation.
    public NDArray?[] Run(IReadOnlyList<Fetch> fetches, FeedDict? feed = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(fetches);
        NDArray?[] values;
        _stepGate.EnterReadLock();
        try
        {
            values = _executor.Run(fetches, feed, _step);
        }
        finally
        {
            _stepGate.ExitReadLock();
        }
        long step = Interlocked.Increment(ref _steps);
        _checkpoints?.AfterStep(step);
        return values;
    }

    internal SessionCheckpoints Checkpoints
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return LazyInitializer.EnsureInitialized(ref _checkpoints, () => new SessionCheckpoints(this));
        }
    }

    internal LocalVariableStore VariableStore => _variables;

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
        var fed = (feeds ?? []).Select(t => new KeyValuePair<Tensor, NDArray>(t, null!)).ToArray();
        var plan = _executor.GetPlan(fetches, fed);
        var names = plan.Operations.Select(o => o.Name).ToArray();
        var placement = plan.Operations.ToDictionary(o => o.Name, o => o.Def.IsVariable ? "/job:ps/task:0" : "/job:worker/task:0");
        return new ExecutionPlan(names, placement);
    }

    public void Dispose() => _disposed = true;
}
