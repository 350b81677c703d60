using ActorGraph.Messaging;
using MessagePack;

namespace ActorGraph.Coordinator;

// The coordinator singleton's conversation with the coordinators of its sessions (its children).

// Who serves now, by task: WorkerPaths[t] is /job:worker/task:t ("" = none), ShardPaths[s] the actor
// of /job:ps/task:s ("" = its node left and the shard is not hosted anywhere yet).
[MessagePackObject]
public sealed record MembershipChanged(
    [property: Key(0)] string[] WorkerPaths,
    [property: Key(1)] string[] ShardPaths) : IActorGraphMessage;

// A session placed new variables: later sessions (and a later singleton) keep them there.
[MessagePackObject]
public sealed record VariablesPlaced(
    [property: Key(0)] string[] Names,
    [property: Key(1)] int[] Shards) : IActorGraphMessage;
