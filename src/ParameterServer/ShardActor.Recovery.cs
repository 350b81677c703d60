using ActorGraph.ParameterServer.Persistence;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace ActorGraph.ParameterServer;

// Recovery: the latest snapshot, then the journal after it. A restarted shard says where it came back to.
// In checkpoint durability the shard picks its snapshot itself (ShardActor.CountedSnapshot.cs).
public sealed partial class ShardActor
{
    private string? _restartReason;

    private void Recovering()
    {
        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is not ShardSnapshot snapshot)
                throw new DataLossException($"{Where(offer.Metadata)} is a {offer.Snapshot?.GetType().Name ?? "null"}, not a shard snapshot.");
            Install(offer.Metadata, snapshot);
        });
        Recover<UpdateApplied>(e =>
        {
            _state = _state.Apply(e);
            _progress.RecoveredUpdate(e.StepId);
        });
        // A marker whose snapshot was never written: the state it marks is the one already recovered.
        Recover<SnapshotMarked>(Marked);
        Recover<RecoveryCompleted>(_ =>
        {
            if (ChoosesItsSnapshot) LoadCountedSnapshot();
            Recovered();
            RemoveLeftoverChunks(PersistenceId, _persistence.SnapshotPluginId);
        });
    }

    private string Where(SnapshotMetadata metadata) =>
        $"Snapshot {metadata.SequenceNr} of parameter server {_state.Device} (persistence id {PersistenceId})";

    private void Install(SnapshotMetadata metadata, ShardSnapshot snapshot)
    {
        var chunks = StorePlugins.StoreOf(_persistence.SnapshotPluginId) is { } store
            ? new ChunkSource(new ChunkTable(store), metadata.PersistenceId, metadata.SequenceNr)
            : null;
        _state = new ShardState(_task, snapshot.ToVariables(Where(metadata), chunks), restarted: false);
        _progress.RecoveredSnapshot(snapshot.GlobalStep, snapshot.CheckpointId);
    }

    private void Recovered()
    {
        if (_restartReason is not { } reason) return;
        var returnedTo = _progress.ReturnedTo(_persistence.Durability);
        _state = _progress.RecoveredAny ? ShardState.Recovered(_task, _state.Contents(), returnedTo) : ShardState.Lost(_task);
        if (_progress.RecoveredAny)
            _log.Warning("Parameter server {0} restarted after {1} and returned to {2}", _state.Device, reason, returnedTo);
        else
            _log.Warning("Parameter server {0} restarted after {1}; it had no checkpoint, so its variables are uninitialized", _state.Device, reason);
        Context.System.EventStream.Publish(new ShardRestarted(_task, reason, _progress.RecoveredToStep, _progress.RecoveredCheckpoint, PersistenceId));
    }

    protected override void PostRestart(Exception reason)
    {
        _restartReason = reason.Message;
        base.PostRestart(reason);
    }

    // An unreadable snapshot or journal: nothing half-restored; say which shard and why, then stop.
    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        _log.Error(reason, "Parameter server {0} could not recover (persistence id {1}): {2}", _state.Device, PersistenceId, reason.Message);
        Context.System.EventStream.Publish(new ShardStoreFailed(_task, PersistenceId, reason.Message));
        base.OnRecoveryFailure(reason, message);
    }
}
