using Akka.Actor;
using Akka.Persistence;

namespace ActorGraph.ParameterServer.Persistence;

// Checkpoints of a set of shards on one store: save (every shard snapshots, then the manifest is
// recorded), load (each shard's snapshot read back and checked), restore (checked against what the
// caller expects before any shard changes), prune (keep the newest N) and delete.
// Holding steps while a checkpoint is cut is the caller's part (the session's coordinator).
public sealed class Checkpoints
{
    private readonly IActorRef _snapshots;
    private readonly TimeSpan _timeout;

    public Checkpoints(ActorSystem system, CheckpointStore store, TimeSpan? timeout = null)
    {
        StoreProbe.Check(store);
        Catalog = new CheckpointCatalog(store);
        Catalog.EnsureCreated();
        Chunks = new ChunkTable(store);
        _snapshots = StorePlugins.SnapshotStore(system, store);
        _timeout = timeout ?? TimeSpan.FromSeconds(60);
        if (store.Provider == StoreProvider.PostgreSql)
        {
            // A read makes the plugin create its tables now, so they can be tuned before the first snapshot.
            AskStore(new LoadSnapshot("actorgraph/none", SnapshotSelectionCriteria.None, 0), "creating its tables").GetAwaiter().GetResult();
            Catalog.TuneSnapshotTable();
        }
    }

    public CheckpointCatalog Catalog { get; }
    public ChunkTable Chunks { get; }
    public CheckpointStore Store => Catalog.Store;

    public static string NewId(long step) => $"ckpt-{step}-{Guid.NewGuid().ToString("N")[..8]}";

    // variables: the names the checkpoint covers (null: everything the shards hold).
    public async Task<CheckpointManifest> SaveAsync(IReadOnlyList<IActorRef> shards, string job, long step, string? name = null,
        IReadOnlyCollection<string>? variables = null, int keep = 5, bool requireAll = false, Execution.IteratorPosition[]? iterators = null)
    {
        var id = NewId(step);
        var replies = await Task.WhenAll(shards.Select(s => Ask(s, new SaveShardCheckpoint(id, step, Store.SnapshotPluginId), $"saving checkpoint {id}")));
        var saved = new List<ShardCheckpointSaved>();
        foreach (var reply in replies)
            saved.Add(reply as ShardCheckpointSaved ?? throw Failure(reply, $"saving checkpoint {id}"));
        var covered = saved.SelectMany(s => s.Variables).Where(v => variables is null || variables.Contains(v.Name) || HashTables.HashPartEntries.IsEntry(v.Name)).OrderBy(v => v.Name, StringComparer.Ordinal).ToArray();
        if (requireAll && variables is not null && variables.Except(covered.Select(v => v.Name)).Order(StringComparer.Ordinal).FirstOrDefault() is { } missing)
            throw new FailedPreconditionException($"Attempting to use uninitialized value {missing}: no parameter server holds it, so checkpoint {id} was not recorded.");
        var manifest = new CheckpointManifest(id, name, step, DateTimeOffset.UtcNow, job,
            [.. saved.OrderBy(s => s.Task).Select(s => new ShardEntry(s.Task, s.PersistenceId, s.SequenceNr))], covered, iterators);
        // Recorded last: a checkpoint is listed only once every shard's snapshot is stored.
        Catalog.Record(manifest);
        if (keep > 0) await PruneAsync(keep);
        return manifest;
    }

    // For a runtime without shard actors (the in-process executor): the states are written straight to the
    // store's snapshot table, in the same form shards write, so either kind of session restores them.
    public Task<CheckpointManifest> SaveStatesAsync(IReadOnlyList<ShardState> states, string job, long step, string? name = null, int keep = 5,
        Execution.IteratorPosition[]? iterators = null)
    {
        var id = NewId(step);
        return SaveSnapshotsAsync(id, [.. states.Select(state => ShardSnapshot.Of(state, id, step))], job, step, name, keep, iterators);
    }

    // Snapshots made elsewhere (a cluster's shards copy their variables to the client that writes them), one per
    // shard, each stored under the checkpoint's own persistence id; the manifest is recorded once all are stored.
    public async Task<CheckpointManifest> SaveSnapshotsAsync(string id, IReadOnlyList<ShardSnapshot> snapshots, string job, long step, string? name = null, int keep = 5,
        Execution.IteratorPosition[]? iterators = null)
    {
        var entries = await Task.WhenAll(snapshots.Select(async snapshot =>
        {
            var persistenceId = $"actorgraph/checkpoint/{id}/ps-{snapshot.Task}";
            try
            {
                // Large variables to the chunk table first: the snapshot row, written after, holds their checksums.
                var stored = await Task.Run(() => snapshot.Chunked(Chunks, persistenceId, 1));
                var metadata = new SnapshotMetadata(persistenceId, 1, DateTime.UtcNow);
                var reply = await AskStore(new SaveSnapshot(metadata, stored), $"saving checkpoint {id}");
                if (reply is SaveSnapshotFailure f)
                    throw new UnavailableException($"Checkpoint {id}: store {Store.Description} refused the snapshot of /job:ps/task:{snapshot.Task}: {f.Cause.Message}", f.Cause);
                return (Entry: new ShardEntry(snapshot.Task, persistenceId, 1), Variables: snapshot.Describe());
            }
            catch (ActorGraphException)
            {
                await Task.Run(() => RemoveLeftovers(persistenceId));
                throw;
            }
        }));
        var manifest = new CheckpointManifest(id, name, step, DateTimeOffset.UtcNow, job,
            [.. entries.Select(e => e.Entry).OrderBy(e => e.Task)],
            [.. entries.SelectMany(e => e.Variables).OrderBy(v => v.Name, StringComparer.Ordinal)], iterators);
        Catalog.Record(manifest);
        if (keep > 0) await PruneAsync(keep);
        return manifest;
    }

    // Every variable of the checkpoint with its bytes checked, before anything is handed out.
    public async Task<Dictionary<string, NDArray>> LoadAsync(CheckpointManifest manifest)
    {
        var wanted = manifest.Variables.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        var loaded = await Task.WhenAll(manifest.Shards.Select(s => LoadShardAsync(manifest, s)));
        var result = new Dictionary<string, NDArray>(StringComparer.Ordinal);
        foreach (var shard in loaded)
            foreach (var (name, value) in shard)
                if (wanted.Contains(name)) result[name] = value;
        foreach (var v in manifest.Variables)
            if (!result.TryGetValue(v.Name, out var value))
                throw new DataLossException($"Checkpoint {manifest.Id}: variable {v.Name} is listed in its manifest but missing from the snapshot of /job:ps/task:{v.Task}.");
            else if (value.DType != v.DType || !value.Shape.Equals(new Shape(v.Shape)))
                throw new DataLossException($"Checkpoint {manifest.Id}: variable {v.Name} is stored as {value.DType.PythonName()} {value.Shape.ToBracketString()}, its manifest says {v.DType.PythonName()} [{string.Join(",", v.Shape)}].");
        return result;
    }

    private async Task<Dictionary<string, NDArray>> LoadShardAsync(CheckpointManifest manifest, ShardEntry entry)
    {
        string where = $"Checkpoint {manifest.Id}, snapshot of /job:ps/task:{entry.Task} (persistence id {entry.PersistenceId}, sequence nr {entry.SequenceNr})";
        var criteria = new SnapshotSelectionCriteria(entry.SequenceNr, DateTime.MaxValue, entry.SequenceNr, DateTime.MinValue);
        var reply = await AskStore(new LoadSnapshot(entry.PersistenceId, criteria, entry.SequenceNr), where);
        return reply switch
        {
            LoadSnapshotResult { Snapshot: null } => throw new DataLossException($"{where} is missing from store {Store.Description}."),
            LoadSnapshotResult { Snapshot.Snapshot: ShardSnapshot snapshot } =>
                await Task.Run(() => snapshot.ToVariables(where, new ChunkSource(Chunks, entry.PersistenceId, entry.SequenceNr))),
            LoadSnapshotResult { Snapshot.Snapshot: var other } => throw new DataLossException($"{where} holds a {other?.GetType().Name ?? "null"}, not a shard snapshot."),
            LoadSnapshotFailed failed => throw new DataLossException($"{where} is unreadable (corrupted or truncated): {failed.Cause.Message}", failed.Cause),
            _ => throw new InternalException($"{where}: the snapshot store answered {reply.GetType().Name}."),
        };
    }

    // expected: the variables to restore with what the graph says they are; ownerOf: the shard that now
    // holds a variable (the checkpoint may have been written with another number of shards).
    public async Task RestoreAsync(IReadOnlyList<IActorRef> shards, CheckpointManifest manifest,
        IReadOnlyDictionary<string, (DType DType, Shape Shape)> expected, Func<string, int> ownerOf)
    {
        var values = await LoadMatchingAsync(manifest, expected);
        var perShard = expected.Keys.GroupBy(ownerOf).ToDictionary(g => g.Key, g => g.ToDictionary(n => n, n => values[n], StringComparer.Ordinal));
        var replies = await Task.WhenAll(perShard.Select(p =>
            Ask(shards[p.Key], new RestoreShard(manifest.Id, manifest.Step, p.Value), $"restoring checkpoint {manifest.Id}")));
        foreach (var reply in replies)
            if (reply is not ShardRestored) throw Failure(reply, $"restoring checkpoint {manifest.Id}");
    }

    // The checkpoint's values for `expected`, each checked against the graph's name, dtype and shape
    // before any is returned: a mismatch names the variable and nothing gets restored.
    public async Task<Dictionary<string, NDArray>> LoadMatchingAsync(CheckpointManifest manifest, IReadOnlyDictionary<string, (DType DType, Shape Shape)> expected)
    {
        var values = await LoadAsync(manifest);
        foreach (var (name, (dtype, shape)) in expected.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!values.TryGetValue(name, out var value))
                throw new NotFoundException($"Key {name} not found in checkpoint {manifest.Id}: it holds {Names(values.Keys)}; nothing was restored.");
            if (value.DType != dtype)
                throw new InvalidArgumentException($"tensor_name = {name}; expected dtype {dtype.KernelName()} does not equal original dtype {value.DType.KernelName()} (checkpoint {manifest.Id}); nothing was restored.");
            if (shape.IsFullyDefined && !shape.Equals(value.Shape))
                throw new InvalidArgumentException($"tensor_name = {name}; shape in the graph {shape.ToBracketString()} does not match the shape stored in checkpoint {manifest.Id}: {value.Shape.ToBracketString()}; nothing was restored.");
        }
        return values;
    }

    public async Task PruneAsync(int keep)
    {
        var all = Catalog.List();
        foreach (var old in all.Take(Math.Max(0, all.Count - keep)))
            await DeleteAsync(old);
    }

    // The manifest first, so nobody restores a checkpoint whose snapshots are half gone.
    public async Task DeleteAsync(CheckpointManifest manifest)
    {
        Catalog.Remove(manifest.Id);
        foreach (var shard in manifest.Shards)
        {
            // One snapshot by its sequence nr (the timestamp is not matched): deleting by criteria removes every one up to the maximum.
            var reply = await AskStore(new DeleteSnapshot(new SnapshotMetadata(shard.PersistenceId, shard.SequenceNr, DateTime.MinValue)), $"deleting checkpoint {manifest.Id}");
            if (reply is DeleteSnapshotFailure f)
                throw new UnavailableException($"Checkpoint {manifest.Id}: could not delete the snapshot of /job:ps/task:{shard.Task}: {f.Cause.Message}");
            Chunks.Delete(shard.PersistenceId, shard.SequenceNr);
        }
    }

    // The chunks of a save that failed under a key only it writes; a store too broken to take the delete keeps them.
    private void RemoveLeftovers(string persistenceId)
    {
        try
        {
            LeftoverChunks.Remove(Chunks, persistenceId, new HashSet<long>(), long.MaxValue);
        }
        catch (UnavailableException)
        {
        }
    }

    private async Task<object> AskStore(object message, string doing)
    {
        try
        {
            return await _snapshots.Ask<object>(message, _timeout);
        }
        catch (AskTimeoutException)
        {
            throw new UnavailableException($"Store {Store.Description} did not answer within {_timeout.TotalSeconds:0} s while {doing}.");
        }
    }

    private async Task<object> Ask(IActorRef shard, object message, string doing)
    {
        try
        {
            return await shard.Ask<object>(message, _timeout);
        }
        catch (AskTimeoutException)
        {
            throw new UnavailableException($"Parameter server {shard.Path.Name} did not answer within {_timeout.TotalSeconds:0} s while {doing}.");
        }
    }

    private static ActorGraphException Failure(object reply, string doing) => reply switch
    {
        ShardRequestFailed f => f.ToException(),
        Status.Failure { Cause: var c } => new UnavailableException($"A parameter server failed while {doing}: {c.Message}", c),
        _ => new InternalException($"A parameter server answered {reply.GetType().Name} while {doing}."),
    };

    private static string Names(IEnumerable<string> names)
    {
        var list = names.Order(StringComparer.Ordinal).ToList();
        return list.Count == 0 ? "no variables" : string.Join(", ", list.Take(10)) + (list.Count > 10 ? $" and {list.Count - 10} more" : "");
    }
}
