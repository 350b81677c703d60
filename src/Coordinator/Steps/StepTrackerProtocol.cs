using ActorGraph.Messaging;
using MessagePack;
using Akka.Actor;

namespace ActorGraph.Coordinator.Steps;

// From the coordinator to its step tracker, before any worker hears of the step. Never leaves the process.
internal sealed record TrackStep(PendingStep Step) : INoSerializationVerificationNeeded;

// From the coordinator to its step tracker: a worker joined the cluster at this task (a ref that may have
// stopped before, if its node came back at the same address). Never leaves the process.
internal sealed record WorkerJoined(IActorRef Worker) : INoSerializationVerificationNeeded;

// A data-parallel step actor's own timer: the step has run out of time.
[MessagePackObject]
public sealed record StepDeadlinePassed([property: Key(0)] long StepId) : IActorGraphMessage;

// A data-parallel step's backup time has passed: slow replicas are left out.
[MessagePackObject]
public sealed record BackupTimePassed([property: Key(0)] long StepId) : IActorGraphMessage;

// ...and the replicas still out after a second backup time are not waited for any longer.
[MessagePackObject]
public sealed record BackupGraceOver([property: Key(0)] long StepId) : IActorGraphMessage;

// From its coordinator: a worker's node left the cluster (or cannot be reached); a step waiting on it fails.
[MessagePackObject]
public sealed record WorkerLeft([property: Key(0)] int Task) : IActorGraphMessage;

// From its coordinator: a parameter server's node left; every step in flight may be waiting on it.
[MessagePackObject]
public sealed record ShardLeft([property: Key(0)] int Shard, [property: Key(1)] string Reason) : IActorGraphMessage;
