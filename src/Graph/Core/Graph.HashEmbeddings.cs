namespace ActorGraph;

// The graph's hash-keyed embedding tables by full name: for reuse in variable scopes, for Explain, and for a
// Saver to save their rows.
public sealed partial class Graph
{
    private readonly Dictionary<string, HashEmbedding> _hashEmbeddings = new(StringComparer.Ordinal);

    public IReadOnlyList<HashEmbedding> HashEmbeddings
    {
        get { lock (_lock) return _hashEmbeddings.Values.ToArray(); }
    }

    internal HashEmbedding? FindHashEmbedding(string name)
    {
        lock (_lock) return _hashEmbeddings.GetValueOrDefault(name);
    }

    internal void AddHashEmbedding(HashEmbedding table)
    {
        lock (_lock)
        {
            if (!_hashEmbeddings.TryAdd(table.Name, table))
                throw new ArgumentException($"Hash embedding {table.Name} already exists.");
        }
    }

    // A graph read back from a file knows its hash tables again from their parts' ops.
    internal void RegisterHashEmbeddings()
    {
        foreach (var parts in Operations.Where(o => o.Type == "HashTable").GroupBy(o => o.Attr<string>("table")).ToArray())
        {
            var ordered = parts.OrderBy(p => p.Attr<int>("part")).ToArray();
            var first = ordered[0];
            if (ordered.Length != first.Attr<int>("parts") || FindHashEmbedding(parts.Key) is not null) continue;
            AddHashEmbedding(new HashEmbedding(parts.Key, first.Attr<int>("dim"), first.Attr<DType>("dtype"), first.Attr<long>("evict_after_steps"),
                first.Attr("trainable", true), [.. ordered.Select(o => o.Outputs[0])]));
        }
    }
}
