using ActorGraph.Coordinator;
using ActorGraph.Execution;
using ActorGraph.ParameterServer;
using ActorGraph.ParameterServer.Persistence;
using Akka.Actor;

namespace ActorGraph;

// Local mode's part in checkpoints: every shard snapshots (on the store it lives on, or straight into
// the checkpoint store), and a restore goes to the shard the coordinator places each variable on now,
// whatever the number of shards that wrote the checkpoint.
internal sealed partial class LocalRuntime : ICheckpointRuntime
{
    public ActorSystem CheckpointSystem => _system;

    public Task<CheckpointManifest> SaveAsync(Checkpoints store, string job, long step, string? name, IReadOnlyList<Variable> variables, bool requireAll, int keep,
        IteratorPosition[] iterators) =>
        store.SaveAsync(Actors!.ParameterServers, job, step, name, [.. variables.Select(v => v.VariableName)], keep, requireAll, iterators);

    public IteratorPosition[] IteratorPositions() => CoordinatorAnswers.IteratorPositions(Ask(_ => new CopyIteratorPositions()));

    public void RestoreIteratorPositions(IteratorPosition[] positions) =>
        CoordinatorAnswers.IteratorsRestored(Ask(_ => new RestoreIteratorPositions(positions)));

    public Task RestoreAsync(Checkpoints store, CheckpointManifest manifest, IReadOnlyList<Variable> variables)
    {
        var owners = ShardsOf(variables);
        return store.RestoreAsync(Actors!.ParameterServers, manifest, CheckpointVariables.Expected(variables), name => owners[name]);
    }

    public async Task RestoreValuesAsync(CheckpointManifest manifest, IReadOnlyList<Variable> variables, IReadOnlyDictionary<string, NDArray> values)
    {
        var owners = ShardsOf(variables);
        var perShard = variables.GroupBy(v => owners[v.VariableName]);
        var replies = await Task.WhenAll(perShard.Select(group => Actors!.ParameterServers[group.Key].Ask<object>(
            new RestoreShard(manifest.Id, manifest.Step, group.ToDictionary(v => v.VariableName, v => values[v.VariableName], StringComparer.Ordinal)),
            _replyTimeout)));
        foreach (var reply in replies)
            if (reply is not ShardRestored)
                throw reply is ShardRequestFailed failed ? failed.ToException()
                    : new InternalException($"A parameter server answered {reply.GetType().Name} while restoring checkpoint {manifest.Id}.");
    }

    // Each part to the shard the coordinator places it on, as its arrays: the shard puts it in place of the part it holds.
    public async Task RestoreHashTablesAsync(CheckpointManifest manifest, IReadOnlyList<HashTables.HashPartContents> parts)
    {
        var owners = ShardsOf([.. parts.Select(p => _graph.GetOperation(p.Spec.PartName))]);
        var replies = await Task.WhenAll(parts.GroupBy(p => owners[p.Spec.PartName]).Select(group => Actors!.ParameterServers[group.Key].Ask<object>(
            new RestoreShard(manifest.Id, manifest.Step, group.SelectMany(HashTables.HashPartEntries.Encode).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal)),
            _replyTimeout)));
        foreach (var reply in replies)
            if (reply is not ShardRestored)
                throw reply is ShardRequestFailed failed ? failed.ToException()
                    : new InternalException($"A parameter server answered {reply.GetType().Name} while restoring checkpoint {manifest.Id}.");
    }

    private Dictionary<string, int> ShardsOf(IReadOnlyList<Variable> variables) => ShardsOf([.. variables.Select(v => v.Op)]);

    // The coordinator's placement, from an Explain of the variables or hash table parts (which also sends it any ops it lacks).
    private Dictionary<string, int> ShardsOf(IReadOnlyList<Operation> ops)
    {
        if (ops.Count == 0) return [];
        var plan = Explain([.. ops.Select(o => (Fetch)o)], []);
        var owners = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var op in ops)
        {
            var device = plan.Placement.GetValueOrDefault(op.Name)
                ?? throw new InternalException($"The coordinator placed no parameter server for {op.Name}.");
            if (!DeviceSpec.TryParse(device, out var job, out var task) || job != "ps")
                throw new InternalException($"{op.Name} is placed on {device}, not on a ps task.");
            owners[op.Name] = task;
        }
        return owners;
    }
}
