using ActorGraph.Execution;
using ActorGraph.ParameterServer;
using ActorGraph.ParameterServer.Persistence;
using Akka.Actor;

namespace ActorGraph;

// The executor alone, in this process, with variables in a local store: the reference the
// actor runtime is compared against, and the benchmarks' baseline.
internal sealed class ExecutorRuntime : ISessionRuntime, ICheckpointRuntime
{
    private readonly Executor _executor;
    private readonly LocalVariableStore _variables = new();
    private readonly StepContext _step;
    private readonly HashTables.HashTableStore _hashTables = new();
    private readonly TextWriter _printOutput;
    private long _steps;

    public ExecutorRuntime(Graph graph, SessionOptions options)
    {
        _executor = new Executor(graph);
        _printOutput = options.PrintOutput ?? Console.Error;
        _step = new StepContext(_variables, _printOutput);
    }

    internal HashTables.HashTableStore HashTables => _hashTables;

    public Executor Executor => _executor;

    public RuntimeActors? Actors => null;

    public NDArray?[] Run(IReadOnlyList<Fetch> fetches, IReadOnlyList<KeyValuePair<Tensor, NDArray>> fed) =>
        _executor.GetPlan(fetches, fed).Run(fed, NextStep());

    // Each Run its own step id, as the coordinator's steps have: a hash table counts the steps that reach it.
    private StepContext NextStep() =>
        new(_variables, _printOutput, Interlocked.Increment(ref _steps), _step.Iterators) { HashTables = _hashTables };

    public ExecutionPlan Explain(IReadOnlyList<Fetch> fetches, IReadOnlyList<Tensor> feeds)
    {
        var fed = feeds.Select(t => new KeyValuePair<Tensor, NDArray>(t, null!)).ToArray();
        var plan = _executor.GetPlan(fetches, fed);
        var names = plan.Operations.Select(o => o.Name).ToArray();
        var placement = plan.Operations.ToDictionary(o => o.Name, o => o.Def.IsVariable ? "/job:ps/task:0" : "/job:worker/task:0");
        return new ExecutionPlan(names, placement);
    }

    // No actors of its own: the store plugins run in a process-wide system, and the variables are
    // written as one shard's snapshot, in the form shards write, so actor sessions restore them too.
    public ActorSystem CheckpointSystem => ActorGraph.CheckpointSystem.Shared;

    public Task<CheckpointManifest> SaveAsync(Checkpoints store, string job, long step, string? name, IReadOnlyList<Variable> variables, bool requireAll, int keep,
        IteratorPosition[] iterators)
    {
        var values = new Dictionary<string, NDArray>(StringComparer.Ordinal);
        foreach (var v in variables)
        {
            if (_variables.IsInitialized(v.Op)) values[v.VariableName] = _variables.Read(v.Op).Copy();
            else if (requireAll) throw Errors.Uninitialized(v.Op);
        }
        foreach (var part in _hashTables.Contents())
            foreach (var (entry, value) in ActorGraph.HashTables.HashPartEntries.Encode(part)) values[entry] = value;
        return store.SaveStatesAsync([new ShardState(0, values, restarted: false)], job, step, name, keep, iterators);
    }

    public IteratorPosition[] IteratorPositions() => _step.Iterators.Positions();

    public void RestoreIteratorPositions(IteratorPosition[] positions) => _step.Iterators.Restore(positions);

    public async Task RestoreAsync(Checkpoints store, CheckpointManifest manifest, IReadOnlyList<Variable> variables)
    {
        var values = await store.LoadMatchingAsync(manifest, CheckpointVariables.Expected(variables));
        await RestoreValuesAsync(manifest, variables, values);
    }

    public Task RestoreValuesAsync(CheckpointManifest manifest, IReadOnlyList<Variable> variables, IReadOnlyDictionary<string, NDArray> values)
    {
        foreach (var v in variables)
            _variables.Update(new VariableUpdate(UpdateKind.Assign, v.Op, [], [values[v.VariableName]]));
        return Task.CompletedTask;
    }

    public Task RestoreHashTablesAsync(CheckpointManifest manifest, IReadOnlyList<HashTables.HashPartContents> parts)
    {
        _hashTables.Replace(parts);
        return Task.CompletedTask;
    }

    public void Dispose() => _step.Iterators.Dispose();
}
