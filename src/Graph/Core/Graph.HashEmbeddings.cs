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
}
