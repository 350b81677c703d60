namespace ActorGraph;

// Naming, name scopes, device scopes and control dependencies, as TensorFlow 1's ops.py does them.
public sealed partial class Graph
{
    private readonly Dictionary<string, int> _namesInUse = new(StringComparer.Ordinal);
    private readonly AsyncLocal<ScopeState?> _scopes = new();

    private sealed record ScopeState(string NameScope, string Device, IReadOnlyList<Operation>? ControlDeps, ScopeState? Parent);

    private ScopeState Current => _scopes.Value ?? Root;
    private static readonly ScopeState Root = new("", "", null, null);

    internal string CurrentDevice => Current.Device;
    internal string CurrentNameScope => Current.NameScope;

    // TensorFlow's unique_name: "add", "add_1", …; keys compare in lower case as TF does.
    internal string UniqueName(string baseName, bool markUsed = true)
    {
        lock (_lock)
        {
            string scope = Current.NameScope;
            string name = scope.Length > 0 ? scope + "/" + baseName : baseName;
            string key = name.ToLowerInvariant();
            _namesInUse.TryGetValue(key, out int i);
            if (markUsed) _namesInUse[key] = i + 1;
            if (i > 0)
            {
                string baseKey = key;
                while (_namesInUse.ContainsKey(key))
                {
                    key = $"{baseKey}_{i}";
                    i++;
                }
                if (markUsed) _namesInUse[key] = 1;
                name = $"{name}_{i - 1}";
            }
            return name;
        }
    }

    private string ReserveExactName(string name)
    {
        if (_byName.ContainsKey(name))
            throw new ArgumentException($"An operation named '{name}' already exists in the graph; choose another name.");
        _namesInUse[name.ToLowerInvariant()] = _namesInUse.GetValueOrDefault(name.ToLowerInvariant()) + 1;
        return name;
    }

    internal bool IsNameInUse(string name)
    {
        lock (_lock) return _namesInUse.ContainsKey(name.ToLowerInvariant());
    }

    internal IDisposable NameScope(string name)
    {
        string scope;
        if (name.EndsWith('/')) scope = name.TrimEnd('/');
        else if (name.Length == 0) scope = "";
        else scope = UniqueName(name);
        return Push(Current with { NameScope = scope, Parent = Current });
    }

    internal IDisposable DeviceScope(string spec) => Push(Current with { Device = spec, Parent = Current });

    // A null list clears the enclosing dependencies, like tf.control_dependencies(None).
    internal IDisposable ControlDependencyScope(IReadOnlyList<Operation>? ops)
    {
        if (ops is null) return Push(Current with { ControlDeps = null, Parent = Current });
        foreach (var op in ops)
            if (op.Graph != this) throw new ArgumentException($"Control dependency '{op.Name}' belongs to another graph.");
        var merged = (Current.ControlDeps ?? []).Concat(ops).Distinct().ToArray();
        return Push(Current with { ControlDeps = merged, Parent = Current });
    }

    private IDisposable Push(ScopeState state)
    {
        var previous = _scopes.Value;
        _scopes.Value = state;
        return MakeScope(() => _scopes.Value = previous);
    }

    // An op that already takes a data input from an op gets no control input on it.
    private Operation[] ControlInputsFor(Tensor[] inputs, Operation[]? explicitControl, OpCreation creation)
    {
        var scoped = creation.HasFlag(OpCreation.IgnoreControlScope) ? null : Current.ControlDeps;
        if ((scoped is null || scoped.Count == 0) && (explicitControl is null || explicitControl.Length == 0)) return [];
        var result = new List<Operation>();
        foreach (var op in (scoped ?? []).Concat(explicitControl ?? []))
        {
            if (op.Graph != this) throw new ArgumentException($"Control input '{op.Name}' belongs to another graph.");
            if (result.Contains(op) || Array.Exists(inputs, t => t.Op == op)) continue;
            result.Add(op);
        }
        return result.ToArray();
    }
}
