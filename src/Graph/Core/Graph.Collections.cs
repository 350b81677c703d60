namespace ActorGraph;

// TensorFlow 1's graph collections (tf.add_to_collection / tf.get_collection), and the per-scope
// counters that give layers their default names.
public sealed partial class Graph
{
    private readonly Dictionary<string, List<Operation>> _collections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _layerNames = new(StringComparer.Ordinal);

    internal void AddToCollection(string key, Operation op)
    {
        lock (_lock)
        {
            if (!_collections.TryGetValue(key, out var list)) _collections[key] = list = [];
            list.Add(op);
        }
    }

    public IReadOnlyList<Operation> GetCollection(string key)
    {
        lock (_lock) return _collections.TryGetValue(key, out var list) ? list.ToArray() : [];
    }

    // `dense`, `dense_1`, … within the current variable scope, as tf.layers names its layers.
    internal string UniqueLayerName(string baseName)
    {
        string key = CurrentVariableScope.FullName(baseName);
        lock (_lock)
        {
            int n = _layerNames.GetValueOrDefault(key);
            _layerNames[key] = n + 1;
            return n == 0 ? baseName : $"{baseName}_{n}";
        }
    }
}

// The names of the collections TensorFlow 1 code reaches for.
public static class GraphKeys
{
    // The ops that update batch normalization's moving statistics: a train op must depend on them.
    public const string UpdateOps = "update_ops";

    // The summary ops TF.Summary.MergeAll merges.
    public const string Summaries = "summaries";
}
