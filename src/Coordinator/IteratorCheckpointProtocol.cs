using ActorGraph.Execution;
using ActorGraph.Messaging;
using MessagePack;

namespace ActorGraph.Coordinator;

// A checkpoint's iterator positions, gathered from (or put back on) every worker through the coordinator,
// while the client holds its session's steps. Failures answer StepFailed.
[MessagePackObject]
public sealed record CopyIteratorPositions : ICoordinatorCommand;

[MessagePackObject]
public sealed record IteratorPositionsCopied([property: Key(0)] IteratorPosition[] Positions) : ICoordinatorReply;

[MessagePackObject]
public sealed record RestoreIteratorPositions([property: Key(0)] IteratorPosition[] Positions) : ICoordinatorCommand;

[MessagePackObject]
public sealed record IteratorPositionsRestored : ICoordinatorReply;
