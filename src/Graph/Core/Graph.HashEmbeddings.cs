namespace ActorGraph;

// The graph's hash-keyed embedding tables by full name: for reuse in variable scopes, for Explain, and for a
// Saver to save their rows.
public sealed partial class Graph
{
    private readonly NamedWholes<HashEmbedding> _hashEmbeddings = new("Hash embedding", t => t.Name);

    public IReadOnlyList<HashEmbedding> HashEmbeddings => _hashEmbeddings.All;

    internal HashEmbedding? FindHashEmbedding(string name) => _hashEmbeddings.Find(name);

    internal void AddHashEmbedding(HashEmbedding table) => _hashEmbeddings.Add(table);

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
