namespace ActorGraph.Execution;

public enum UpdateKind
{
    Assign,
    AssignAdd,
    AssignSub,
    GradientDescent,
    Momentum,
    Adam,
    ScatterAdd,
    ScatterSub,
    ScatterUpdate,
    SparseGradientDescent,
    SparseMomentum,
    SparseAdam,
    Adagrad,
    SparseAdagrad,
}

// One write to a variable (and its optimizer slots), applied as a unit by whoever owns the variable.
// Operands and Slots in the order Training.UpdateKinds declares for Kind. Generator (an Assign only): no operands, the
// value is drawn by this op where the variable lives (GeneratedInitialValues).
public sealed record VariableUpdate(UpdateKind Kind, Operation Variable, Operation[] Slots, NDArray[] Operands)
{
    // An update of a hash table part (Variable is its HashTable op): its slots live in the part, by name.
    public HashTables.HashSlots? HashSlots { get; init; }
    public Wire.OperationDef? Generator { get; init; }
}
