using ActorGraph.Ops;

namespace ActorGraph;

// The functions that add nodes to Graph.Default, named as TensorFlow 1 names them.
public static partial class TF
{
    internal static Graph G => Graph.Default;

    internal static Tensor Op(string type, Tensor[] inputs, string? name = null, Dictionary<string, object>? attrs = null) =>
        G.AddOperation(type, inputs, attrs, name).Outputs[0];

    public static Tensor Constant(NDArray value, DType? dtype = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (dtype is { } d && d != value.DType) value = Kernels.Cast.To(value, d);
        return Op("Const", [], name, new() { ["value"] = value });
    }

    public static Tensor Placeholder(DType dtype, Shape? shape = null, string? name = null) =>
        Op("Placeholder", [], name, new() { ["dtype"] = dtype, ["shape"] = shape ?? Shape.Unknown });

    // A scalar constant of t's dtype, for Python-style `x * 2`.
    internal static Tensor ScalarLike(Tensor t, double value)
    {
        var scalar = Kernels.Cast.To(NDArray.Scalar(value), t.DType);
        return t.Graph == G ? Constant(scalar) : Scoped(t.Graph, () => Constant(scalar));
    }

    private static T Scoped<T>(Graph graph, Func<T> build)
    {
        using (graph.AsDefault()) return build();
    }

    public static Tensor Identity(Tensor x, string? name = null) => Op("Identity", [x], name);

    // Identity on `input`; when it runs, writes `message` and each data value in brackets.
    public static Tensor Print(Tensor input, IEnumerable<Tensor> data, string message = "", string? name = null) =>
        Op("Print", [input, .. data], name, new() { ["message"] = message });

    public static Operation NoOp(string? name = null) => G.AddOperation("NoOp", [], null, name);

    public static Operation Group(params Operation[] ops) => GroupNamed("group_deps", ops);

    internal static Operation GroupNamed(string name, IReadOnlyList<Operation> ops) =>
        G.AddOperation("NoOp", [], null, name, controlInputs: ops.ToArray());

    public static IDisposable ControlDependencies(params Operation[] ops) => G.ControlDependencyScope(ops);

    public static IDisposable Device(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return G.DeviceScope(DeviceSpec.Merge(G.CurrentDevice, spec));
    }

    public static IDisposable NameScope(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return G.NameScope(name);
    }

    public static IReadOnlyList<Operation> GetCollection(string key) => G.GetCollection(key);

    public static Tensor?[] Gradients(Tensor y, IReadOnlyList<Tensor> xs) => Autodiff.Gradients.Build(y, xs);
}
