using ActorGraph.Messaging;
using MessagePack;

namespace ActorGraph.ParameterServer;

// What a shard's state is made of: journaled (in journal mode), and snapshotted as a ShardSnapshot.
public interface IShardEvent : IActorGraphMessage;

[MessagePackObject]
public sealed record UpdateApplied([property: Key(0)] long StepId, [property: Key(1)] WireUpdate Update) : IShardEvent;

// Journaled just before a snapshot, so every snapshot has a sequence number of its own and none
// overwrites an older checkpoint's. Replayed only when its snapshot never got written: then it changes nothing.
[MessagePackObject]
public sealed record SnapshotMarked(
    [property: Key(0)] string CheckpointId,
    [property: Key(1)] long GlobalStep,
    [property: Key(2)] bool Restore) : IShardEvent;
