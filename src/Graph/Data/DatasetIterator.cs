namespace ActorGraph;

// TensorFlow 1's iterator: an op in the default graph naming it (its state lives with the session that
// runs it), GetNext ops that take the next element, and for an initializable one an op that restarts it.
public sealed class DatasetIterator
{
    private readonly Operation? _initializer;

    internal DatasetIterator(Dataset dataset, bool oneShot)
    {
        Dataset = dataset;
        IsOneShot = oneShot;
        Resource = TF.G.AddOperation(oneShot ? "OneShotIterator" : "Iterator", []);
        if (!oneShot) _initializer = TF.G.AddOperation("MakeIterator", [], Attrs(), "MakeIterator");
    }

    public Dataset Dataset { get; }
    public bool IsOneShot { get; }

    // The op that names this iterator; its state is keyed by this op's name.
    internal Operation Resource { get; }

    public Operation Initializer => _initializer
        ?? throw new InvalidOperationException("A one-shot iterator has no initializer: it starts by itself and cannot restart. Use MakeInitializableIterator() to restart it.");

    public Tensor[] GetNext(string? name = null)
    {
        var graph = TF.G;
        if (graph != Resource.Graph)
            throw new InvalidOperationException($"GetNext must build in the graph of its iterator ('{Resource.Name}'); make that graph the default first.");
        return [.. graph.AddOperation("IteratorGetNext", [], Attrs(), name).Outputs];
    }

    private Dictionary<string, object> Attrs() => new()
    {
        ["dataset"] = Dataset,
        ["one_shot"] = IsOneShot,
        ["iterator"] = Resource.Name,
    };
}
