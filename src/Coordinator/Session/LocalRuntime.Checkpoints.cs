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

    // The coordinator's placement, from an Explain of the variables (which also sends it any ops it lacks).
    private Dictionary<string, int> ShardsOf(IReadOnlyList<Variable> variables)
    {
        if (variables.Count == 0) return [];
        var plan = Explain([.. variables.Select(v => (Fetch)v)], []);
        var owners = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var v in variables)
        {
            var device = plan.Placement.GetValueOrDefault(v.VariableName)
                ?? throw new InternalException($"The coordinator placed no parameter server for variable {v.VariableName}.");
            if (!DeviceSpec.TryParse(device, out var job, out var task) || job != "ps")
                throw new InternalException($"Variable {v.VariableName} is placed on {device}, not on a ps task.");
            owners[v.VariableName] = task;
        }
        return owners;
    }
}
