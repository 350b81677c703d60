using ActorGraph.Messaging.Channel;
using ActorGraph.ParameterServer.Persistence;
using MessagePack;

namespace ActorGraph.ParameterServer;

// Checkpoints, shard side. The checkpoint writer sends one SaveShardCheckpoint per shard once steps are
// held; a shard answers when its snapshot is stored (SaveSnapshotSuccess), never before.
// SnapshotPluginId is the store's snapshot plugin: a persistent shard on that store snapshots under its own
// persistence id; any other shard writes its snapshot there under the checkpoint's own id.
[MessagePackObject]
public sealed record SaveShardCheckpoint(
    [property: Key(0)] string CheckpointId,
    [property: Key(1)] long GlobalStep,
    [property: Key(2)] string SnapshotPluginId) : IShardCommand;

// Where the shard's snapshot is (PersistenceId, SequenceNr in the store's snapshot table) and what it holds.
[MessagePackObject]
public sealed record ShardCheckpointSaved(
    [property: Key(0)] string CheckpointId,
    [property: Key(1)] int Task,
    [property: Key(2)] string PersistenceId,
    [property: Key(3)] long SequenceNr,
    [property: Key(4)] VariableInfo[] Variables) : IShardReply;

// Sets the given variables (others stay as they are) and, on a persistent shard, snapshots at once, so a
// crash afterwards returns here rather than to what was before the restore.
[MessagePackObject]
public sealed record RestoreShard(
    [property: Key(0)] string CheckpointId,
    [property: Key(1)] long GlobalStep,
    [property: Key(2)] Dictionary<string, NDArray> Variables) : IShardCommand, IBulkMessage;

[MessagePackObject]
public sealed record ShardRestored(
    [property: Key(0)] string CheckpointId,
    [property: Key(1)] int Task) : IShardReply;

// A cluster checkpoint's copy: the writer is the client, which has the store; the shard only copies the
// named variables it holds (others are left out) and sends them, in the form a snapshot is stored in.
[MessagePackObject]
public sealed record CopyShardVariables(
    [property: Key(0)] string CheckpointId,
    [property: Key(1)] long GlobalStep,
    [property: Key(2)] string[] Names) : IShardCommand;

[MessagePackObject]
public sealed record ShardVariablesCopied([property: Key(0)] ShardSnapshot Snapshot) : IShardReply, IBulkMessage;
