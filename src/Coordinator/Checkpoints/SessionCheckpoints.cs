using System.Diagnostics;
using ActorGraph.Execution;
using ActorGraph.ParameterServer;
using ActorGraph.ParameterServer.Persistence;

namespace ActorGraph;

// A session's side of checkpoints: its store (opened on first use), its job, and automatic
// checkpoints every N steps and/or T of time. The in-process runtime holds steps with the session's
// step gate and writes its variables to the store in the same snapshot form the shards write.
internal sealed class SessionCheckpoints(Session session)
{
    private readonly SessionOptions _options = session.Options;
    private readonly Lock _gate = new();
    private readonly Stopwatch _sinceAuto = Stopwatch.StartNew();
    private Checkpoints? _checkpoints;
    private long _autoStep;
    private int _autoRunning;

    public string Job { get; } = session.Options.CheckpointJob ?? $"session-{Guid.NewGuid().ToString("N")[..12]}";

    public bool AutomaticEnabled => _options.CheckpointEverySteps > 0 || _options.CheckpointEvery is not null;

    // The store is probed and its tables created the first time a checkpoint needs it.
    private Checkpoints Store
    {
        get
        {
            lock (_gate)
                return _checkpoints ??= new Checkpoints(CheckpointSystem.Shared, CheckpointStore.Parse(_options.CheckpointStore), _options.CheckpointTimeout);
        }
    }

    public string Save(IReadOnlyList<Variable> variables, string? name, bool automatic)
    {
        var store = Store;
        var manifest = session.WhileStepsHeld(step =>
        {
            var values = new Dictionary<string, NDArray>(StringComparer.Ordinal);
            foreach (var v in variables)
            {
                if (!session.VariableStore.IsInitialized(v.Op)) throw Errors.Uninitialized(v.Op);
                values[v.VariableName] = session.VariableStore.Read(v.Op).Copy();
            }
            return Wait(store.SaveStatesAsync([new ShardState(0, values, restarted: false)], Job, step, name, _options.CheckpointsToKeep));
        });
        if (automatic) Interlocked.Exchange(ref _autoStep, manifest.Step);
        return manifest.Id;
    }

    public void Restore(IReadOnlyList<Variable> variables, string key)
    {
        var store = Store;
        var manifest = store.Catalog.Find(key)
            ?? throw new NotFoundException($"No checkpoint '{key}' in {store.Store.Description}.");
        var expected = variables.ToDictionary(v => v.VariableName, v => (v.DType, v.Shape), StringComparer.Ordinal);
        var values = Wait(store.LoadMatchingAsync(manifest, expected));
        session.WhileStepsHeld(_ =>
        {
            foreach (var v in variables)
                session.VariableStore.Update(new VariableUpdate(UpdateKind.Assign, v.Op, [], [values[v.VariableName]]));
            return 0;
        });
    }

    public string? Latest() => Store.Catalog.Latest()?.Id;

    public IReadOnlyList<CheckpointInfo> List() =>
        [.. Store.Catalog.List().Select(m => new CheckpointInfo(m.Id, m.Name, m.Step, m.Time, m.Shards.Length, [.. m.Variables.Select(v => v.Name)]))];

    // After each step: one automatic checkpoint at a time, of every variable, once a threshold passes.
    public void AfterStep(long step)
    {
        bool due = (_options.CheckpointEverySteps > 0 && step - Interlocked.Read(ref _autoStep) >= _options.CheckpointEverySteps)
                   || (_options.CheckpointEvery is { } every && _sinceAuto.Elapsed >= every);
        if (!due || Interlocked.Exchange(ref _autoRunning, 1) == 1) return;
        try
        {
            var variables = session.Graph.Variables.Where(v => session.VariableStore.IsInitialized(v.Op)).ToList();
            if (variables.Count > 0) Save(variables, "auto", automatic: true);
            _sinceAuto.Restart();
        }
        finally
        {
            Interlocked.Exchange(ref _autoRunning, 0);
        }
    }

    private T Wait<T>(Task<T> task)
    {
        try
        {
            return task.WaitAsync(_options.CheckpointTimeout + TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
        }
        catch (TimeoutException)
        {
            throw new DeadlineExceededException($"A checkpoint operation did not finish within {_options.CheckpointTimeout.TotalSeconds:0} s.");
        }
    }
}
