namespace ActorGraph;

// Adds update ops to the graph; Minimize = ComputeGradients + ApplyGradients, as in TF1.
public abstract partial class Optimizer
{
    protected Optimizer(string name) => Name = name;

    public string Name { get; }

    public Operation Minimize(Tensor loss, IEnumerable<Variable>? varList = null)
    {
        if (varList is null && HashLookupsOnPath(loss) is { Length: > 0 } lookups) return MinimizeWithHashTables(loss, lookups);
        var gradsAndVars = ComputeGradients(loss, varList);
        if (gradsAndVars.All(p => p.Gradient is null))
            throw new ArgumentException($"{Name}.Minimize: no gradient flows from '{loss.Name}' to any of the variables " +
                $"[{string.Join(", ", gradsAndVars.Select(p => p.Variable.VariableName))}]; the loss does not depend on them.");
        return ApplyGradients(gradsAndVars);
    }

    // Without varList: the trainable variables on the loss's computation path.
    public IReadOnlyList<(Tensor? Gradient, Variable Variable)> ComputeGradients(Tensor loss, IEnumerable<Variable>? varList = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        if (!loss.DType.IsFloating())
            throw new ArgumentException($"{Name}: the loss '{loss.Name}' is {loss.DType.PythonName()}; it must be float32 or float64.");
        var variables = (varList ?? TrainableOnPath(loss)).ToArray();
        if (variables.Length == 0)
            throw new ArgumentException($"{Name}: no trainable variables on the computation path of '{loss.Name}' to optimize.");
        var grads = TF.Gradients(loss, variables);
        return variables.Select((v, i) => (grads[i], v)).ToArray();
    }

    public Operation ApplyGradients(IEnumerable<(Tensor? Gradient, Variable Variable)> gradsAndVars) => Apply(gradsAndVars, []);

    private Operation Apply(IEnumerable<(Tensor? Gradient, Variable Variable)> gradsAndVars, IReadOnlyList<HashGradient> hashGradients)
    {
        var pairs = gradsAndVars.Where(p => p.Gradient is not null).ToArray();
        var graph = Graph.Default;
        var updates = new List<Operation>();
        string scope;
        using (graph.NameScope(Name))
        {
            scope = graph.CurrentNameScope;
            foreach (var (grad, variable) in pairs)
                using (graph.DeviceScope(variable.Op.Device))
                using (graph.NameScope("update_" + variable.VariableName))
                    updates.Add((grad is IndexedSlices slices ? ApplySparse(slices, variable) : ApplyDense(grad!, variable)).Op);
            foreach (var hash in hashGradients)
                using (graph.DeviceScope(hash.Part.Op.Device))
                using (graph.NameScope("update_" + hash.Part.Op.Name))
                    updates.Add(ApplyHashSparse(hash.Part, hash.Values, hash.Ids)
                        ?? throw new ArgumentException($"{Name} cannot train hash embedding {hash.Part.Op.Attr<string>("table")}; use GradientDescent, Momentum, Adam or Adagrad."));
        }
        // As TF1's apply_gradients, the train op takes its name scope's name: "GradientDescent", "GradientDescent_1".
        return TF.GroupNamed(scope + "/", updates);
    }

    protected abstract Tensor ApplyDense(Tensor grad, Variable variable);

    // An IndexedSlices gradient: the touched rows only (repeated indices summed by the update). An optimizer
    // without a sparse update applies its dense value.
    protected virtual Tensor ApplySparse(IndexedSlices grad, Variable variable) => ApplyDense(grad, variable);

    // A non-trainable variable beside `variable` (same device), created and initialized like any variable, named
    // `variable/slotName` whatever variable scope Minimize runs in.
    protected static Variable Slot(Variable variable, string slotName, double initialValue)
    {
        var graph = variable.Graph;
        string name = $"{variable.VariableName}/{slotName}";
        for (int i = 1; graph.FindVariable(name) is not null; i++) name = $"{variable.VariableName}/{slotName}_{i}";
        using (graph.NameScope(""))
        using (graph.RootVariableScope())
        using (graph.DeviceScope(variable.Op.Device))
            return TF.GetVariable(name, variable.Shape, variable.DType, TF.ConstantInitializer(initialValue), trainable: false);
    }

    protected static Variable ScalarSlot(Variable variable, string slotName, double initialValue)
    {
        var graph = variable.Graph;
        string name = $"{variable.VariableName}/{slotName}";
        for (int i = 1; graph.FindVariable(name) is not null; i++) name = $"{variable.VariableName}/{slotName}_{i}";
        using (graph.NameScope(""))
        using (graph.RootVariableScope())
        using (graph.DeviceScope(variable.Op.Device))
            return TF.GetVariable(name, [], variable.DType, TF.ConstantInitializer(initialValue), trainable: false);
    }

    protected static Tensor Scalar(Variable like, double value) => TF.ScalarLike(like, value);

    private static IEnumerable<Variable> TrainableOnPath(Tensor loss)
    {
        var onPath = Execution.Pruning.ComputationPath([loss.Op], new HashSet<Tensor>());
        return loss.Graph.Variables.Where(v => v.Trainable && onPath.Contains(v.Op));
    }
}

public sealed class GradientDescentOptimizer(double learningRate) : Optimizer("GradientDescent")
{
    public double LearningRate { get; } = learningRate;

    protected override Tensor ApplyDense(Tensor grad, Variable variable) =>
        TF.Op("ApplyGradientDescent", [variable, Scalar(variable, LearningRate), grad]);

    protected override Tensor ApplySparse(IndexedSlices grad, Variable variable) =>
        TF.Op("SparseApplyGradientDescent", [variable, Scalar(variable, LearningRate), grad.Values, grad.Indices]);

    private protected override Operation ApplyHashSparse(Tensor part, Tensor values, Tensor ids) =>
        HashApply(part, "SparseApplyGradientDescent", [TF.ScalarLike(values, LearningRate), values, ids], []);
}

public sealed class MomentumOptimizer(double learningRate, double momentum) : Optimizer("Momentum")
{
    public double LearningRate { get; } = learningRate;
    public double Momentum { get; } = momentum;

    protected override Tensor ApplyDense(Tensor grad, Variable variable)
    {
        var accumulation = Slot(variable, "Momentum", 0);
        return TF.Op("ApplyMomentum", [variable, accumulation, Scalar(variable, LearningRate), grad, Scalar(variable, Momentum)]);
    }

    protected override Tensor ApplySparse(IndexedSlices grad, Variable variable)
    {
        var accumulation = Slot(variable, "Momentum", 0);
        return TF.Op("SparseApplyMomentum", [variable, accumulation, Scalar(variable, LearningRate), grad.Values, grad.Indices, Scalar(variable, Momentum)]);
    }

    private protected override Operation ApplyHashSparse(Tensor part, Tensor values, Tensor ids) =>
        HashApply(part, "SparseApplyMomentum", [TF.ScalarLike(values, LearningRate), values, ids, TF.ScalarLike(values, Momentum)], [("Momentum", 0)]);
}

public sealed class AdamOptimizer(double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    : Optimizer("Adam")
{
    public double LearningRate { get; } = learningRate;
    public double Beta1 { get; } = beta1;
    public double Beta2 { get; } = beta2;
    public double Epsilon { get; } = epsilon;

    // The beta powers live beside each variable (not once per optimizer as in TF1) so that one
    // parameter server applies a variable's whole Adam step atomically; the arithmetic is TF's.
    protected override Tensor ApplyDense(Tensor grad, Variable variable)
    {
        var m = Slot(variable, "Adam", 0);
        var v = Slot(variable, "Adam_1", 0);
        var beta1Power = ScalarSlot(variable, "Adam_beta1_power", Beta1);
        var beta2Power = ScalarSlot(variable, "Adam_beta2_power", Beta2);
        return TF.Op("ApplyAdam", [variable, m, v, beta1Power, beta2Power,
            Scalar(variable, LearningRate), Scalar(variable, Beta1), Scalar(variable, Beta2), Scalar(variable, Epsilon), grad]);
    }

    // Lazy: only the looked-up rows' moments move (TensorFlow 1's Adam decays every row's on each sparse step).
    protected override Tensor ApplySparse(IndexedSlices grad, Variable variable)
    {
        var m = Slot(variable, "Adam", 0);
        var v = Slot(variable, "Adam_1", 0);
        var beta1Power = ScalarSlot(variable, "Adam_beta1_power", Beta1);
        var beta2Power = ScalarSlot(variable, "Adam_beta2_power", Beta2);
        return TF.Op("SparseApplyAdam", [variable, m, v, beta1Power, beta2Power,
            Scalar(variable, LearningRate), Scalar(variable, Beta1), Scalar(variable, Beta2), Scalar(variable, Epsilon), grad.Values, grad.Indices]);
    }

    // Lazy as on a partitioned table; the beta powers are one pair per part.
    private protected override Operation ApplyHashSparse(Tensor part, Tensor values, Tensor ids) =>
        HashApply(part, "SparseApplyAdam", [TF.ScalarLike(values, LearningRate), TF.ScalarLike(values, Beta1), TF.ScalarLike(values, Beta2), TF.ScalarLike(values, Epsilon), values, ids],
            [("Adam", 0), ("Adam_1", 0), ("Adam_beta1_power", Beta1), ("Adam_beta2_power", Beta2)]);
}

// TensorFlow 1's AdagradOptimizer: a per-element sum of squared gradients, starting at initialAccumulatorValue,
// scales each step.
public sealed class AdagradOptimizer : Optimizer
{
    public AdagradOptimizer(double learningRate, double initialAccumulatorValue = 0.1) : base("Adagrad")
    {
        if (initialAccumulatorValue <= 0)
            throw new ArgumentException($"AdagradOptimizer: initialAccumulatorValue must be positive, got {initialAccumulatorValue}.", nameof(initialAccumulatorValue));
        LearningRate = learningRate;
        InitialAccumulatorValue = initialAccumulatorValue;
    }

    public double LearningRate { get; }
    public double InitialAccumulatorValue { get; }

    protected override Tensor ApplyDense(Tensor grad, Variable variable) =>
        TF.Op("ApplyAdagrad", [variable, Slot(variable, "Adagrad", InitialAccumulatorValue), Scalar(variable, LearningRate), grad]);

    protected override Tensor ApplySparse(IndexedSlices grad, Variable variable) =>
        TF.Op("SparseApplyAdagrad", [variable, Slot(variable, "Adagrad", InitialAccumulatorValue), Scalar(variable, LearningRate), grad.Values, grad.Indices]);

    private protected override Operation ApplyHashSparse(Tensor part, Tensor values, Tensor ids) =>
        HashApply(part, "SparseApplyAdagrad", [TF.ScalarLike(values, LearningRate), values, ids], [("Adagrad", InitialAccumulatorValue)]);
}
