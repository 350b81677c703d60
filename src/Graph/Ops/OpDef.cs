namespace ActorGraph.Ops;

// One registry entry per op: its shape/dtype inference, CPU kernel and gradient side by side.
public sealed class OpDef
{
    public required string Type { get; init; }

    // Base name for unnamed ops: TensorFlow names an Add "add", a Const "Const".
    public string? Name { get; init; }
    public string DefaultName => Name ?? Type;

    public required Func<InferContext, TensorSpec[]> Infer { get; init; }

    // Null for ops with no kernel of their own (the runtime handles them, e.g. NoOp).
    public Action<KernelContext>? Kernel { get; init; }

    // Builds the gradient graph: one entry per input (null where none flows).
    // Null means "not differentiable": TF.Gradients fails loudly, naming the op.
    public Func<GradContext, Tensor?[]>? Gradient { get; init; }

    public OpTraits Traits { get; init; }

    // The first RefInputs inputs name variables to update; computation does not flow through them.
    public int RefInputs { get; init; }

    public bool IsVariable => Traits.HasFlag(OpTraits.Variable);
    public bool IsStateful => (Traits & (OpTraits.Stateful | OpTraits.Variable | OpTraits.WritesVariable)) != 0;
}

[Flags]
public enum OpTraits
{
    None = 0,
    // Has a side effect or a value that is not a pure function of its inputs (Print, random).
    Stateful = 1,
    // Holds a variable's state (VariableV2).
    Variable = 2,
    // Writes the variables named by its reference inputs (Assign, optimizer updates).
    WritesVariable = 4,
    Placeholder = 8,
    // Has no gradient by nature (comparisons, ArgMax, shape-only ops): gradients stop here quietly.
    NoGradient = 16,
    // Prints a line when it runs.
    Print = 32,
    // Its output is the dense value of an IndexedSlices (inputs: values, indices): the graph makes it one.
    DensifiesSlices = 64,
}

public readonly record struct TensorSpec(DType DType, Shape Shape);
