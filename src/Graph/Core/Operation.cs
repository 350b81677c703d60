using ActorGraph.Ops;

namespace ActorGraph;

// A node of the graph. Immutable once created: plans compiled against it stay valid as the graph grows.
public sealed class Operation
{
    private readonly Tensor[] _inputs;
    private readonly Operation[] _controlInputs;
    private Tensor[] _outputs = [];

    internal Operation(Graph graph, int id, string name, OpDef def, Tensor[] inputs, Operation[] controlInputs,
        string device, IReadOnlyDictionary<string, object> attrs)
    {
        Graph = graph;
        Id = id;
        Name = name;
        Def = def;
        _inputs = inputs;
        _controlInputs = controlInputs;
        Device = device;
        Attrs = attrs;
    }

    public string Name { get; }
    public string Type => Def.Type;
    public IReadOnlyList<Tensor> Inputs => _inputs;
    public IReadOnlyList<Operation> ControlInputs => _controlInputs;
    public IReadOnlyList<Tensor> Outputs => _outputs;
    public string Device { get; }
    public Graph Graph { get; }

    internal int Id { get; }
    internal OpDef Def { get; }
    internal IReadOnlyDictionary<string, object> Attrs { get; }
    internal Tensor[] InputArray => _inputs;
    internal Operation[] ControlInputArray => _controlInputs;

    // The graph-wide number of output 0; output i is FirstOutputKey + i.
    internal int FirstOutputKey { get; private set; }

    internal void SetOutputs(Tensor[] outputs, int firstOutputKey)
    {
        _outputs = outputs;
        FirstOutputKey = firstOutputKey;
    }

    internal T Attr<T>(string key) => Attrs.TryGetValue(key, out var v)
        ? (T)v
        : throw new InvalidOperationException($"Operation '{Name}' ({Type}) has no attribute '{key}'.");

    internal T Attr<T>(string key, T fallback) => Attrs.TryGetValue(key, out var v) ? (T)v : fallback;

    // The variable behind a reference input (Assign's target, an optimizer update's slots).
    internal Operation RefInput(int index) => _inputs[index].Op;

    public override string ToString() => $"<Operation '{Name}' type={Type}>";
}
