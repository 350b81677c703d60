using ActorGraph.Ops;

namespace ActorGraph;

public static partial class TF
{
    // One variable per name in a graph; its op is named exactly `name`, outside name scopes
    // (as tf.get_variable ignores tf.name_scope), and ignores enclosing control dependencies.
    public static Variable GetVariable(string name, Shape shape, DType dtype = DType.Float32,
        Initializer? initializer = null, bool trainable = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        Graph.CheckOpName(name);
        var g = G;
        if (g.FindVariable(name) is not null)
            throw new ArgumentException($"Variable {name} already exists, disallowed: a graph holds one variable per name. Keep the Variable the first GetVariable returned and use it again, or pick another name.");
        if (!shape.IsFullyDefined)
            throw new ArgumentException($"Variable {name}: shape {shape} must be fully defined; variables cannot have unknown dimensions.");
        using (g.ControlDependencyScope(null))
        {
            var op = g.AddOperation("VariableV2", [], new Dictionary<string, object>
            {
                ["dtype"] = dtype, ["shape"] = shape, ["trainable"] = trainable,
            }, name, creation: OpCreation.ExactName);
            var variable = (Variable)op.Outputs[0];
            using (g.NameScope(name + "/"))
            {
                using (g.NameScope("Initializer"))
                    variable.InitialValue = (initializer ?? GlorotUniformInitializer()).Build(shape, dtype);
                variable.Initializer = Assign(variable, variable.InitialValue).Op;
            }
            return variable;
        }
    }

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

    // TF1's default: uniform in ±sqrt(6 / (fan_in + fan_out)).
    public static Initializer GlorotUniformInitializer(int? seed = null) => new GlorotUniformInitializer(seed);
}
