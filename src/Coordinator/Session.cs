using ActorGraph.Execution;

namespace ActorGraph;

// Runs a graph. Thread-safe: Run may be called from several threads at once.
public sealed class Session : IDisposable
{
    private readonly Executor _executor;
    private readonly LocalVariableStore _variables = new();
    private readonly StepContext _step;
    private volatile bool _disposed;

    public Session(Graph? graph = null, SessionOptions? options = null)
    {
        Options = options ?? new SessionOptions();
        Options.Validate();
        Graph = graph ?? Graph.Default;
        _executor = new Executor(Graph);
        _step = new StepContext(_variables, Options.PrintOutput ?? Console.Error);
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
        return _executor.Run(fetches, feed, _step);
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
