using ActorGraph.Execution;
using ActorGraph.Training;

namespace ActorGraph.Ops;

// The sparse variable writes (ScatterAdd/Sub/Update, SparseApply*): the variable and its slots are reference inputs,
// then the operands in the order UpdateKinds declares them. Running one sends one atomic update of the named rows
// to whoever owns the variable; an index out of range fails it before any row changes.
internal static class SparseUpdateOps
{
    public static IEnumerable<OpDef> Defs => UpdateKinds.All.Where(r => r.IsSparse).Select(Update);

    private static OpDef Update(UpdateRule rule)
    {
        int refs = 1 + rule.Slots.Length, inputs = refs + rule.Operands.Length;
        return new()
        {
            Type = rule.OpType,
            RefInputs = refs,
            Traits = OpTraits.WritesVariable | OpTraits.NoGradient,
            Infer = ctx => Infer(ctx, rule, refs, inputs),
            Kernel = ctx =>
            {
                var slots = new Operation[refs - 1];
                for (int i = 1; i < refs; i++) slots[i - 1] = ctx.Op.RefInput(i);
                ctx.SetOutput(0, ctx.Step.Variables.Update(new VariableUpdate(rule.Kind, ctx.Op.RefInput(0), slots, ctx.Inputs[refs..])));
            },
        };
    }

    private static TensorSpec[] Infer(InferContext ctx, UpdateRule rule, int refs, int inputs)
    {
        ctx.ExpectInputs(inputs);
        var variable = ctx.Input(0);
        for (int i = 0; i < refs; i++)
            if (!ctx.Input(i).Op.Def.IsVariable) throw ctx.Error($"input {i} ('{ctx.Input(i).Name}') must be a variable");
        if (variable.Shape.Rank == 0) throw ctx.Error($"variable {variable.Op.Name} is a scalar; a sparse update needs at least one axis of rows");
        var indices = ctx.Input(refs + rule.Indices);
        if (!indices.DType.IsInteger()) throw ctx.Error($"indices must be int32 or int64, got {indices.DType.PythonName()}");
        for (int o = 0; o < rule.Operands.Length; o++)
        {
            var operand = ctx.Input(refs + o);
            switch (rule.Operands[o].Form)
            {
                case OperandForm.Scalar when operand.DType != variable.DType || !operand.Shape.IsCompatibleWith(Shape.Scalar):
                    throw ctx.Error($"{rule.Operands[o].Name} must be a {variable.DType.PythonName()} scalar like variable {variable.Op.Name}; got {ctx.Describe()}");
                case OperandForm.Rows:
                    if (operand.DType != variable.DType)
                        throw ctx.Error($"{rule.Operands[o].Name} must be {variable.DType.PythonName()} like variable {variable.Op.Name}, got {operand.DType.PythonName()}; use TF.Cast");
                    if (!indices.Shape.IsUnknownRank && !variable.Shape.IsUnknownRank
                        && !operand.Shape.IsCompatibleWith(Shape.Own([.. indices.Shape.Dims, .. variable.Shape.Dims[1..]])))
                        throw ctx.Error($"{rule.Operands[o].Name} must have shape indices.shape + variable.shape[1:] = " +
                            $"{Shape.Own([.. indices.Shape.Dims, .. variable.Shape.Dims[1..]])}, got {operand.Shape}");
                    break;
            }
        }
        return [new(variable.DType, variable.Shape)];
    }
}
