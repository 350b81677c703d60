using Akka.Actor;

namespace ActorGraph.ParameterServer;

// The live arrays a shard has lent to readers (VariablesRead.Lent), by reader and step. A lent array is never
// written: an update of its variable first moves the variable to another array (copy-on-write), and once the
// last lease on the old array is released, it becomes the variable's spare, where the next such copy goes.
internal sealed class ReadLeases
{
    // Below this a copy costs less than the bookkeeping (and a scalar's copy costs nothing).
    private const int MinBytes = 4096;

    private readonly Dictionary<(IActorRef Reader, long Step), List<NDArray>> _leases = [];
    private readonly Dictionary<NDArray, int> _counts = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<NDArray, string> _retired = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, NDArray> _spares = new(StringComparer.Ordinal);

    public static bool Worth(NDArray value) => value.Length * value.DType.SizeInBytes() >= MinBytes;

    public bool IsLent(NDArray value) => _counts.ContainsKey(value);

    public int Count => _leases.Count;

    public void Lend(IActorRef reader, long step, NDArray value)
    {
        if (!_leases.TryGetValue((reader, step), out var lent)) _leases[(reader, step)] = lent = [];
        lent.Add(value);
        _counts[value] = _counts.GetValueOrDefault(value) + 1;
    }

    public void Release(IActorRef reader, long step)
    {
        if (!_leases.Remove((reader, step), out var lent)) return;
        foreach (var value in lent) Drop(value);
    }

    // A reader that stopped releases nothing by itself.
    public void ReleaseAll(IActorRef reader)
    {
        foreach (var key in _leases.Keys.Where(k => k.Reader.Equals(reader)).ToList()) Release(key.Reader, key.Step);
    }

    // Where variable `name` moves while `lent`, its live array, is out: the spare when it fits.
    public NDArray Successor(string name, NDArray lent)
    {
        _retired[lent] = name;
        if (_spares.Remove(name, out var spare) && spare.DType == lent.DType && spare.Shape.Equals(lent.Shape)) return spare;
        return NDArray.Uninitialized(lent.DType, lent.Shape);
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
