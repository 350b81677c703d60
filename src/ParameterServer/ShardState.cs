using ActorGraph.Execution;
using ActorGraph.Messaging;
using ActorGraph.Training;
using ActorGraph.Wire;
using MessagePack;

namespace ActorGraph.ParameterServer;

// A shard's variables by name (optimizer slots are variables like any other), with pure
// Decide(command) → events and Apply(event) → state. Serialized as is, it is the shard's snapshot.
// Apply updates arrays in place and returns this same object: copying every variable on every
// step would double the cost of training. That is safe because one actor owns the state and
// everything that leaves it (replies, reads) is a copy; the arithmetic is UpdateRules', so it is
// deterministic and bit-identical to the in-process store. A class, not a record: `with` would share arrays.
[MessagePackObject]
public sealed partial class ShardState : IActorGraphMessage
{
    private readonly Dictionary<string, NDArray> _variables;

    [SerializationConstructor]
    public ShardState(int task, IReadOnlyDictionary<string, NDArray> variables, bool restarted)
    {
        ArgumentNullException.ThrowIfNull(variables);
        Task = task;
        Restarted = restarted;
        _variables = new Dictionary<string, NDArray>(StringComparer.Ordinal);
        foreach (var (name, value) in WithoutHashEntries(variables, _hashTables, $"Parameter server /job:ps/task:{task}"))
            _variables.Add(name ?? throw new ArgumentException("A variable without a name."),
                value ?? throw new ArgumentException($"Variable {name} has no value."));
    }

    public static ShardState Empty(int task) => new(task, new Dictionary<string, NDArray>(), restarted: false);

    // After a crash: nothing left, and every uninitialized variable says why.
    public static ShardState Lost(int task) => new(task, new Dictionary<string, NDArray>(), restarted: true);

    // After a crash, back at a checkpoint: a variable it did not hold says where the shard returned to.
    public static ShardState Recovered(int task, IReadOnlyDictionary<string, NDArray> variables, string returnedTo) =>
        new(task, variables, restarted: true) { ReturnedTo = returnedTo };

    // Where a restarted shard returned to ("checkpoint c at step 40"); null = it lost everything.
    [IgnoreMember] public string? ReturnedTo { get; private init; }

    [Key(0)] public int Task { get; }

    [Key(1)] public IReadOnlyDictionary<string, NDArray> Variables => _variables;

    [Key(2)] public bool Restarted { get; }

    [IgnoreMember] public string Device => $"/job:ps/task:{Task}";

    // Live storage: callers must not write it or let it leave the shard.
    public NDArray? ValueOf(string name) => _variables.GetValueOrDefault(name);

    public NDArray CopyOf(string name) => (ValueOf(name) ?? throw new KeyNotFoundException($"No variable {name} on {Device}.")).Copy();

    // A query, not a command: reads change nothing and make no events. lend: which live arrays may go out as they are.
    public IShardReply Read(ReadVariables command, Predicate<NDArray>? lend = null)
    {
        bool lent = false;
        if (command.Names is null) return Invalid(command.StepId, "ReadVariables carries no list of names.");
        var values = new NDArray?[command.Names.Length];
        for (int i = 0; i < values.Length; i++)
        {
            var name = command.Names[i];
            if (string.IsNullOrEmpty(name)) return Invalid(command.StepId, $"ReadVariables: name {i} is missing.");
            // Copies unless lent: in-process the reply is not serialized, and the live arrays change with the next update.
            if (_variables.TryGetValue(name, out var value))
            {
                bool live = lend?.Invoke(value) == true;
                values[i] = live ? value : value.Copy();
                lent |= live;
            }
            else if (Restarted) return Uninitialized(command.StepId, name);
        }
        return new VariablesRead(command.StepId, values, lent, Request: command.Request);
    }

    // Copy-on-write of a lent variable: `copy` (of its dtype and shape) takes the live array's contents and place.
    public void Unshare(string name, NDArray copy)
    {
        var live = _variables[name];
        if (live.DType == DType.String) live.StringData.CopyTo(copy.StringData, 0);
        else live.Bytes.CopyTo(copy.Bytes);
        copy.OwnedBy(VariableStorage.Instance);
        _variables[name] = copy;
    }

    public ShardDecision Decide(ApplyUpdates command)
    {
        if (command.Updates is null) return ShardDecision.Reject(Invalid(command.StepId, "ApplyUpdates carries no list of updates."));
        foreach (int wanted in command.Wanted ?? [])
            if ((uint)wanted >= (uint)command.Updates.Length)
                return ShardDecision.Reject(Invalid(command.StepId, $"ApplyUpdates wants the value after update {wanted}, but it has {command.Updates.Length}."));
        var batch = new BatchView(this);
        var events = new IShardEvent[command.Updates.Length];
        for (int i = 0; i < events.Length; i++)
        {
            var update = command.Updates[i];
            if (Check(command.StepId, i, update, batch) is { } rejection) return ShardDecision.Reject(rejection);
            events[i] = new UpdateApplied(command.StepId, update);
        }
        return ShardDecision.Accept(events);
    }

    public ShardState Apply(IShardEvent @event)
    {
        switch (@event)
        {
            case UpdateApplied { Update.Hash: { } hash } applied:
                ApplyHash(applied.StepId, applied.Update, hash);
                return this;
            case UpdateApplied { Update: var u }:
                var slots = Array.ConvertAll(u.Slots, ValueOf);
                _variables[u.Variable] = UpdateRules.Apply(u.Kind, u.Variable, ValueOf(u.Variable), slots, u.Operands);
                return this;
            case SnapshotMarked:
                return this;
            default:
                throw new ArgumentException($"A shard has no event {@event.GetType().Name}.", nameof(@event));
        }
    }

    // A restore sets the checkpoint's variables and leaves the others (TF's Saver.restore does the same).
    public ShardState Restore(IReadOnlyDictionary<string, NDArray> variables)
    {
        foreach (var (name, value) in WithoutHashEntries(variables, _hashTables, Device)) _variables[name] = value;
        return this;
    }

    private string UninitializedText(string name) => ReturnedTo is { } returnedTo
        ? $"Attempting to use uninitialized value {name}: parameter server {Device} restarted and returned to {returnedTo}, " +
          "which does not hold it; run its initializer or restore a checkpoint that has it"
        : Restarted
        ? $"Attempting to use uninitialized value {name}: parameter server {Device} restarted and lost its state; " +
          "run the initializer again, or restore a checkpoint (Saver.Restore)"
        : Errors.UninitializedText(name);

    private ShardRequestFailed Uninitialized(long step, string name) =>
        new(step, ErrorCodes.FailedPrecondition, UninitializedText(name));

    private static ShardRequestFailed Invalid(long step, string message) => new(step, ErrorCodes.InvalidArgument, message);
}

// Either the events to apply, or the refusal to send back (and no events).
public readonly record struct ShardDecision(IReadOnlyList<IShardEvent> Events, ShardRequestFailed? Rejection)
{
    public static ShardDecision Accept(IReadOnlyList<IShardEvent> events) => new(events, null);
    public static ShardDecision Reject(ShardRequestFailed rejection) => new([], rejection);
}
