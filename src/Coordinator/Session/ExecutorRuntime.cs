using ActorGraph.Execution;

namespace ActorGraph;

// The executor alone, in this process, with variables in a local store: the reference the
// actor runtime is compared against, and the benchmarks' baseline.
internal sealed class ExecutorRuntime(Graph graph, SessionOptions options) : ISessionRuntime
{
    private readonly Executor _executor = new(graph);

    public Executor Executor => _executor;
    private readonly StepContext _step = new(new LocalVariableStore(), options.PrintOutput ?? Console.Error);

    public RuntimeActors? Actors => null;

    public NDArray?[] Run(IReadOnlyList<Fetch> fetches, IReadOnlyList<KeyValuePair<Tensor, NDArray>> fed) =>
        _executor.GetPlan(fetches, fed).Run(fed, _step);

    public ExecutionPlan Explain(IReadOnlyList<Fetch> fetches, IReadOnlyList<Tensor> feeds)
    {
        var fed = feeds.Select(t => new KeyValuePair<Tensor, NDArray>(t, null!)).ToArray();
        var plan = _executor.GetPlan(fetches, fed);
        var names = plan.Operations.Select(o => o.Name).ToArray();
        var placement = plan.Operations.ToDictionary(o => o.Name, o => o.Def.IsVariable ? "/job:ps/task:0" : "/job:worker/task:0");
        return new ExecutionPlan(names, placement);
    }

    public void Dispose() { }
}
