using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace ActorGraph;

// Naming, name scopes, device scopes and control dependencies, as TensorFlow 1's ops.py does them.
public sealed partial class Graph
{
    private readonly Dictionary<string, int> _namesInUse = new(StringComparer.Ordinal);
    private readonly AsyncLocal<ScopeState?> _scopes = new();

    // Controllers: the control_dependencies blocks in force, outermost first.
    private sealed record ScopeState(string NameScope, string Device, ControlController[] Controllers, VariableScopeState VariableScope);

    // One control_dependencies block: its control inputs and the ops created inside it.
    private sealed class ControlController(Operation[] inputs)
    {
        public Operation[] Inputs { get; } = inputs;
        public HashSet<Operation> Seen { get; } = [];
    }

    private ScopeState Current => _scopes.Value ?? Root;
    private static readonly ScopeState Root = new("", "", [], VariableScopeState.Root);

    internal string CurrentDevice => Current.Device;
    internal string CurrentNameScope => Current.NameScope;
    internal VariableScopeState CurrentVariableScope => Current.VariableScope;

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

    // A per-op pass of planning, optimized from its first call: it runs once per plan, so tiered compilation would
    // leave it unoptimized in a process that keeps making graphs or sessions.
    // A variable's name, taken as is and marked used, as its name scope would mark it in TF.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string ReserveExactName(string name)
    {
        string key = name.ToLowerInvariant();
        System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_namesInUse, key, out _)++;
        return name;
    }

    internal bool IsNameInUse(string name)
    {
        lock (_lock) return _namesInUse.ContainsKey(name.ToLowerInvariant());
    }

    // ops.py's _VALID_OP_NAME_REGEX (a scope at the root) and _VALID_SCOPE_NAME_REGEX (nested).
    [GeneratedRegex(@"^[A-Za-z0-9.][A-Za-z0-9_.\-/>]*$")]
    private static partial Regex ValidOpName();

    [GeneratedRegex(@"^[A-Za-z0-9_.\-/>]*$")]
    private static partial Regex ValidScopeName();

    internal static void CheckOpName(string name)
    {
        if (!ValidOpName().IsMatch(name))
            throw new ArgumentException($"'{name}' is not a valid name: use letters, digits and . _ - / >, starting with a letter, digit or '.'.");
    }

    internal IDisposable NameScope(string name)
    {
        bool nested = Current.NameScope.Length > 0;
        if (name.Length > 0 && !(nested ? ValidScopeName() : ValidOpName()).IsMatch(name))
            throw new ArgumentException($"'{name}' is not a valid scope name: use letters, digits and . _ - / >" +
                (nested ? "." : ", starting with a letter, digit or '.' at the root."));
        string scope;
        if (name.EndsWith('/')) scope = name[..^1];
        else if (name.Length == 0) scope = "";
        else scope = UniqueName(name);
        return Push(Current with { NameScope = scope });
    }

    // TensorFlow 1's variable_scope: variables inside are named `scope/…`, ops under a name scope of the same
    // name, which a re-entered scope makes unique (`scope_1/…`) while its variables keep `scope/…`.
    internal IDisposable VariableScope(string name, VariableReuse reuse, Initializer? initializer)
    {
        if (name.Length == 0 || !ValidScopeName().IsMatch(name) || name.EndsWith('/'))
            throw new ArgumentException($"'{name}' is not a valid variable scope name: use letters, digits and . _ - >, not empty and not ending in '/'.");
        var variables = Current.VariableScope.Enter(name, reuse, initializer);
        var nameScope = NameScope(name);
        var scope = Push(Current with { VariableScope = variables });
        return MakeScope(() =>
        {
            scope.Dispose();
            nameScope.Dispose();
        });
    }

    // Outside every variable scope: a variable named exactly as given (an optimizer's slot, whose variable's name
    // already holds the scopes).
    internal IDisposable RootVariableScope() => Push(Current with { VariableScope = VariableScopeState.Root });

    internal IDisposable DeviceScope(string spec) => Push(Current with { Device = spec });

    // A null list clears the enclosing dependencies, like tf.control_dependencies(None); ops
    // already waited on by an enclosing block are not repeated.
    internal IDisposable ControlDependencyScope(IReadOnlyList<Operation>? ops)
    {
        if (ops is null) return Push(Current with { Controllers = [] });
        foreach (var op in ops)
            if (op.Graph != this) throw new ArgumentException($"Control dependency '{op.Name}' belongs to another graph.");
        var controllers = Current.Controllers;
        var fresh = ops.Distinct().Where(op => !Array.Exists(controllers, c => c.Inputs.Contains(op))).ToArray();
        return Push(Current with { Controllers = [.. controllers, new ControlController(fresh)] });
    }

    private IDisposable Push(ScopeState state)
    {
        var previous = _scopes.Value;
        _scopes.Value = state;
        return MakeScope(() => _scopes.Value = previous);
    }

    // TensorFlow's _control_dependencies_for_inputs: a block adds nothing to an op that takes an
    // input made inside that block (the input already waits), nor a control input on an op it
    // already takes data from. Called under _lock.
    private Operation[] ControlInputsFor(Tensor[] inputs, Operation[]? explicitControl)
    {
        var controllers = Current.Controllers;
        if (controllers.Length == 0 && (explicitControl is null || explicitControl.Length == 0)) return [];
        var result = new List<Operation>();
        void Add(Operation op)
        {
            if (!result.Contains(op) && !Array.Exists(inputs, t => t.Op == op)) result.Add(op);
        }
        foreach (var controller in controllers)
            if (!Array.Exists(inputs, t => controller.Seen.Contains(t.Op)))
                foreach (var op in controller.Inputs) Add(op);
        foreach (var op in explicitControl ?? [])
        {
            if (op.Graph != this) throw new ArgumentException($"Control input '{op.Name}' belongs to another graph.");
            Add(op);
        }
        return result.ToArray();
    }

    private void RecordSeenByControllers(Operation op)
    {
        foreach (var controller in Current.Controllers) controller.Seen.Add(op);
    }
}
