using ActorGraph.Messaging;
using MessagePack;

namespace ActorGraph.ParameterServer;

// What a shard's state is made of: journal these (and snapshot ShardState) to persist a shard.
public interface IShardEvent : IActorGraphMessage;

[MessagePackObject]
public sealed record UpdateApplied([property: Key(0)] long StepId, [property: Key(1)] WireUpdate Update) : IShardEvent;
