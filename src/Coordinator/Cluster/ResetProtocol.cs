using ActorGraph.Messaging;
using MessagePack;

namespace ActorGraph.Coordinator.Cluster;

// Session.Reset: a client asks the coordinator singleton to empty every shard of the cluster. Proof: the cluster
// secret's HMAC over ClientAddress, as GetClusterStatus's.
[MessagePackObject]
public sealed record ResetCluster([property: Key(0)] string ClientAddress, [property: Key(1)] byte[] Proof) : IActorGraphMessage;

// Shards: the ps tasks emptied.
[MessagePackObject]
public sealed record ClusterResetSucceeded([property: Key(0)] int[] Shards) : IActorGraphMessage;

// Code: an ErrorCodes name (FailedPrecondition while a Run is in flight).
[MessagePackObject]
public sealed record ClusterResetFailed([property: Key(0)] string Code, [property: Key(1)] string Reason) : IActorGraphMessage;

// The singleton asks each session's coordinator, which adds its replicated steps and asks its step tracker for the rest.
[MessagePackObject]
public sealed record CountStepsInFlight([property: Key(0)] int Besides = 0) : IActorGraphMessage;

[MessagePackObject]
public sealed record StepsInFlight([property: Key(0)] int Steps) : IActorGraphMessage;
