using ActorGraph.Messaging.Channel;
using ActorGraph.Messaging;
using ActorGraph.Wire;
using MessagePack;

namespace ActorGraph.Coordinator;

// A session's conversation with its coordinator. Each request carries the ops the coordinator
// does not have yet (an extend: FromVersion is the graph version its first op takes); fetches are
// tensor names ("add:0") or "^name" for an operation run for its effect.
public interface ICoordinatorCommand : IActorGraphMessage;

public interface ICoordinatorReply : IActorGraphMessage;

[MessagePackObject]
public sealed record RunStep(
    [property: Key(0)] int FromVersion,
    [property: Key(1)] OperationDef[] Extend,
    [property: Key(2)] string[] Fetches,
    [property: Key(3)] string[] Feeds,
    [property: Key(4)] NDArray[] FeedValues) : ICoordinatorCommand, IStableTensors;

[MessagePackObject]
public sealed record ExplainStep(
    [property: Key(0)] int FromVersion,
    [property: Key(1)] OperationDef[] Extend,
    [property: Key(2)] string[] Fetches,
    [property: Key(3)] string[] Feeds) : ICoordinatorCommand;

// One value per fetch; null for an operation, and for a fetch the client fed (it answers those itself).
// Warning: what the session should say about the step (a data-parallel replica left out). ShardAcks: the
// step is done once as many UpdatesApplied have reached the client from its shards, unless a StepFailed
// comes first (the step tracker answered before the shards applied the updates: UpdateRouting.AckAlso).
[MessagePackObject]
public sealed record StepSucceeded(
    [property: Key(0)] long StepId,
    [property: Key(1)] NDArray?[] Values,
    [property: Key(2)] string? Printed,
    [property: Key(3)] string? Warning = null,
    [property: Key(4)] int ShardAcks = 0) : ICoordinatorReply, IStableTensors;

// ErrorCode is a TensorFlow status name (ErrorCodes); Printed holds the Print lines that ran before the failure.
[MessagePackObject]
public sealed record StepFailed(
    [property: Key(0)] long StepId,
    [property: Key(1)] string ErrorCode,
    [property: Key(2)] string Message,
    [property: Key(3)] string? Printed) : ICoordinatorReply;

[MessagePackObject]
public sealed record StepExplained(
    [property: Key(0)] string[] Operations,
    [property: Key(1)] Dictionary<string, string> Placement) : ICoordinatorReply;

// The step tracker's own timer: fail the steps that are past their deadline.
[MessagePackObject]
public sealed record SweepStepDeadlines : IActorGraphMessage;

// Cluster checkpoints. The client holds its session's steps and writes its own store; through its
// coordinator it gets copies of the variables (one snapshot per shard that holds any) and sends a
// restore's values to the shards that own each variable now. Failures answer StepFailed.
[MessagePackObject]
public sealed record CopyVariables(
    [property: Key(0)] string CheckpointId,
    [property: Key(1)] long GlobalStep,
    [property: Key(2)] string[] Names) : ICoordinatorCommand;

[MessagePackObject]
public sealed record VariablesCopied([property: Key(0)] ParameterServer.Persistence.ShardSnapshot[] Snapshots) : ICoordinatorReply, IBulkMessage;

[MessagePackObject]
public sealed record RestoreVariables(
    [property: Key(0)] string CheckpointId,
    [property: Key(1)] long GlobalStep,
    [property: Key(2)] string[] Names,
    [property: Key(3)] NDArray[] Values) : ICoordinatorCommand, IBulkMessage;

[MessagePackObject]
public sealed record VariablesRestored([property: Key(0)] string CheckpointId) : ICoordinatorReply;
