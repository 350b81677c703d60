using ActorGraph.Execution;
using Akka.Actor;

namespace ActorGraph.ParameterServer;

// Reads lent rather than copied (ReadVariables.Lend): the arrays out on loan are written only after
// they come back; until then an update moves its variable to another array.
public sealed partial class ShardActor
{
    private readonly ReadLeases _leases = new();
    private readonly HashSet<IActorRef> _borrowers = [];

    private void Lend(ReadVariables command, VariablesRead read)
    {
        for (int i = 0; i < read.Values.Length; i++)
            if (read.Values[i] is { } value && ReferenceEquals(value, _state.ValueOf(command.Names[i])))
            {
                // A fetch of it on the worker is then copied before it leaves the step.
                value.OwnedBy(VariableStorage.Instance);
                _leases.Lend(Sender, command.StepId, value);
            }
        // A reader that stops never releases: its leases end with it.
        if (_borrowers.Add(Sender)) Context.Watch(Sender);
    }

    private void ApplyUnshared(UpdateApplied applied)
    {
        Unshare(applied.Update.Variable);
        foreach (var slot in applied.Update.Slots) Unshare(slot);
        _state = _state.Apply(applied);
        Written(applied.Update.Variable);
        foreach (var slot in applied.Update.Slots) Written(slot);
    }

    private void Unshare(string name)
    {
        if (_state.ValueOf(name) is { } live && _leases.IsLent(live)) _state.Unshare(name, _leases.Successor(name, live));
    }

    // An operand that is one of our lent arrays (Assign(v, w) with w read this step) is copied: the batch
    // may update w before it assigns v, and a journal writes the operand later.
    private ApplyUpdates Dealiased(ApplyUpdates command)
    {
        if (command.Updates is null || _leases.Count == 0) return command;
        WireUpdate[]? updates = null;
        for (int i = 0; i < command.Updates.Length; i++)
        {
            if (command.Updates[i] is not { Operands: { } operands } update || !Array.Exists(operands, IsLent)) continue;
            updates ??= (WireUpdate[])command.Updates.Clone();
            updates[i] = update with { Operands = Array.ConvertAll(operands, o => IsLent(o) ? o.Copy() : o) };
        }
        return updates is null ? command : command with { Updates = updates };
    }

    private bool IsLent(NDArray? value) => value is not null && _leases.IsLent(value);
}
