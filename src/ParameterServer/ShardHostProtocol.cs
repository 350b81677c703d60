using ActorGraph.Messaging;
using MessagePack;

namespace ActorGraph.ParameterServer;

// The coordinator singleton's conversation with a ps node's shard host: which shards (ps tasks)
// the node holds. A shard moves to another node when its node leaves the cluster.
public interface IShardHostCommand : IActorGraphMessage;

public interface IShardHostReply : IActorGraphMessage;

// Start (or keep) the shard of this ps task here; answered with ShardsHosted.
[MessagePackObject]
public sealed record HostShard([property: Key(0)] int Task) : IShardHostCommand;

[MessagePackObject]
public sealed record ListShards : IShardHostCommand;

// Tasks in ascending order, each with the path of its shard actor and the variables it holds.
[MessagePackObject]
public sealed record ShardsHosted(
    [property: Key(0)] int[] Tasks,
    [property: Key(1)] string[] Paths,
    [property: Key(2)] string[][] Variables) : IShardHostReply;
