using ActorGraph.Execution;
using System.Collections.Concurrent;

namespace ActorGraph.HashTables;

// Hash table parts held in this process (the executor's), each behind its own lock so a lookup or an update is atomic.
public sealed class HashTableStore
{
    private readonly ConcurrentDictionary<string, HashTablePart> _parts = new(StringComparer.Ordinal);

    public HashTablePart PartOf(HashTableSpec spec) => _parts.GetOrAdd(spec.PartName, _ => new HashTablePart(spec));

    public IReadOnlyCollection<HashTablePart> Parts => [.. _parts.Values];

    public NDArray Lookup(HashTableSpec spec, NDArray ids, long stepId)
    {
        var part = PartOf(spec);
        lock (part) return part.Lookup(ids, stepId);
    }

    public void Apply(HashTableSpec spec, UpdateKind kind, string[] slotNames, double[] slotInits, NDArray[] operands, long stepId)
    {
        var part = PartOf(spec);
        lock (part) part.Apply(kind, slotNames, slotInits, operands, stepId);
    }
}
