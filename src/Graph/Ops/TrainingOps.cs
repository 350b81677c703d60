using ActorGraph.Execution;

namespace ActorGraph.Ops;

// Optimizer updates: the variable and its slots are reference inputs; running the op sends one
// atomic update to whoever owns the variable (the in-process store or its parameter server).
internal static class TrainingOps
{
    public static IEnumerable<OpDef> Defs =>
    [
        // [var] lr, grad
        Update("ApplyGradientDescent", UpdateKind.GradientDescent, refs: 1, gradInput: 2),
        // [var, accum] lr, grad, momentum
        Update("ApplyMomentum", UpdateKind.Momentum, refs: 2, gradInput: 3),
        // [var, m, v, beta1_power, beta2_power] lr, beta1, beta2, epsilon, grad
        Update("ApplyAdam", UpdateKind.Adam, refs: 5, gradInput: 9),
    ];

    private static OpDef Update(string type, UpdateKind kind, int refs, int gradInput) => new()
    {
        Type = type,
        RefInputs = refs,
        Traits = OpTraits.WritesVariable | OpTraits.NoGradient,
        Infer = ctx =>
        {
            Tensor variable = ctx.Input(0), grad = ctx.Input(gradInput);
            for (int i = 0; i < refs; i++)
                if (!ctx.Input(i).Op.Def.IsVariable) throw ctx.Error($"input {i} ('{ctx.Input(i).Name}') must be a variable");
            for (int i = 1; i < ctx.Inputs.Length; i++)
                if (ctx.Input(i).DType != variable.DType)
                    throw ctx.Error($"every input must be {variable.DType.PythonName()} like variable {variable.Op.Name}; got {ctx.Describe()}");
            if (!variable.Shape.IsCompatibleWith(grad.Shape))
                throw ctx.Error($"the gradient has shape {grad.Shape} but variable {variable.Op.Name} has shape {variable.Shape}");
            return [new(variable.DType, variable.Shape)];
        },
        Kernel = ctx =>
        {
            var slots = new Operation[refs - 1];
            for (int i = 1; i < refs; i++) slots[i - 1] = ctx.Op.RefInput(i);
            var operands = ctx.Inputs[refs..];
            ctx.SetOutput(0, ctx.Step.Variables.Update(new VariableUpdate(kind, ctx.Op.RefInput(0), slots, operands)));
        },
    };
}
