using ActorGraph.ParameterServer.Persistence;
using Akka.Actor;

namespace ActorGraph.ParameterServer;

// Session.Reset on this shard: empty, as a restore of nothing would leave it. Copies readers hold are stale from now on.
public sealed partial class ShardActor
{
    private const string ResetAnchor = "reset";

    private void Resets() => Command<ResetShard>(Handle);

    private void Handle(ResetShard _)
    {
        _state = ShardState.Empty(_task);
        _versions.AllWritten();
        if (_persistence.IsVolatile)
        {
            Sender.Tell(new ShardReset(_task));
            return;
        }
        SnapshotAfterMarker(new SnapshotMarked(ResetAnchor, _progress.LastStep, Restore: true),
            new PendingSave(Sender, ResetAnchor, [], Restore: true, Reply: new ShardReset(_task)));
    }
}
