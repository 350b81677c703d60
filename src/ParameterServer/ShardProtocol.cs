using ActorGraph.Messaging.Channel;
using ActorGraph.Execution;
using ActorGraph.HashTables;
using ActorGraph.Messaging;
using ActorGraph.Wire;
using MessagePack;

namespace ActorGraph.ParameterServer;

// The conversation with a parameter-server shard. Commands from one sender apply in the order sent.
// In-process nothing is copied: a sender gives up the arrays it sends until the shard answers, and owns the
// arrays it receives, except reads lent to it (VariablesRead.Lent), which it only reads and gives back.
public interface IShardCommand : IActorGraphMessage;

public interface IShardReply : IActorGraphMessage;

// Published on the shard's ActorSystem event stream, not sent to anyone in particular.
public interface IShardNotice : IActorGraphMessage;

// Reads for one step, batched; a null value = uninitialized (after a restart: refused with FailedPrecondition instead).
// Lend: the shard may answer with its live arrays rather than copies (a large variable's copy costs more than its use).
// Fresh: every value in full, also those the reader holds already (HeldCopies): a reader that lost its copies asks so.
// Request: 0 for the step's start; else the reader's own mid-step read (a read ordered after a write), echoed back.
[MessagePackObject]
public sealed record ReadVariables(
    [property: Key(0)] long StepId,
    [property: Key(1)] string[] Names,
    [property: Key(2)] bool Lend = false,
    [property: Key(3)] bool Fresh = false,
    [property: Key(4)] int Request = 0) : IShardCommand, IBulkMessage;

// Lent: some values are the shard's live arrays, which it leaves untouched (later updates write copies) until the
// reader is done with them: it says so with ReleaseReads, or with an ApplyUpdates of the same step.
// The reader must not write them, and copies them before they leave its step.
// Versions (to a reader on another node): the version of each value; a null value with a version is one the
// reader holds already (it came in an earlier read or a VariablesPushed), a null value with version 0 is uninitialized.
// Request: the ReadVariables.Request it answers.
[MessagePackObject]
public sealed record VariablesRead(
    [property: Key(0)] long StepId,
    [property: Key(1)] NDArray?[] Values,
    [property: Key(2)] bool Lent = false,
    [property: Key(3)] long[]? Versions = null,
    [property: Key(4)] int Request = 0) : IShardReply, IBulkMessage;

// After a reader's updates are applied: the new values of what it read that step, for it to hold until its next
// read of them (HeldCopies); that read then carries versions only, off the step's critical path. No reply.
[MessagePackObject]
public sealed record VariablesPushed(
    [property: Key(0)] string[] Names,
    [property: Key(1)] long[] Versions,
    [property: Key(2)] NDArray[] Values) : IShardReply, IBestEffort;

// After a reader's updates are applied: the updates it replayed on its held copies (ApplyUpdates.ReplayedOn) that
// the shard applied to the same version, with the version each copy now is. The values do not cross back: both
// sides ran UpdateRules on the same bits. Sent before the VariablesPushed of the same batch. No reply.
[MessagePackObject]
public sealed record UpdatesReplayed(
    [property: Key(0)] string[] Names,
    [property: Key(1)] long[] Bases,
    [property: Key(2)] long[] Versions) : IShardReply, IBulkMessage;

// The sender is done with the arrays lent to it for this step. No reply.
[MessagePackObject]
public sealed record ReleaseReads([property: Key(0)] long StepId) : IShardCommand;

// Updates for one step, batched: each applies atomically, one at a time, in order. The batch is checked
// first and refused as a whole, so a refused step changes nothing. Wanted: the updates (indices into
// Updates) whose variable's value after it comes back; null = all, [] = none. Each one is a copy of the variable.
// Routing: which step's replica the batch is and who else hears of it; null = one sender, answered alone.
// ReplayedOn (a reader on another node, one replica): per update, the version of its held copy that the sender
// applies the update to itself, 0 where it does not; the shard answers with UpdatesReplayed instead of the value.
// MidStep: writes a read on another worker is ordered after, sent before the step's end; the sender's stages still
// run, so its lent reads stay lent.
[MessagePackObject]
public sealed record ApplyUpdates(
    [property: Key(0)] long StepId,
    [property: Key(1)] WireUpdate[] Updates,
    [property: Key(2)] int[]? Wanted = null,
    [property: Key(3)] UpdateRouting? Routing = null,
    [property: Key(4)] long[]? ReplayedOn = null,
    [property: Key(5)] bool MidStep = false) : IShardCommand, IStableTensors;

// Replicas > 1: one of the replicas of a synchronous data-parallel step (Weight: its share of the batch); the shard
// applies the replicas' weighted average once all are in (or CloseReplicas says so), and answers each replica with
// the values it wants. AckTo: the path of the step tracker, which gets an UpdatesApplied (or the
// ShardRequestFailed) too, before the sender does; AckAlso: the client waiting for the step, which the step tracker
// answered already and which gets the UpdatesApplied as well (never a failure). The same for every shard of a step;
// a struct, so routing a batch allocates nothing.
[MessagePackObject]
public readonly record struct UpdateRouting(
    [property: Key(0)] int Replicas = 0,
    [property: Key(1)] double Weight = 1,
    [property: Key(2)] string? AckTo = null,
    [property: Key(3)] string? AckAlso = null)
{
    // Null when there is nothing to route: the batch's sender alone hears of it.
    public static UpdateRouting? Of(int replicas, double weight, string? ackTo, string? ackAlso) =>
        replicas <= 1 && weight == 1 && ackTo is null && ackAlso is null ? null : new(replicas, weight, ackTo, ackAlso);
}

// The step's slow replicas are left out: apply the average of the updates that have arrived
// (Apply), or drop them all (the step failed).
[MessagePackObject]
public sealed record CloseReplicas([property: Key(0)] long StepId, [property: Key(1)] bool Apply) : IShardCommand, IBulkMessage;

// The wanted variables' values, each after its own update, in the order of Wanted (of Updates when it is null).
[MessagePackObject]
public sealed record UpdatesApplied([property: Key(0)] long StepId, [property: Key(1)] NDArray[] Values) : IShardReply, IBulkMessage;

// ErrorCode is a TensorFlow status name (Wire.ErrorCodes); Message is TensorFlow's text where it has one.
[MessagePackObject]
public sealed record ShardRequestFailed(
    [property: Key(0)] long StepId,
    [property: Key(1)] string ErrorCode,
    [property: Key(2)] string Message) : IShardReply
{
    public ActorGraphException ToException() => ErrorCodes.ToException(ErrorCode, Message);
}

// Execution.VariableUpdate with names instead of Operations; the same operand and slot layout. Generator: an Assign
// whose value the shard draws itself (no operands), as GeneratedInitialValues folds an initializer.
[MessagePackObject]
public sealed record WireUpdate(
    [property: Key(0)] UpdateKind Kind,
    [property: Key(1)] string Variable,
    [property: Key(2)] string[] Slots,
    [property: Key(3)] NDArray[] Operands,
    [property: Key(4)] HashUpdate? Hash = null,
    [property: Key(5)] OperationDef? Generator = null)
{
    // Hash: set for an update of a hash table part, whose slots live in the part (Slots is empty).
    public static WireUpdate From(VariableUpdate update) =>
        new(update.Kind, update.Variable.Name, Array.ConvertAll(update.Slots, s => s.Name), update.Operands,
            update.HashSlots is { } slots ? new HashUpdate(HashTableSpec.Of(update.Variable), slots) : null, update.Generator);

    public VariableUpdate ToVariableUpdate(Func<string, Operation> operationNamed) =>
        new(Kind, operationNamed(Variable), Array.ConvertAll(Slots, s => operationNamed(s)), Operands) { Generator = Generator };
}

// Rows of a variable along axis 0 (a Gather of its value), looked up where the variable lives: the ids go out and only
// their rows come back, never the table. An id out of range is refused (InvalidArgument) naming it and the table's size.
// Request: the reader's own number for it, echoed in RowsLookedUp. Hash: the variable is a hash table part, whose
// missing rows the lookup creates.
[MessagePackObject]
public sealed record LookupRows(
    [property: Key(0)] long StepId,
    [property: Key(1)] string Variable,
    [property: Key(2)] NDArray Ids,
    [property: Key(3)] int Request,
    [property: Key(4)] HashTableSpec? Hash = null) : IShardCommand, IBulkMessage;

// Rows: shape Ids.shape + the variable's shape[1:].
[MessagePackObject]
public sealed record RowsLookedUp(
    [property: Key(0)] long StepId,
    [property: Key(1)] int Request,
    [property: Key(2)] NDArray Rows) : IShardReply, IBulkMessage;

// For tests and diagnostics: what a shard holds.
[MessagePackObject]
public sealed record GetShardStatus : IShardCommand;

// RecoveredToStep: the global step a restarted shard came back to (-1: it came back empty), with the
// checkpoint it came from; LastStep: the last step whose update it holds. BytesIn, BytesOut: the tensor bytes the shard
// has received from readers and writers (updates' operands, looked-up ids) and sent them (values read, pushed or
// wanted back, rows looked up) since it started; RowBytes: their part that is a table's rows (lookups' ids and rows,
// sparse updates' operands); LentBytes: the part of BytesOut lent to a reader in this process, not copied.
// HashTables: the hash table parts it holds (null: none).
[MessagePackObject]
public sealed record ShardStatus(
    [property: Key(0)] int Task,
    [property: Key(1)] bool Restarted,
    [property: Key(2)] string[] Variables,
    [property: Key(3)] Durability Durability = Durability.Checkpoint,
    [property: Key(4)] string PersistenceId = "",
    [property: Key(5)] long RecoveredToStep = -1,
    [property: Key(6)] string? RecoveredCheckpoint = null,
    [property: Key(7)] long LastStep = -1,
    [property: Key(8)] long BytesIn = 0,
    [property: Key(9)] long BytesOut = 0,
    [property: Key(10)] HashPartRows[]? HashTables = null,
    [property: Key(11)] long RowBytes = 0,
    [property: Key(12)] long LentBytes = 0) : IShardReply;

// A hash table part a shard holds: its rows now, and the bytes they and their slots take.
[MessagePackObject]
public sealed record HashPartRows([property: Key(0)] string Table, [property: Key(1)] int Part, [property: Key(2)] long Rows, [property: Key(3)] long Bytes);

// A simulated fault during a step: the shard answers Aborted and throws; its supervisor restarts it.
[MessagePackObject]
public sealed record CrashShard([property: Key(0)] long StepId, [property: Key(1)] string Reason) : IShardCommand;

// The shard came back from a crash; Reason is the exception's message. RecoveredToStep is the global step
// of the state it recovered (its last checkpoint, plus the journal in journal mode), -1 when it came back empty.
[MessagePackObject]
public sealed record ShardRestarted(
    [property: Key(0)] int Task,
    [property: Key(1)] string Reason,
    [property: Key(2)] long RecoveredToStep = -1,
    [property: Key(3)] string? RecoveredCheckpoint = null,
    [property: Key(4)] string PersistenceId = "") : IShardNotice;

// The shard's store failed it (a journal write, or recovery: an unreadable snapshot); the shard stopped.
[MessagePackObject]
public sealed record ShardStoreFailed(
    [property: Key(0)] int Task,
    [property: Key(1)] string PersistenceId,
    [property: Key(2)] string Reason) : IShardNotice;
