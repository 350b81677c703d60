using ActorGraph.Messaging;
using MessagePack;

namespace ActorGraph.Coordinator.Cluster;

// The coordinator singleton's check of every node that joins: the node's /user/node answers the
// nonce with its proof of the cluster's secret; a wrong proof (or none) gets the node downed.
[MessagePackObject]
public sealed record ProveNode([property: Key(0)] byte[] Nonce) : IActorGraphMessage;

// RoleActor: the full path (with uid) of the node's worker or shard host, "" for a coordinator node;
// a ref resolved from it is equal to the sender of that actor's replies.
[MessagePackObject]
public sealed record NodeProved(
    [property: Key(0)] byte[] Nonce,
    [property: Key(1)] byte[] Proof,
    [property: Key(2)] string RoleActor) : IActorGraphMessage;
