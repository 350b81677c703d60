using ActorGraph.Ops;

namespace ActorGraph;

// A growing, append-only list of operations. Operations never change once added, so anything
// derived from a set of them (a plan, a partition) stays valid while the graph grows.
public sealed partial class Graph
{
    internal const int MaxOutputs = 8;

    private static readonly Graph ProcessDefault = new();
    private static readonly AsyncLocal<Graph?> ScopedDefault = new();

    private readonly object _lock = new();
    private readonly List<Operation> _ops = [];
    private readonly Dictionary<string, Operation> _byName = new(StringComparer.Ordinal);
    private readonly List<Variable> _variables = [];

    // The innermost AsDefault() of this async flow, else one process-wide graph.
    public static Graph Default => ScopedDefault.Value ?? ProcessDefault;

    public IDisposable AsDefault()
    {
        var previous = ScopedDefault.Value;
        ScopedDefault.Value = this;
        return new Scope(() => ScopedDefault.Value = previous);
    }

    public IReadOnlyList<Operation> Operations
    {
        get { lock (_lock) return _ops.ToArray(); }
    }

    // Grows by one with every operation added; a session sends only what is newer than it has seen.
    public int Version
    {
        get { lock (_lock) return _ops.Count; }
    }

    internal Operation OperationAt(int id)
    {
        lock (_lock) return _ops[id];
    }

    internal IReadOnlyList<Operation> OperationsSince(int version)
    {
        lock (_lock) return _ops.GetRange(version, _ops.Count - version);
    }

    public Operation GetOperation(string name)
    {
        lock (_lock)
            return _byName.TryGetValue(name, out var op)
                ? op
                : throw new KeyError($"The graph has no operation named '{name}'.");
    }

    public Tensor GetTensor(string name)
    {
        int colon = name.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(name.AsSpan(colon + 1), out int index))
            throw new ArgumentException($"'{name}' is not a tensor name: tensor names look like 'op_name:0'.");
        var op = GetOperation(name[..colon]);
        if (index < 0 || index >= op.Outputs.Count)
            throw new KeyError($"Operation '{op.Name}' has {op.Outputs.Count} output(s); there is no output {index}.");
        return op.Outputs[index];
    }

    internal IReadOnlyList<Variable> Variables
    {
        get { lock (_lock) return _variables.ToArray(); }
    }

    internal Variable? FindVariable(string name)
    {
        lock (_lock) return _variables.Find(v => v.Op.Name == name);
    }

    // Adds an operation: checks and infers its outputs, names it uniquely, applies the device
    // and control-dependency scopes. Construction errors throw ArgumentException naming the op.
    internal Operation AddOperation(string type, Tensor[] inputs, IReadOnlyDictionary<string, object>? attrs = null,
        string? name = null, Operation[]? controlInputs = null, OpCreation creation = OpCreation.Scoped, string? device = null)
    {
        var def = OpRegistry.Get(type);
        attrs ??= EmptyAttrs;
        foreach (var input in inputs)
        {
            if (input is null) throw new ArgumentNullException(nameof(inputs), $"An input of {type} is null.");
            if (input.Graph != this)
                throw new ArgumentException($"{type}: input '{input.Name}' belongs to another graph; every input must come from the graph the op is added to.");
        }
        lock (_lock)
        {
            string opName = creation.HasFlag(OpCreation.ExactName) ? ReserveExactName(name!) : UniqueName(name ?? def.DefaultName);
            var specs = def.Infer(new InferContext(opName, def.Type, inputs, attrs));
            var control = ControlInputsFor(inputs, controlInputs, creation);
            var op = new Operation(this, _ops.Count, opName, def, inputs, control, device ?? CurrentDevice, attrs);
            var outputs = new Tensor[specs.Length];
            for (int i = 0; i < specs.Length; i++)
                outputs[i] = def.IsVariable ? new Variable(op, specs[i].Shape, specs[i].DType, attrs.TryGetValue("trainable", out var t) && (bool)t)
                                            : new Tensor(op, i, specs[i].DType, specs[i].Shape);
            op.SetOutputs(outputs);
            _ops.Add(op);
            _byName[opName] = op;
            if (def.IsVariable) _variables.Add((Variable)outputs[0]);
            return op;
        }
    }

    internal static readonly IReadOnlyDictionary<string, object> EmptyAttrs = new Dictionary<string, object>();

    private sealed class Scope(Action onDispose) : IDisposable
    {
        private Action? _onDispose = onDispose;
        public void Dispose()
        {
            _onDispose?.Invoke();
            _onDispose = null;
        }
    }

    internal static IDisposable MakeScope(Action onDispose) => new Scope(onDispose);
}

[Flags]
internal enum OpCreation
{
    Scoped = 0,
    // Variables and their initializers ignore enclosing control dependencies (TF's init_scope).
    IgnoreControlScope = 1,
    // A variable's op takes its name exactly, outside any name scope.
    ExactName = 2,
}

// Raised for lookups by name, like Python's KeyError in TensorFlow's get_operation_by_name.
public sealed class KeyError(string message) : KeyNotFoundException(message);
