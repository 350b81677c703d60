using ActorGraph.Ops;

namespace ActorGraph;

public static partial class TF
{
    // One variable per name in a graph; its op is named exactly `scope/name` after the enclosing variable
    // scopes, outside name scopes (as tf.get_variable ignores tf.name_scope), and ignores enclosing control
    // dependencies. A scope's reuse mode decides whether an existing variable of that name is returned.
    public static Variable GetVariable(string name, Shape shape, DType dtype = DType.Float32,
        Initializer? initializer = null, bool trainable = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        var g = G;
        var scope = g.CurrentVariableScope;
        name = scope.FullName(name);
        Graph.CheckOpName(name);
        if (g.FindVariable(name) is { } existing)
        {
            if (scope.Reuse == VariableReuse.Inherit)
                throw new ArgumentException($"Variable {name} already exists, disallowed. Did you mean to set reuse=True or reuse=tf.AUTO_REUSE in VarScope? (TF.VariableScope(..., VariableReuse.Reuse) returns the existing variable; or pick another name.)");
            return Shared(existing, shape, dtype);
        }
        if (scope.Reuse == VariableReuse.Reuse)
            throw new ArgumentException($"Variable {name} does not exist, or was not created with tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in VarScope?");
        if (!shape.IsFullyDefined)
            throw new ArgumentException($"Variable {name}: shape {shape} must be fully defined; variables cannot have unknown dimensions.");
        var chosen = initializer ?? scope.Initializer ?? DefaultInitializer(dtype);
        return NewVariable(g, name, shape, dtype, trainable, () => chosen.Build(shape, dtype));
    }

    // A new variable named exactly `fullName`, its initial value built by `initialValue` under `fullName/Initializer`.
    private static Variable NewVariable(Graph g, string fullName, Shape shape, DType dtype, bool trainable, Func<Tensor> initialValue)
    {
        using (g.OutsideFunctions())
        using (g.ControlDependencyScope(null))
        {
            var op = g.AddOperation("VariableV2", [], new Dictionary<string, object>
            {
                ["dtype"] = dtype, ["shape"] = shape, ["trainable"] = trainable,
            }, fullName, creation: OpCreation.ExactName);
            var variable = (Variable)op.Outputs[0];
            using (g.NameScope(fullName + "/"))
            {
                using (g.NameScope("Initializer"))
                    variable.InitialValue = initialValue();
                variable.Initializer = Assign(variable, variable.InitialValue).Op;
            }
            return variable;
        }
    }

    // A reused variable must be asked for with the shape and dtype it has.
    private static Variable Shared(Variable existing, Shape shape, DType dtype)
    {
        if (!existing.Shape.Equals(shape))
            throw new ArgumentException($"Trying to share variable {existing.Op.Name}, but specified shape {shape} and found shape {existing.Shape}.");
        if (existing.DType != dtype)
            throw new ArgumentException($"Trying to share variable {existing.Op.Name}, but specified dtype {dtype.KernelName()} and found dtype {existing.DType.KernelName()}.");
        return existing;
    }

    // IDisposable so that `using (TF.VariableScope("layer")) { ... }` reads as TensorFlow's `with` block.
    public static IDisposable VariableScope(string name, VariableReuse reuse = VariableReuse.Inherit, Initializer? initializer = null) =>
        G.VariableScope(name, reuse, initializer);

    public static Tensor Assign(Variable target, Tensor value, string? name = null) => Op("Assign", [target, value], name);
    public static Tensor AssignAdd(Variable target, Tensor value, string? name = null) => Op("AssignAdd", [target, value], name);
    public static Tensor AssignSub(Variable target, Tensor value, string? name = null) => Op("AssignSub", [target, value], name);

    // Runs the initializers of the variables that exist now; later ones are not covered.
    public static Operation GlobalVariablesInitializer() => VariablesInitializer(G.Variables, "init");

    public static Operation VariablesInitializer(IEnumerable<Variable> variables) => VariablesInitializer(variables, "init");

    private static Operation VariablesInitializer(IEnumerable<Variable> variables, string name)
    {
        var list = variables.ToList();
        foreach (var v in list)
            if (v.Graph != G) throw new ArgumentException($"VariablesInitializer: variable {v.Op.Name} belongs to another graph than the default one.");
        return GroupNamed(name, list.Select(v => v.Initializer).ToArray());
    }

    public static IReadOnlyList<Variable> GlobalVariables() => G.Variables;

    public static IReadOnlyList<Variable> TrainableVariables() => G.Variables.Where(v => v.Trainable).ToArray();

    public static Initializer ConstantInitializer(double value) => new ConstantInitializer(value);
    public static Initializer ZerosInitializer() => new ConstantInitializer(0);
    public static Initializer OnesInitializer() => new ConstantInitializer(1);

    public static Initializer RandomNormalInitializer(double mean = 0, double stddev = 1, int? seed = null) =>
        new RandomInitializer("RandomStandardNormal", mean, stddev, seed);

    public static Initializer RandomUniformInitializer(double min = 0, double max = 1, int? seed = null) =>
        new RandomInitializer("RandomUniform", min, max - min, seed);

    // TF1's default for a variable: Glorot uniform for floats, zeros for integers and bools.
    private static Initializer DefaultInitializer(DType dtype) =>
        dtype is DType.Float32 or DType.Float64 ? GlorotUniformInitializer() : ZerosInitializer();

    // TF1's default: uniform in ±sqrt(6 / (fan_in + fan_out)).
    public static Initializer GlorotUniformInitializer(int? seed = null) => new GlorotUniformInitializer(seed);
}
