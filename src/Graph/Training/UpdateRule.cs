using ActorGraph.Execution;

namespace ActorGraph.Training;

// What an update's input looks like beside its variable.
public enum OperandForm
{
    // Shaped like the variable (a dense gradient, an assigned value).
    LikeVariable,
    // A scalar hyperparameter of the variable's dtype.
    Scalar,
    // int32 or int64 row numbers along the variable's axis 0 (a sparse update's indices).
    Indices,
    // One row per index: shape indices.shape + variable.shape[1:] (a sparse gradient's values, a scatter's updates).
    Rows,
}

// An input of an update with TensorFlow's name.
public readonly record struct UpdateInput(string Name, OperandForm Form = OperandForm.LikeVariable)
{
    public bool Scalar => Form == OperandForm.Scalar;
}

// Which TensorFlow kernels a kind follows, for its op and its error texts: dense_update_ops and state_ops' scatters
// (Assign*, Scatter*) or training_ops (Apply*, SparseApply*).
public enum UpdateFamily
{
    Assignment,
    Training,
}

// One element type's arithmetic of an update: writes the variable's `value` (and the slots) in place.
public delegate void UpdateArithmetic<T>(Span<T> value, UpdateInputs inputs) where T : unmanaged;

// One element type's arithmetic of a sparse update over the whole storage: only the rows in `inputs.Rows` change
// (each once: UpdateRules has already merged repeated indices).
public delegate void SparseArithmetic<T>(Span<T> value, SparseInputs inputs) where T : unmanaged;

// Everything about one kind of variable write (UpdateKinds declares each once). Operands and Slots: the update's
// inputs in VariableUpdate's order, which is the op's after the variable. Gradient: the operand that is a gradient
// (the replicas of a data-parallel step average it). Replayable: a worker may apply it to its own copy of the
// variable, which needs every input at the worker (a slot lives on the parameter server only).
// Creates: the update writes the whole value, so the variable need not exist yet. An element type without
// arithmetic is one whose variables cannot take the update. A sparse kind (one Indices operand) has Sparse*
// arithmetic instead of the dense one.
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

    public SparseArithmetic<float>? SparseFloat32 { get; init; }
    public SparseArithmetic<double>? SparseFloat64 { get; init; }
    public SparseArithmetic<int>? SparseInt32 { get; init; }
    public SparseArithmetic<long>? SparseInt64 { get; init; }

    // A slot that is one scalar per variable (Adam's beta powers): it advances once per update, so the update's rows
    // cannot be split between threads.
    public bool HasScalarSlot { get; } = Array.Exists(Slots, s => s.Scalar);

    // Repeated indices add up before the update (every sparse kind but ScatterUpdate, where the last one wins).
    public bool SumsRepeatedIndices { get; init; } = true;

    // The operand holding the row numbers of a sparse kind; -1 for a dense kind.
    public int Indices => Array.FindIndex(Operands, o => o.Form == OperandForm.Indices);

    public bool IsSparse => Indices >= 0;

    // The operand shaped like the variable (or like its rows, for a sparse kind): the gradient, else the value.
    public int Delta => Gradient ?? Math.Max(0, Array.FindIndex(Operands, o => o.Form is OperandForm.LikeVariable or OperandForm.Rows));

    public bool TakesIntegers => Int32 is not null || Int64 is not null || SparseInt32 is not null || SparseInt64 is not null;
}

// An update's operands and slots as its arithmetic reads them.
public readonly struct UpdateInputs(string variable, NDArray?[] slots, NDArray[] operands)
{
    public T Scalar<T>(int operand) where T : unmanaged => operands[operand].Span<T>()[0];

    public ReadOnlySpan<T> Tensor<T>(int operand) where T : unmanaged => operands[operand].Span<T>();

    public Span<T> Slot<T>(int slot) where T : unmanaged => UpdateSlots.Of<T>(variable, slots, slot);
}

// A sparse update as its arithmetic reads it: the distinct rows it touches, each one's merged value (the i-th goes
// to row Rows[i] of the variable), each RowLength elements long, the scalar operands and the slots' whole storage.
// FirstValue: the merged value of Rows[0] is the FirstValue-th of `values` (a share of an update's rows).
public readonly ref struct SparseInputs(string variable, NDArray?[] slots, NDArray[] operands, ReadOnlySpan<long> rows, NDArray values, int rowLength,
    int firstValue = 0)
{
    private readonly NDArray _values = values;

    public ReadOnlySpan<long> Rows { get; } = rows;
    public int RowLength { get; } = rowLength;

    public T Scalar<T>(int operand) where T : unmanaged => operands[operand].Span<T>()[0];

    public Span<T> Slot<T>(int slot) where T : unmanaged => UpdateSlots.Of<T>(variable, slots, slot);

    // The merged value for the i-th touched row.
    public ReadOnlySpan<T> Value<T>(int i) where T : unmanaged => _values.Span<T>().Slice((firstValue + i) * RowLength, RowLength);

    // The merged values of every row, row after row: loops over many short rows read it once rather than per row.
    public ReadOnlySpan<T> Values<T>() where T : unmanaged => _values.Span<T>().Slice(firstValue * RowLength, Rows.Length * RowLength);

    // The i-th touched row of the variable's (or a slot's) storage.
    public Span<T> Row<T>(Span<T> storage, int i) where T : unmanaged => storage.Slice((int)Rows[i] * RowLength, RowLength);
}

internal static class UpdateSlots
{
    public static Span<T> Of<T>(string variable, NDArray?[] slots, int slot) where T : unmanaged => (slots[slot] ?? throw new FailedPreconditionException(
        $"Attempting to use uninitialized value of an optimizer slot of {variable}; run TF.GlobalVariablesInitializer() after creating the optimizer's Minimize op.")).Span<T>();
}
