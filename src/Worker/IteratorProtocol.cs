using ActorGraph.Execution;
using ActorGraph.Messaging;
using MessagePack;

namespace ActorGraph.Worker;

// A checkpoint's conversation with a worker about its dataset iterators: where each stands (asked while the
// session's steps are held), and a checkpoint's positions put back. Each answers its sender.
[MessagePackObject]
public sealed record ReportIteratorPositions : IWorkerCommand;

[MessagePackObject]
public sealed record IteratorPositionsReported([property: Key(0)] IteratorPosition[] Positions) : IActorGraphMessage;

[MessagePackObject]
public sealed record RestoreIterators([property: Key(0)] IteratorPosition[] Positions) : IWorkerCommand;

[MessagePackObject]
public sealed record IteratorsRestored : IActorGraphMessage;
