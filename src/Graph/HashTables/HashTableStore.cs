using ActorGraph.Execution;
using System.Collections.Concurrent;

namespace ActorGraph.HashTables;

// Hash table parts held in this process (the executor's), each behind its own lock so a lookup or an update is atomic.
public sealed class HashTableStore
{
    private readonly ConcurrentDictionary<string, HashTablePart> _parts = new(StringComparer.Ordinal);

    public HashTablePart PartOf(HashTableSpec spec) => _parts.GetOrAdd(spec.PartName, _ => new HashTablePart(spec));

    public IReadOnlyCollection<HashTablePart> Parts => [.. _parts.Values];

    // Every part's rows as they are now, each copied under its lock.
    public IReadOnlyList<HashPartContents> Contents() =>
        [.. _parts.Values.OrderBy(p => p.Spec.PartName, StringComparer.Ordinal).Select(p => { lock (p) return p.Contents(); })];

    // Puts restored parts in place of the ones of the same name (a checkpoint's restore, steps held meanwhile).
    public void Replace(IEnumerable<HashPartContents> parts)
    {
        foreach (var part in parts) _parts[part.Spec.PartName] = HashTablePart.FromContents(part);
    }

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
