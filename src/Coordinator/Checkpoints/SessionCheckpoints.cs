using System.Diagnostics;
using ActorGraph.ParameterServer.Persistence;

namespace ActorGraph;

// A session's side of checkpoints: its store (opened on first use), the cut (steps held while the
// runtime saves or restores), and automatic checkpoints every N steps and/or T of time.
internal sealed class SessionCheckpoints(Session session)
{
    private readonly SessionOptions _options = session.Options;
    private readonly Lock _gate = new();
    private readonly Stopwatch _sinceAuto = Stopwatch.StartNew();
    private Checkpoints? _store;
    private long _autoStep;
    private int _autoRunning;

    // The store is probed and its tables created the first time a checkpoint needs it.
    private Checkpoints Store
    {
        get
        {
            lock (_gate)
                return _store ??= new Checkpoints(session.CheckpointRuntime.CheckpointSystem, CheckpointStore.Parse(_options.CheckpointStore), _options.CheckpointTimeout);
        }
    }

    public string Save(IReadOnlyList<Variable> variables, string? name)
    {
        var store = Store;
        var runtime = session.CheckpointRuntime;
        var manifest = session.WhileStepsHeld(step =>
            Wait(runtime.SaveAsync(store, session.CheckpointJob, step, name, variables, requireAll: true, _options.CheckpointsToKeep, runtime.IteratorPositions())));
        return manifest.Id;
    }

    // withHashTables: the graph's hash tables are restored too (a Saver of every variable).
    public void Restore(IReadOnlyList<Variable> variables, string key, bool withHashTables)
    {
        var store = Store;
        var manifest = store.Catalog.Find(key)
            ?? throw new NotFoundException($"No checkpoint '{key}' in {store.Store.Description}.");
        var runtime = session.CheckpointRuntime;
        var repartitioned = PartitionedRestore.Repartitioned(session.Graph, manifest, variables);
        var hashTables = withHashTables ? session.Graph.HashEmbeddings : [];
        session.WhileStepsHeld(_ =>
        {
            Wait(Done(repartitioned.Count == 0 && hashTables.Count == 0
                ? runtime.RestoreAsync(store, manifest, variables)
                : RestoreLoadedAsync(store, manifest, variables, repartitioned, hashTables)));
            // A checkpoint that recorded no iterators (written before any ran, or by an older version) leaves them as they are.
            if (manifest.Iterators is { } iterators) runtime.RestoreIteratorPositions(iterators);
            return 0;
        });
    }

    // The variables saved as they are go back as they are; each repartitioned table is put together from its saved
    // parts and cut into the graph's; hash tables are re-hashed onto the graph's parts. Every value is loaded and
    // checked before the first one changes.
    private async Task RestoreLoadedAsync(Checkpoints store, CheckpointManifest manifest, IReadOnlyList<Variable> variables,
        IReadOnlyList<PartitionedVariable> repartitioned, IReadOnlyList<HashEmbedding> hashTables)
    {
        var cut = repartitioned.SelectMany(whole => whole).ToHashSet();
        var direct = variables.Where(v => !cut.Contains(v)).ToList();
        var loaded = await store.LoadMatchingAsync(manifest, CheckpointVariables.Expected(direct));
        var values = direct.ToDictionary(v => v.VariableName, v => loaded[v.VariableName], StringComparer.Ordinal);
        foreach (var whole in repartitioned)
            foreach (var (name, value) in PartitionedRestore.Cut(manifest, whole, loaded))
                values[name] = value;
        var hashParts = HashTableRestore.PartsFor(manifest, hashTables, loaded);
        await session.CheckpointRuntime.RestoreValuesAsync(manifest, [.. direct, .. cut], values);
        if (hashParts.Count > 0) await session.CheckpointRuntime.RestoreHashTablesAsync(manifest, hashParts);
    }

    public string? Latest() => Store.Catalog.Latest()?.Id;

    public IReadOnlyList<CheckpointInfo> List() =>
        [.. Store.Catalog.List().Select(m => new CheckpointInfo(m.Id, m.Name, m.Step, m.Time, m.Shards.Length, [.. m.Variables.Select(v => v.Name)]))];

    // After each step: one automatic checkpoint at a time, of every variable set so far, once a threshold passes.
    public void AfterStep(long step)
    {
        bool due = (_options.CheckpointEverySteps > 0 && step - Interlocked.Read(ref _autoStep) >= _options.CheckpointEverySteps)
                   || (_options.CheckpointEvery is { } every && _sinceAuto.Elapsed >= every);
        if (!due || Interlocked.Exchange(ref _autoRunning, 1) == 1) return;
        try
        {
            // Every variable of the graph; ones never set are left out (an automatic checkpoint must not fail a step).
            var store = Store;
            var manifest = session.WhileStepsHeld(cut =>
                Wait(session.CheckpointRuntime.SaveAsync(store, session.CheckpointJob, cut, "auto", session.Graph.Variables, requireAll: false, _options.CheckpointsToKeep,
                    session.CheckpointRuntime.IteratorPositions())));
            Interlocked.Exchange(ref _autoStep, manifest.Step);
            _sinceAuto.Restart();
        }
        finally
        {
            Interlocked.Exchange(ref _autoRunning, 0);
        }
    }

    private static async Task<int> Done(Task task)
    {
        await task;
        return 0;
    }

    private T Wait<T>(Task<T> task)
    {
        try
        {
            return task.WaitAsync(_options.CheckpointTimeout + TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
        }
        catch (TimeoutException)
        {
            throw new DeadlineExceededException($"A checkpoint did not finish within {_options.CheckpointTimeout.TotalSeconds:0} s.");
        }
    }
}
