using ActorGraph.Coordinator;
using ActorGraph.Execution;
using ActorGraph.ParameterServer.Persistence;
using Akka.Actor;

namespace ActorGraph;

// Cluster mode's part in checkpoints. The client writes and reads its own store (SessionOptions.
// CheckpointStore), as in local mode: the store's password never crosses the cluster, and any ps node
// serves, persistent or not. The session's steps are held meanwhile (Session.WhileStepsHeld), so the
// copy is a consistent cut of this session's training; other clients' steps are not held (as TF1's
// Saver does not hold other workers). Values travel in batches that each fit one message.
internal sealed partial class ClusterRuntime : ICheckpointRuntime
{
    // Below the tensor channel's and remoting's frame limit (ClusterConfig.FrameBytes) with room to spare.
    private const long BatchBytes = 16L << 20;

    public ActorSystem CheckpointSystem => _system;

    public Task<CheckpointManifest> SaveAsync(Checkpoints store, string job, long step, string? name, IReadOnlyList<Variable> variables, bool requireAll, int keep,
        IteratorPosition[] iterators)
    {
        var id = Checkpoints.NewId(step);
        PlaceOnCoordinator(variables);
        var byTask = new SortedDictionary<int, List<SnapshotVariable>>();
        // Variables in batches; each hash table part on its own, copied by the shard that holds it (none for a part no step reached).
        var requests = Batches(variables, v => v.Shape.Size < 0 ? BatchBytes : v.Shape.Size * v.DType.SizeInBytes()).Select(b => b.Select(v => v.VariableName).ToArray())
            .Concat(_graph.HashEmbeddings.SelectMany(t => t).Select(part => new[] { part.Op.Name }));
        foreach (var names in requests)
        {
            var copied = AskSession(new CopyVariables(id, step, names)) switch
            {
                VariablesCopied ok => ok,
                var other => throw CoordinatorAnswers.Failure(other, $"checkpoint {id}"),
            };
            foreach (var snapshot in copied.Snapshots)
            {
                if (!byTask.TryGetValue(snapshot.Task, out var list)) byTask[snapshot.Task] = list = [];
                list.AddRange(snapshot.Variables);
            }
        }
        if (requireAll)
        {
            var held = byTask.Values.SelectMany(l => l).Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
            if (variables.Select(v => v.VariableName).Order(StringComparer.Ordinal).FirstOrDefault(n => !held.Contains(n)) is { } missing)
                throw new FailedPreconditionException($"Attempting to use uninitialized value {missing}: no parameter server holds it, so checkpoint {id} was not recorded.");
        }
        var snapshots = byTask.Select(t => new ShardSnapshot(t.Key, id, step, [.. t.Value.OrderBy(v => v.Name, StringComparer.Ordinal)])).ToArray();
        return store.SaveSnapshotsAsync(id, snapshots, job, step, name, keep, iterators);
    }

    public IteratorPosition[] IteratorPositions() => CoordinatorAnswers.IteratorPositions(AskSession(new CopyIteratorPositions()));

    public void RestoreIteratorPositions(IteratorPosition[] positions) =>
        CoordinatorAnswers.IteratorsRestored(AskSession(new RestoreIteratorPositions(positions)));

    public async Task RestoreAsync(Checkpoints store, CheckpointManifest manifest, IReadOnlyList<Variable> variables)
    {
        var values = await store.LoadMatchingAsync(manifest, CheckpointVariables.Expected(variables));
        await RestoreValuesAsync(manifest, variables, values);
    }

    public Task RestoreValuesAsync(CheckpointManifest manifest, IReadOnlyList<Variable> variables, IReadOnlyDictionary<string, NDArray> values)
    {
        PlaceOnCoordinator(variables);
        // Every value is checked before the first batch leaves; a shard that fails a later batch leaves the
        // earlier ones restored, which the error says.
        int done = 0;
        foreach (var batch in Batches(variables, v => values[v.VariableName].Bytes.Length))
        {
            var names = batch.Select(v => v.VariableName).ToArray();
            var reply = AskSession(new RestoreVariables(manifest.Id, manifest.Step, names, [.. names.Select(n => values[n])]));
            if (reply is not VariablesRestored)
                throw CoordinatorAnswers.Failure(reply, $"restoring checkpoint {manifest.Id}",
                    done > 0 ? $" ({done} of {variables.Count} variables were restored before this batch failed.)" : "");
            done += names.Length;
        }
        return Task.CompletedTask;
    }

    public Task RestoreHashTablesAsync(CheckpointManifest manifest, IReadOnlyList<HashTables.HashPartContents> parts)
    {
        PlaceOnCoordinator([]);
        // One message per part: the coordinator sends each to the shard that holds the part now.
        foreach (var part in parts)
        {
            var entries = HashTables.HashPartEntries.Encode(part).ToArray();
            var reply = AskSession(new RestoreVariables(manifest.Id, manifest.Step, [.. entries.Select(e => e.Key)], [.. entries.Select(e => e.Value)]));
            if (reply is not VariablesRestored)
                throw CoordinatorAnswers.Failure(reply, $"restoring hash table part {part.Spec.PartName} from checkpoint {manifest.Id}", "");
        }
        return Task.CompletedTask;
    }

    // The coordinator learns the variables and hash table parts (an Explain carries the ops it lacks) and places them.
    private void PlaceOnCoordinator(IReadOnlyList<Variable> variables)
    {
        Fetch[] fetches = [.. variables.Select(v => (Fetch)v), .. _graph.HashEmbeddings.SelectMany(t => t).Select(part => (Fetch)part.Op)];
        if (fetches.Length > 0) Explain(fetches, []);
    }

    private static IEnumerable<List<Variable>> Batches(IReadOnlyList<Variable> variables, Func<Variable, long> bytesOf)
    {
        var batch = new List<Variable>();
        long bytes = 0;
        foreach (var v in variables)
        {
            long size = bytesOf(v);
            if (batch.Count > 0 && bytes + size > BatchBytes)
            {
                yield return batch;
                batch = [];
                bytes = 0;
            }
            batch.Add(v);
            bytes += size;
        }
        if (batch.Count > 0) yield return batch;
    }
}
