using System.Runtime.CompilerServices;
using ActorGraph.Ops;

namespace ActorGraph;

// A growing, append-only list of operations. Operations never change once added, so anything
// derived from a set of them (a plan, a partition) stays valid while the graph grows.
public sealed partial class Graph
{
    private static readonly Graph ProcessDefault = new();
    private static readonly AsyncLocal<Graph?> ScopedDefault = new();

    private readonly object _lock = new();
    private readonly List<Operation> _ops = [];
    private readonly Dictionary<string, Operation> _byName = new(StringComparer.Ordinal);
    private readonly List<Variable> _variables = [];
    // Tensors are numbered graph-wide as they are made: an op may have any number of outputs.
    private int _tensorCount;

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

    internal IReadOnlyList<Operation> OperationsBetween(int from, int to)
    {
        lock (_lock) return _ops.GetRange(from, to - from);
    }

    public bool TryGetOperation(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Operation? op)
    {
        lock (_lock) return _byName.TryGetValue(name, out op);
    }

    // Lookups fail with the texts of TensorFlow's get_operation_by_name and get_tensor_by_name.
    public Operation GetOperation(string name)
    {
        if (name.Contains(':'))
            throw new ArgumentException($"The name '{name}' appears to refer to a Tensor, not a Operation.");
        lock (_lock)
            return _byName.TryGetValue(name, out var op)
                ? op
                : throw new KeyError($"The name '{name}' refers to an Operation not in the graph.");
    }

    // A per-op pass of planning, optimized from its first call: it runs once per plan, so tiered compilation would
    // leave it unoptimized in a process that keeps making graphs or sessions.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Tensor GetTensor(string name)
    {
        int colon = name.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(name.AsSpan(colon + 1), out int index))
            throw new ArgumentException($"The name '{name}' refers to an Operation, not a Tensor. Tensor names must be of the form \"<op_name>:<output_index>\".");
        string opName = name[..colon];
        Operation? op;
        lock (_lock) _byName.TryGetValue(opName, out op);
        if (op is null)
            throw new KeyError($"The name '{name}' refers to a Tensor which does not exist. The operation, '{opName}', does not exist in the graph.");
        if (index < 0 || index >= op.Outputs.Count)
            throw new KeyError($"The name '{name}' refers to a Tensor which does not exist. The operation, '{opName}', exists but only has {op.Outputs.Count} outputs.");
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
        inputs = CaptureInputs(def, inputs);
        lock (_lock)
        {
            // A name ending in '/' (a name scope's) names the op as is, as TensorFlow's create_op does.
            string opName = creation.HasFlag(OpCreation.ExactName) ? ReserveExactName(name!)
                : name is not null && name.EndsWith('/') ? name[..^1]
                : UniqueName(name ?? def.DefaultName);
            if (_byName.ContainsKey(opName))
                throw new ArgumentException($"Duplicate node name in graph: '{opName}'; choose another name.");
            var specs = def.Infer(new InferContext(opName, def.Type, inputs, attrs));
            var control = KeepInsideControls(ControlInputsFor(inputs, controlInputs));
            var op = new Operation(this, _ops.Count, opName, def, inputs, control, device ?? CurrentDevice, attrs);
            var outputs = new Tensor[specs.Length];
            for (int i = 0; i < specs.Length; i++)
                outputs[i] = def.IsVariable ? new Variable(op, specs[i].Shape, specs[i].DType, attrs.TryGetValue("trainable", out var t) && (bool)t)
                                            : def.Traits.HasFlag(OpTraits.DensifiesSlices) ? new IndexedSlices(op, specs[i].DType, specs[i].Shape)
                                            : new Tensor(op, i, specs[i].DType, specs[i].Shape);
            op.SetOutputs(outputs, _tensorCount);
            _tensorCount += outputs.Length;
            _ops.Add(op);
            _byName[opName] = op;
            RecordSeenByControllers(op);
            RecordOwner(op);
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
    // A variable's op takes its name exactly, outside any name scope.
    ExactName = 1,
}

// Raised for lookups by name, like Python's KeyError in TensorFlow's get_operation_by_name.
public sealed class KeyError(string message) : KeyNotFoundException(message);
