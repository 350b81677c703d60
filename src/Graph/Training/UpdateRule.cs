using ActorGraph.Execution;

namespace ActorGraph.Training;

// An input of an update with TensorFlow's name: a scalar hyperparameter, or a tensor shaped like the variable.
public readonly record struct UpdateInput(string Name, bool Scalar = false);

// Which TensorFlow kernels a kind follows, for its op and its error texts: dense_update_ops (Assign*) or training_ops (Apply*).
public enum UpdateFamily
{
    Assignment,
    Training,
}

// One element type's arithmetic of an update: writes the variable's `value` (and the slots) in place.
public delegate void UpdateArithmetic<T>(Span<T> value, UpdateInputs inputs) where T : unmanaged;

// Everything about one kind of variable write (UpdateKinds declares each once). Operands and Slots: the update's
// inputs in VariableUpdate's order, which is the op's after the variable. Gradient: the operand that is a gradient
// (the replicas of a data-parallel step average it). Replayable: a worker may apply it to its own copy of the
// variable, which needs every input at the worker (a slot lives on the parameter server only).
// Creates: the update writes the whole value, so the variable need not exist yet. An element type without
// arithmetic is one whose variables cannot take the update.
public sealed record UpdateRule(
    UpdateKind Kind,
    string OpType,
    UpdateFamily Family,
    UpdateInput[] Operands,
    UpdateInput[] Slots,
    int? Gradient,
    bool Replayable,
    UpdateArithmetic<float>? Float32 = null,
    UpdateArithmetic<double>? Float64 = null,
    UpdateArithmetic<int>? Int32 = null,
    UpdateArithmetic<long>? Int64 = null)
{
    public bool Creates { get; init; }

    // The operand shaped like the variable: the gradient, else the value.
    public int Delta => Gradient ?? 0;

    public bool TakesIntegers => Int32 is not null || Int64 is not null;
}

// An update's operands and slots as its arithmetic reads them.
public readonly struct UpdateInputs(string variable, NDArray?[] slots, NDArray[] operands)
{
    public T Scalar<T>(int operand) where T : unmanaged => operands[operand].Span<T>()[0];

    public ReadOnlySpan<T> Tensor<T>(int operand) where T : unmanaged => operands[operand].Span<T>();

    public Span<T> Slot<T>(int slot) where T : unmanaged => (slots[slot] ?? throw new FailedPreconditionException(
        $"Attempting to use uninitialized value of an optimizer slot of {variable}; run TF.GlobalVariablesInitializer() after creating the optimizer's Minimize op.")).Span<T>();
}
