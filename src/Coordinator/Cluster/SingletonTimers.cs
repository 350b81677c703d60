using ActorGraph.Messaging;
using MessagePack;

namespace ActorGraph.Coordinator.Cluster;

// The coordinator singleton's own timers.

// Members seen at start have had their chance to prove themselves: sessions may open.
[MessagePackObject]
public sealed record StartupWindowPassed : IActorGraphMessage;

// This node was asked to prove the cluster's secret long enough ago: it is not one of ours.
[MessagePackObject]
public sealed record ProofOverdue([property: Key(0)] string Address) : IActorGraphMessage;
