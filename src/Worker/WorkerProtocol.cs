using ActorGraph.Messaging.Channel;
using ActorGraph.Messaging;
using ActorGraph.Wire;
using MessagePack;

namespace ActorGraph.Worker;

// The coordinator's conversation with a worker: register a plan's partition once, then run it
// per step. Replies go to the sender of RunPartition (the step's gatherer) and carry the step id.
public interface IWorkerCommand : IActorGraphMessage;

public interface IWorkerReply : IActorGraphMessage
{
    long StepId { get; }
}

// A worker's share of one plan: its stages in run order. Actor paths (not refs) keep the
// contract plain data; the worker resolves them once here.
[MessagePackObject]
public sealed record RegisterPartition(
    [property: Key(0)] long PlanId,
    [property: Key(1)] PartitionStage[] Stages,
    [property: Key(2)] string[] Variables,
    [property: Key(3)] int[] VariableShards,
    [property: Key(4)] int[][] Reads,
    [property: Key(5)] string[] ShardPaths,
    [property: Key(6)] string[] WorkerPaths,
    [property: Key(7)] int FeedCount,
    [property: Key(8)] bool KeepsUpdateOutputs,
    [property: Key(9)] int Task) : IWorkerCommand, IBulkMessage;

// One piece of a partition that can run as a whole once its feeds, reads and receives are in.
// LateReads: variables read from their shards once the receives are in (reads ordered after a write applied there).
// AppliesUpdates: the step's updates so far reach the shards before the stage's tensors leave.
// Lookups: Gathers of a variable's rows that the variable's shard serves (LookupRows) once the stage has run.
[MessagePackObject]
public sealed record PartitionStage(
    [property: Key(0)] OperationDef[] Ops,
    [property: Key(1)] string[] Roots,
    [property: Key(2)] StageFeed[] Feeds,
    [property: Key(3)] StageRecv[] Recvs,
    [property: Key(4)] StageSend[] Sends,
    [property: Key(5)] StageFetch[] Fetches,
    [property: Key(6)] string[]? LateReads = null,
    [property: Key(7)] bool AppliesUpdates = false,
    [property: Key(8)] StageLookup[]? Lookups = null);

// A Gather along axis 0 of Table's value: the stage computes Ids, the table's shard returns their rows, which arrive
// on Edges (as a TensorsSent's values would) and are the client's fetches at Fetches (indices in the step's fetch list).
// Hash: Table is a hash table part, and the lookup creates the rows it misses. IdsUnique: the ids come from a
// partition op that already keeps each id once (EmbeddingPartition, HashPartition), so the worker sends them as they are.
[MessagePackObject]
public sealed record StageLookup(
    [property: Key(0)] string Ids,
    [property: Key(1)] string Table,
    [property: Key(2)] int[] Edges,
    [property: Key(3)] int[]? Fetches = null,
    [property: Key(4)] HashTables.HashTableSpec? Hash = null,
    [property: Key(5)] bool IdsUnique = false);

// A client feed: the tensor whose value it is inside the stage, and its index in RunPartition.Feeds.
[MessagePackObject]
public sealed record StageFeed([property: Key(0)] string Tensor, [property: Key(1)] int Slot);

// An edge from another stage: its _Recv's tensor ("" for a control edge) and the edge's id in TensorsSent.
[MessagePackObject]
public sealed record StageRecv([property: Key(0)] string Tensor, [property: Key(1)] int Edge);

// An edge to another stage: the tensor sent ("" for a control edge), the edge's id, and the worker that
// receives it (an index into RegisterPartition.WorkerPaths).
[MessagePackObject]
public sealed record StageSend([property: Key(0)] string Tensor, [property: Key(1)] int Edge, [property: Key(2)] int Worker);

// A client fetch computed by the stage: the tensor, and its index in the step's fetch list.
[MessagePackObject]
public sealed record StageFetch([property: Key(0)] string Tensor, [property: Key(1)] int Index);

// Feeds in the order of the partition's feed slots. The coordinator asks each shard to push
// this step's reads to the worker (ReadVariables with the worker as sender) at the same time.
// Replicas > 1: one replica of a synchronous data-parallel step, whose slice is Weight of the batch:
// its updates carry both, for the shards to average. AnswerTo: the path of the client waiting for the step
// (a session on another node), which shards may then tell themselves that its updates are applied.
// DatasetShards > 1: replica DatasetShard of a data-parallel step, whose iterators read their share of each dataset.
[MessagePackObject]
public sealed record RunPartition(
    [property: Key(0)] long StepId,
    [property: Key(1)] long PlanId,
    [property: Key(2)] NDArray[] Feeds,
    [property: Key(3)] int Replicas = 0,
    [property: Key(4)] double Weight = 1,
    [property: Key(5)] string? AnswerTo = null,
    [property: Key(6)] int DatasetShards = 0,
    [property: Key(7)] int DatasetShard = 0) : IWorkerCommand, IStableTensors;

// A simulated fault: the worker stops answering for this long (a slow machine, a long GC pause).
[MessagePackObject]
public sealed record StallWorker([property: Key(0)] int Milliseconds) : IWorkerCommand;

// The worker's own timer: a RunPartition has waited this long for its plan's registration.
[MessagePackObject]
public sealed record RegistrationOverdue([property: Key(0)] long PlanId) : IActorGraphMessage;

// The coordinator will not run these plans again.
[MessagePackObject]
public sealed record ForgetPartitions([property: Key(0)] long[] PlanIds) : IWorkerCommand;

// Drop whatever the worker holds of the step, and anything of it that arrives later.
[MessagePackObject]
public sealed record AbortStep([property: Key(0)] long StepId) : IWorkerCommand;

// Every worker has answered the step: the buffers this one lent to other workers for it are its own again.
[MessagePackObject]
public sealed record EndStep([property: Key(0)] long StepId) : IWorkerCommand;

// AwaitsEnd: the worker lent kernel buffers to other workers (TensorsSent) and reuses them only after EndStep.
// ShardAcks: the worker answered once its updates were sent; as many shards tell the gatherer (UpdatesApplied,
// or ShardRequestFailed) that they applied them, and the step succeeds only then.
// PrintedAt: the UTC ticks at which each line of Printed was finished (PrintLog), to merge the workers' lines.
[MessagePackObject]
public sealed record PartitionSucceeded(
    [property: Key(0)] long StepId,
    [property: Key(1)] int[] FetchIndices,
    [property: Key(2)] NDArray?[] Values,
    [property: Key(3)] string? Printed,
    [property: Key(4)] bool AwaitsEnd = false,
    [property: Key(5)] int ShardAcks = 0,
    [property: Key(6)] long[]? PrintedAt = null) : IWorkerReply, IBulkMessage;

[MessagePackObject]
public sealed record PartitionFailed(
    [property: Key(0)] long StepId,
    [property: Key(1)] string ErrorCode,
    [property: Key(2)] string Message,
    [property: Key(3)] string? Printed,
    [property: Key(4)] long[]? PrintedAt = null) : IWorkerReply;
