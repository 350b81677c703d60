using ActorGraph.ParameterServer.Persistence;
using Akka.Actor;
using Akka.Persistence;

namespace ActorGraph.ParameterServer;

// Which snapshot a shard in checkpoint durability returns to. Its newest snapshot is not always the right one: a
// checkpoint's shards snapshot one by one and the catalog entry comes last, so a kill in between leaves some shards
// with a snapshot of a checkpoint that does not exist. Each shard returning to its own newest would mix two
// checkpoints. So a snapshot counts when its checkpoint is in the store's catalog, or when it anchors a restore
// (taken right after one, so a crash does not undo it); the shard returns to the newest that counts.
// The journal of such a shard holds only the markers, one per snapshot, so replaying it lists them all.
public sealed partial class ShardActor
{
    private readonly List<(long SequenceNr, SnapshotMarked Marker)> _markers = [];

    // Journal durability needs the newest snapshot whatever it is: the journal before it is deleted.
    private bool ChoosesItsSnapshot =>
        _persistence.Durability == Durability.Checkpoint && !_persistence.IsVolatile && StorePlugins.StoreOf(_persistence.SnapshotPluginId) is not null;

    public override Akka.Persistence.Recovery Recovery =>
        ChoosesItsSnapshot ? new Akka.Persistence.Recovery(SnapshotSelectionCriteria.None) : base.Recovery;

    private void Marked(SnapshotMarked marker)
    {
        if (ChoosesItsSnapshot) _markers.Add((LastSequenceNr, marker));
    }

    private void LoadCountedSnapshot()
    {
        var store = StorePlugins.StoreOf(_persistence.SnapshotPluginId)!;
        var catalog = new CheckpointCatalog(store);
        // A shard may start on a store before anything else has touched the catalog.
        catalog.EnsureCreated();
        var listed = catalog.List()
            .SelectMany(m => m.Shards).Where(s => s.PersistenceId == PersistenceId).Select(s => s.SequenceNr).ToHashSet();
        var snapshots = Akka.Persistence.Persistence.Instance.Apply(Context.System).SnapshotStoreFor(_persistence.SnapshotPluginId);
        foreach (var (sequenceNr, marker) in Enumerable.Reverse(_markers))
        {
            if (!marker.Restore && !listed.Contains(sequenceNr)) continue;
            var criteria = new SnapshotSelectionCriteria(sequenceNr, DateTime.MaxValue, sequenceNr, DateTime.MinValue);
            // Recovery is a blocking phase already: commands wait in the stash until it ends.
            var reply = snapshots.Ask<object>(new LoadSnapshot(PersistenceId, criteria, sequenceNr), TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
            var metadata = new SnapshotMetadata(PersistenceId, sequenceNr, DateTime.MinValue);
            switch (reply)
            {
                case LoadSnapshotResult { Snapshot: null }:
                    continue; // its marker was journaled, the snapshot never got written
                case LoadSnapshotResult { Snapshot.Snapshot: ShardSnapshot snapshot }:
                    Install(metadata, snapshot);
                    return;
                case LoadSnapshotResult { Snapshot.Snapshot: var other }:
                    throw new DataLossException($"{Where(metadata)} is a {other?.GetType().Name ?? "null"}, not a shard snapshot.");
                case LoadSnapshotFailed failed:
                    throw new DataLossException($"{Where(metadata)} is unreadable (corrupted or truncated): {failed.Cause.Message}", failed.Cause);
            }
        }
    }
}
