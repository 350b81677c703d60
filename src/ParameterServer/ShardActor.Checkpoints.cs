using ActorGraph.ParameterServer.Persistence;
using ActorGraph.Wire;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace ActorGraph.ParameterServer;

// Snapshots on request: a checkpoint's, or the anchor after a restore. Answered on SaveSnapshotSuccess only.
public sealed partial class ShardActor
{
    private sealed record PendingSave(IActorRef ReplyTo, string CheckpointId, VariableInfo[] Variables, bool Restore);

    private readonly Dictionary<(string PersistenceId, long SequenceNr), PendingSave> _pendingSaves = [];

    private void Checkpoints()
    {
        Command<SaveShardCheckpoint>(Handle);
        Command<RestoreShard>(Handle);
        Command<CopyShardVariables>(Handle);
        Command<SaveSnapshotSuccess>(Handle);
        Command<SaveSnapshotFailure>(Handle);
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(f => _log.Warning("Parameter server {0} could not trim its journal: {1}", _state.Device, f.Cause.Message));
    }

    private void Handle(SaveShardCheckpoint command)
    {
        // The bytes are copied here, between two commands: this is the shard's side of the consistent cut.
        var snapshot = ShardSnapshot.Of(_state, command.CheckpointId, command.GlobalStep);
        var pending = new PendingSave(Sender, command.CheckpointId, [.. snapshot.Describe()], Restore: false);
        if (!_persistence.IsVolatile && command.SnapshotPluginId == _persistence.SnapshotPluginId)
        {
            SnapshotAfterMarker(new SnapshotMarked(command.CheckpointId, command.GlobalStep, Restore: false), snapshot, pending);
            return;
        }
        // A shard that does not live on this store writes there under the checkpoint's own id.
        var persistenceId = $"actorgraph/checkpoint/{command.CheckpointId}/ps-{_task}";
        _pendingSaves[(persistenceId, 1)] = pending;
        Akka.Persistence.Persistence.Instance.Apply(Context.System).SnapshotStoreFor(command.SnapshotPluginId)
            .Tell(new SaveSnapshot(new SnapshotMetadata(persistenceId, 1, DateTime.UtcNow), snapshot), Self);
    }

    // Copied between two commands, like a snapshot: the cut is the same.
    private void Handle(CopyShardVariables command)
    {
        var wanted = (command.Names ?? []).ToHashSet(StringComparer.Ordinal);
        var variables = _state.Variables.Where(v => wanted.Contains(v.Key)).OrderBy(v => v.Key, StringComparer.Ordinal)
            .Select(v => SnapshotVariable.Of(v.Key, v.Value)).ToArray();
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
        var snapshot = ShardSnapshot.Of(_state, command.CheckpointId, command.GlobalStep);
        SnapshotAfterMarker(new SnapshotMarked(command.CheckpointId, command.GlobalStep, Restore: true), snapshot, pending);
    }

    // A sequence number of its own for every snapshot, so a new one never overwrites an older checkpoint's row.
    private void SnapshotAfterMarker(SnapshotMarked marker, ShardSnapshot snapshot, PendingSave pending) =>
        Persist(marker, _ =>
        {
            _pendingSaves[(PersistenceId, LastSequenceNr)] = pending;
            SaveSnapshot(snapshot);
        });

    private void Handle(SaveSnapshotSuccess success)
    {
        var key = (success.Metadata.PersistenceId, success.Metadata.SequenceNr);
        if (!_pendingSaves.Remove(key, out var pending)) return;
        if (pending.Restore)
            pending.ReplyTo.Tell(new ShardRestored(pending.CheckpointId, _task));
        else
            pending.ReplyTo.Tell(new ShardCheckpointSaved(pending.CheckpointId, _task, key.PersistenceId, key.SequenceNr, pending.Variables));
        // The journal before our own snapshot is never replayed again.
        if (key.PersistenceId == PersistenceId && _persistence.Durability == Durability.Journal) DeleteMessages(key.SequenceNr);
    }

    private void Handle(SaveSnapshotFailure failure)
    {
        var key = (failure.Metadata.PersistenceId, failure.Metadata.SequenceNr);
        if (!_pendingSaves.Remove(key, out var pending)) return;
        _log.Error(failure.Cause, "Parameter server {0} could not store its snapshot for checkpoint {1}", _state.Device, pending.CheckpointId);
        pending.ReplyTo.Tell(new ShardRequestFailed(0, ErrorCodes.Unavailable,
            $"Parameter server {_state.Device} could not store its snapshot for checkpoint {pending.CheckpointId}: {failure.Cause.Message}"));
    }
}
