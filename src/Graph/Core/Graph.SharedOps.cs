namespace ActorGraph;

// Ops whose outputs depend on their inputs and attributes alone, made once per graph for the same key: two lookups of
// one batch's ids in tables split alike (a wide & deep model's embeddings and its per-id weights) route the ids once
// a step instead of twice. One is shared only where an op made now would be the same op: outside every Cond and
// WhileLoop body and every control-dependency block, on the same device.
public sealed partial class Graph
{
    private readonly Dictionary<(string Key, string Device), Operation> _shared = [];

    internal Operation AddShared(string key, Func<Operation> add)
    {
        if (CurrentBody is not null || Current.Controllers.Length > 0) return add();
        var at = (key, CurrentDevice);
        lock (_lock)
            if (_shared.TryGetValue(at, out var made)) return made;
        var op = add();
        lock (_lock) _shared[at] = op;
        return op;
    }
}
