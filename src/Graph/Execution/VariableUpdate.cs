namespace ActorGraph.Execution;

public enum UpdateKind
{
    Assign,
    AssignAdd,
    AssignSub,
    GradientDescent,
    Momentum,
    Adam,
}

// One write to a variable (and its optimizer slots), applied as a unit by whoever owns the variable.
// Operands: Assign* [value]; GradientDescent [lr, grad]; Momentum [lr, grad, momentum];
// Adam [lr, beta1, beta2, epsilon, grad]. Slots: Momentum [accumulation]; Adam [m, v, beta1Power, beta2Power].
public sealed record VariableUpdate(UpdateKind Kind, Operation Variable, Operation[] Slots, NDArray[] Operands);
