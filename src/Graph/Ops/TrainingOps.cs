using ActorGraph.Execution;
using ActorGraph.Training;

namespace ActorGraph.Ops;

// Optimizer updates: the variable and its slots are reference inputs; running the op sends one
// atomic update to whoever owns the variable (the in-process store or its parameter server).
// Inputs: the variable, its slots, then the operands, in the order UpdateKinds declares them.
internal static class TrainingOps
{
    public static IEnumerable<OpDef> Defs => UpdateKinds.All.Where(r => r.Family == UpdateFamily.Training && !r.IsSparse).Select(Update);

    private static OpDef Update(UpdateRule rule)
    {
        var (kind, refs) = (rule.Kind, 1 + rule.Slots.Length);
        int gradInput = refs + (rule.Gradient ?? throw new InvalidOperationException($"Training update {kind} declares no gradient."));
        return Update(rule.OpType, kind, refs, gradInput, inputs: refs + rule.Operands.Length);
    }

    private static OpDef Update(string type, UpdateKind kind, int refs, int gradInput, int inputs) => new()
    {
        Type = type,
        RefInputs = refs,
        Traits = OpTraits.WritesVariable | OpTraits.NoGradient,
        Infer = ctx =>
        {
            ctx.ExpectInputs(inputs);
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
