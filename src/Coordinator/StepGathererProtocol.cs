using ActorGraph.Messaging;
using MessagePack;

namespace ActorGraph.Coordinator;

// The gatherer's own timer: the step has run out of time.
[MessagePackObject]
public sealed record StepDeadlinePassed([property: Key(0)] long StepId) : IActorGraphMessage;
