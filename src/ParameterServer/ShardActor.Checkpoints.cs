using ActorGraph.ParameterServer.Persistence;
using ActorGraph.Wire;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace ActorGraph.ParameterServer;

// Snapshots on request: a checkpoint's, or the anchor after a restore. Answered on SaveSnapshotSuccess only.
public sealed partial class ShardActor
{
    // Reply: what to answer once stored, when not the usual ShardRestored or ShardCheckpointSaved.
    private sealed record PendingSave(IActorRef ReplyTo, string CheckpointId, VariableInfo[] Variables, bool Restore, string PluginId = "", IShardReply? Reply = null);

    private sealed record SnapshotKey(string PersistenceId, long SequenceNr, string PluginId);

    // A snapshot's large variables are in the store (or failed to get there): the snapshot row goes next.
    private sealed record ChunksWritten(SnapshotKey Key, long Lease, ShardSnapshot? Snapshot, Exception? Failure);

    private readonly Dictionary<(string PersistenceId, long SequenceNr), PendingSave> _pendingSaves = [];

    // Leases of the arrays a chunk writer reads take negative step numbers, apart from every step's.
    private long _lastSnapshotLease;

    private void Checkpoints()
    {
        Command<SaveShardCheckpoint>(Handle);
        Command<RestoreShard>(Handle);
        Command<CopyShardVariables>(Handle);
        Command<ChunksWritten>(Handle);
        Command<SaveSnapshotSuccess>(Handle);
        Command<SaveSnapshotFailure>(Handle);
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(f => _log.Warning("Parameter server {0} could not trim its journal: {1}", _state.Device, f.Cause.Message));
        Leftovers();
        Resets();
    }

    private void Handle(SaveShardCheckpoint command)
    {
        var pending = new PendingSave(Sender, command.CheckpointId, Describe(), Restore: false);
        if (!_persistence.IsVolatile && command.SnapshotPluginId == _persistence.SnapshotPluginId)
        {
            SnapshotAfterMarker(new SnapshotMarked(command.CheckpointId, command.GlobalStep, Restore: false), pending);
            return;
        }
        // A shard that does not live on this store writes there under the checkpoint's own id.
        StoreSnapshot($"actorgraph/checkpoint/{command.CheckpointId}/ps-{_task}", 1, command.SnapshotPluginId, command.GlobalStep, pending);
    }

    private VariableInfo[] Describe() =>
        [.. _state.Variables.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => new VariableInfo(v.Key, v.Value.DType, v.Value.Shape.Span.ToArray(), _task))];

    // Copied between two commands, like a snapshot: the cut is the same. A hash table part named is copied as its entries.
    private void Handle(CopyShardVariables command)
    {
        var wanted = (command.Names ?? []).ToHashSet(StringComparer.Ordinal);
        var variables = _state.Variables.Where(v => wanted.Contains(v.Key)).OrderBy(v => v.Key, StringComparer.Ordinal)
            .Select(v => SnapshotVariable.Of(v.Key, v.Value))
            .Concat(_state.HashTables.Where(p => wanted.Contains(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal)
                .SelectMany(p => HashTables.HashPartEntries.Encode(p.Value.Contents())).Select(e => SnapshotVariable.Of(e.Key, e.Value))).ToArray();
        Reply(Sender, new ShardVariablesCopied(new ShardSnapshot(_task, command.CheckpointId, command.GlobalStep, variables)));
    }

    private void Handle(RestoreShard command)
    {
        _state = _state.Restore(command.Variables);
        _versions.AllWritten();
        _progress.Restored(command.GlobalStep);
        var pending = new PendingSave(Sender, command.CheckpointId, [], Restore: true);
        if (_persistence.IsVolatile)
        {
            Sender.Tell(new ShardRestored(command.CheckpointId, _task));
            return;
        }
        SnapshotAfterMarker(new SnapshotMarked(command.CheckpointId, command.GlobalStep, Restore: true), pending);
    }

    // A sequence number of its own for every snapshot, so a new one never overwrites an older checkpoint's row.
    private void SnapshotAfterMarker(SnapshotMarked marker, PendingSave pending) =>
        Persist(marker, _ => StoreSnapshot(PersistenceId, LastSequenceNr, _persistence.SnapshotPluginId, marker.GlobalStep, pending));

    // This is the shard's side of the consistent cut: the variables as they are now. Small ones are copied here; large
    // ones are lent to a writer off the actor (an update meanwhile moves its variable to a copy, ReadLeases) and go to
    // the store's chunk table; the snapshot row is stored after them and holds their checksums.
    private void StoreSnapshot(string persistenceId, long sequenceNr, string pluginId, long globalStep, PendingSave pending)
    {
        var table = StorePlugins.StoreOf(pluginId) is { } store ? new ChunkTable(store) : null;
        var large = table is null ? [] : _state.Variables.Where(v => ChunkTable.Chunked(v.Value)).ToList();
        var small = _state.Variables.Where(v => table is null || !ChunkTable.Chunked(v.Value)).Select(v => SnapshotVariable.Of(v.Key, v.Value)).ToList();
        // Hash table parts are copied out (their rows move as they grow), so their large arrays need no lease.
        var hash = _state.HashTableEntries().ToList();
        var hashLarge = table is null ? [] : hash.Where(v => ChunkTable.Chunked(v.Value)).ToList();
        small.AddRange(hash.Where(v => table is null || !ChunkTable.Chunked(v.Value)).Select(v => SnapshotVariable.Of(v.Key, v.Value)));
        if (!pending.Restore)
            pending = pending with { Variables = [.. pending.Variables.Concat(hash.Select(v => new VariableInfo(v.Key, v.Value.DType, v.Value.Shape.Span.ToArray(), _task))).OrderBy(v => v.Name, StringComparer.Ordinal)] };
        var key = new SnapshotKey(persistenceId, sequenceNr, pluginId);
        _pendingSaves[(persistenceId, sequenceNr)] = pending with { PluginId = pluginId };
        Writing[(persistenceId, sequenceNr)] = true;
        if (large.Count == 0 && hashLarge.Count == 0)
        {
            Handle(new ChunksWritten(key, 0, Snapshot(small, pending.CheckpointId, globalStep), null));
            return;
        }
        long lease = --_lastSnapshotLease;
        foreach (var (_, value) in large) _leases.Lend(Self, lease, value);
        Task.Run(() => Snapshot([.. small, .. large.Concat(hashLarge).Select(v => SnapshotVariable.Chunked(table!, persistenceId, sequenceNr, v.Key, v.Value))], pending.CheckpointId, globalStep))
            .ContinueWith(t => new ChunksWritten(key, lease, t.IsCompletedSuccessfully ? t.Result : null, t.Exception?.GetBaseException()), TaskScheduler.Default)
            .PipeTo(Self);
    }

    private ShardSnapshot Snapshot(IEnumerable<SnapshotVariable> variables, string checkpointId, long globalStep) =>
        new(_task, checkpointId, globalStep, [.. variables.OrderBy(v => v.Name, StringComparer.Ordinal)]);

    private void Handle(ChunksWritten written)
    {
        if (written.Lease != 0) _leases.Release(Self, written.Lease);
        var (persistenceId, sequenceNr, pluginId) = written.Key;
        // A save of this shard before it restarted: nobody waits for it, so its row is never written.
        if (!_pendingSaves.ContainsKey((persistenceId, sequenceNr)))
        {
            Writing.TryRemove((persistenceId, sequenceNr), out _);
            RemoveLeftoverChunks(persistenceId, pluginId);
            return;
        }
        if (written.Snapshot is { } snapshot)
        {
            Akka.Persistence.Persistence.Instance.Apply(Context.System).SnapshotStoreFor(pluginId)
                .Tell(new SaveSnapshot(new SnapshotMetadata(persistenceId, sequenceNr, DateTime.UtcNow), snapshot), Self);
            return;
        }
        Handle(new SaveSnapshotFailure(new SnapshotMetadata(persistenceId, sequenceNr, DateTime.UtcNow), written.Failure ?? new InvalidOperationException("the chunk writer stopped")));
    }

    private void Handle(SaveSnapshotSuccess success)
    {
        var key = (success.Metadata.PersistenceId, success.Metadata.SequenceNr);
        Writing.TryRemove(key, out _);
        if (!_pendingSaves.Remove(key, out var pending)) return;
        if (key.PersistenceId == PersistenceId) RemoveLeftoverChunks(PersistenceId, pending.PluginId);
        if (pending.Reply is { } reply)
            pending.ReplyTo.Tell(reply);
        else if (pending.Restore)
            pending.ReplyTo.Tell(new ShardRestored(pending.CheckpointId, _task));
        else
            pending.ReplyTo.Tell(new ShardCheckpointSaved(pending.CheckpointId, _task, key.PersistenceId, key.SequenceNr, pending.Variables));
        // The journal before our own snapshot is never replayed again.
        if (key.PersistenceId == PersistenceId && _persistence.Durability == Durability.Journal) DeleteMessages(key.SequenceNr);
    }

    private void Handle(SaveSnapshotFailure failure)
    {
        var key = (failure.Metadata.PersistenceId, failure.Metadata.SequenceNr);
        Writing.TryRemove(key, out _);
        if (!_pendingSaves.Remove(key, out var pending)) return;
        RemoveLeftoverChunks(key.PersistenceId, pending.PluginId);
        _log.Error(failure.Cause, "Parameter server {0} could not store its snapshot for checkpoint {1}", _state.Device, pending.CheckpointId);
        pending.ReplyTo.Tell(new ShardRequestFailed(0, ErrorCodes.Unavailable,
            $"Parameter server {_state.Device} could not store its snapshot for checkpoint {pending.CheckpointId}: {failure.Cause.Message}"));
    }
}
