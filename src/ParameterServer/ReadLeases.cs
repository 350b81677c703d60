using ActorGraph.Execution;

namespace ActorGraph.ParameterServer;

// The live arrays a shard has lent to readers in its own process (ReadVariables.Lend, VariablesRead.Lent), by reader
// and step. A lent array is never written: an update of its variable first moves the variable to another array
// (copy-on-write, Unshare), and once the last lease on the old array is released, it becomes the variable's spare,
// where the next such copy goes.
internal sealed class ReadLeases<TReader> where TReader : notnull
{
    // Below this a copy costs less than the bookkeeping (and a scalar's copy costs nothing).
    private const int MinBytes = 4096;

    private readonly Dictionary<(TReader Reader, long Step), List<NDArray>> _leases = [];
    private readonly Dictionary<NDArray, int> _counts = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<NDArray, string> _retired = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, NDArray> _spares = new(StringComparer.Ordinal);
    private readonly HashSet<TReader> _borrowers = [];

    public static bool Worth(NDArray value) => value.Length * value.DType.SizeInBytes() >= MinBytes;

    public bool IsLent(NDArray value) => _counts.ContainsKey(value);

    public int Count => _leases.Count;

    // The values of a read that are the shard's live arrays go out on lease. True for a reader that borrows for the
    // first time: a reader that stops never releases, so the shard watches it to end its leases (ReleaseAll).
    public bool Lend(TReader reader, long step, string[] names, NDArray?[] values, ShardState state)
    {
        for (int i = 0; i < values.Length; i++)
            if (values[i] is { } value && ReferenceEquals(value, state.ValueOf(names[i])))
            {
                // A fetch of it on the worker is then copied before it leaves the step.
                value.OwnedBy(VariableStorage.Instance);
                Lend(reader, step, value);
            }
        return _borrowers.Add(reader);
    }

    public void Lend(TReader reader, long step, NDArray value)
    {
        if (!_leases.TryGetValue((reader, step), out var lent)) _leases[(reader, step)] = lent = [];
        lent.Add(value);
        _counts[value] = _counts.GetValueOrDefault(value) + 1;
    }

    public void Release(TReader reader, long step)
    {
        if (!_leases.Remove((reader, step), out var lent)) return;
        foreach (var value in lent) Drop(value);
    }

    // A reader that stopped releases nothing by itself.
    public void ReleaseAll(TReader reader)
    {
        foreach (var key in _leases.Keys.Where(k => EqualityComparer<TReader>.Default.Equals(k.Reader, reader)).ToList()) Release(key.Reader, key.Step);
        _borrowers.Remove(reader);
    }

    // Before variable `name` is written: while its live array is out, the variable moves to its successor.
    public void Unshare(ShardState state, string name)
    {
        if (state.ValueOf(name) is { } live && IsLent(live)) state.Unshare(name, Successor(name, live));
    }

    // Where variable `name` moves while `lent`, its live array, is out: the spare when it fits.
    public NDArray Successor(string name, NDArray lent)
    {
        _retired[lent] = name;
        if (_spares.Remove(name, out var spare) && spare.DType == lent.DType && spare.Shape.Equals(lent.Shape)) return spare;
        return NDArray.Uninitialized(lent.DType, lent.Shape);
    }

    // An operand that is one of the lent arrays (Assign(v, w) with w read this step) is copied: the batch may update
    // w before it assigns v, and a journal writes the operand later. The same command when none is.
    public ApplyUpdates Dealiased(ApplyUpdates command)
    {
        if (command.Updates is null || _leases.Count == 0) return command;
        WireUpdate[]? updates = null;
        for (int i = 0; i < command.Updates.Length; i++)
        {
            if (command.Updates[i] is not { Operands: { } operands } update || !AnyLent(operands)) continue;
            updates ??= (WireUpdate[])command.Updates.Clone();
            updates[i] = update with { Operands = Array.ConvertAll(operands, o => IsLentOperand(o) ? o.Copy() : o) };
        }
        return updates is null ? command : command with { Updates = updates };
    }

    private bool IsLentOperand(NDArray? value) => value is not null && IsLent(value);

    private bool AnyLent(NDArray[] operands)
    {
        foreach (var operand in operands)
            if (IsLentOperand(operand)) return true;
        return false;
    }

    private void Drop(NDArray value)
    {
        int count = _counts[value] - 1;
        if (count > 0)
        {
            _counts[value] = count;
            return;
        }
        _counts.Remove(value);
        if (_retired.Remove(value, out var name)) _spares[name] = value;
    }
}
