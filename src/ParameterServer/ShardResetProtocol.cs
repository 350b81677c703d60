using MessagePack;

namespace ActorGraph.ParameterServer;

// Session.Reset: the shard drops every variable and hash table it holds (TensorFlow 1's container reset). Its store's
// checkpoints stay; a shard on a store anchors the empty state there, so a restart does not bring the old values back.
[MessagePackObject]
public sealed record ResetShard : IShardCommand;

[MessagePackObject]
public sealed record ShardReset([property: Key(0)] int Task) : IShardReply;
