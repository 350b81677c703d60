using ActorGraph.Execution;
using ActorGraph.Training;

namespace ActorGraph.Ops;

// Sources, variables, assignments and the side-effect ops of the seed (Print, NoOp).
internal static class StateOps
{
    public static IEnumerable<OpDef> Defs =>
    [
        new()
        {
            Type = "Const",
            Infer = ctx => [new(ctx.Attr<NDArray>("value").DType, ctx.Attr<NDArray>("value").Shape)],
            Kernel = ctx => ctx.SetOutput(0, ctx.Op.Attr<NDArray>("value")),
            Traits = OpTraits.NoGradient,
        },
        new()
        {
            Type = "Placeholder",
            Infer = ctx => [new(ctx.Attr<DType>("dtype"), ctx.Attr<Shape>("shape"))],
            Kernel = ctx => throw new InvalidArgumentException($"You must feed a value for placeholder tensor '{ctx.Op.Name}'"),
            Traits = OpTraits.Placeholder | OpTraits.NoGradient,
        },
        new()
        {
            Type = "VariableV2",
            Infer = ctx => [new(ctx.Attr<DType>("dtype"), ctx.Attr<Shape>("shape"))],
            Kernel = ctx => ctx.SetOutput(0, ctx.Step.Variables.Read(ctx.Op)),
            Traits = OpTraits.Variable,
        },
        .. UpdateKinds.All.Where(r => r.Family == UpdateFamily.Assignment && !r.IsSparse).Select(r => Assignment(r.OpType, r.Kind)),
        new()
        {
            // Made by a worker from Assign(variable, generator) (GeneratedInitialValues): the variable's owner draws the value.
            Type = GeneratedInitialValues.AssignType, RefInputs = 1, Infer = Infer.NoOutputs,
            Traits = OpTraits.WritesVariable | OpTraits.NoGradient,
            Kernel = ctx => ctx.Step.Variables.Update(new VariableUpdate(UpdateKind.Assign, ctx.Op.RefInput(0), [], [])
                { Generator = GeneratedInitialValues.GeneratorOf(ctx.Op) }),
        },
        new()
        {
            Type = "Identity", Infer = Infer.SameAsInput,
            Kernel = ctx => ctx.SetOutput(0, ctx.Input(0)),
            Gradient = g => [g.Grad],
        },
        new()
        {
            Type = "NoOp", Infer = Infer.NoOutputs, Traits = OpTraits.NoGradient,
        },
        new()
        {
            Type = "Print", Infer = Infer.SameAsInput, Kernel = Print, Traits = OpTraits.Stateful | OpTraits.Print,
            Gradient = g => [g.Grad, .. Enumerable.Repeat<Tensor?>(null, g.Op.Inputs.Count - 1)],
        },
    ];

    private static OpDef Assignment(string type, UpdateKind kind) => new()
    {
        Type = type,
        RefInputs = 1,
        Traits = OpTraits.WritesVariable | OpTraits.NoGradient,
        Infer = ctx =>
        {
            ctx.ExpectInputs(2);
            Tensor target = ctx.Input(0), value = ctx.Input(1);
            if (!target.Op.Def.IsVariable) throw ctx.Error($"the target '{target.Name}' is not a variable");
            if (target.DType != value.DType)
                throw ctx.Error($"the value is {value.DType.PythonName()} but variable {target.Op.Name} is {target.DType.PythonName()}; use TF.Cast");
            if (!target.Shape.IsCompatibleWith(value.Shape))
                throw ctx.Error($"the value has shape {value.Shape} but variable {target.Op.Name} has shape {target.Shape}");
            return [new(target.DType, target.Shape)];
        },
        Kernel = ctx =>
        {
            var value = ctx.Input(1);
            var declared = ctx.Op.InputArray[0].Shape;
            if (!declared.IsCompatibleWith(value.Shape))
                throw new InvalidArgumentException($"{ctx.Op.Type} (op '{ctx.Op.Name}'): the value has shape {value.Shape} but variable {ctx.Op.RefInput(0).Name} has shape {declared}.");
            ctx.SetOutput(0, ctx.Step.Variables.Update(new VariableUpdate(kind, ctx.Op.RefInput(0), [], [value])));
        },
    };

    private static readonly object PrintLock = new();

    // One line: the message, then each data value in brackets: "[2][3]".
    private static void Print(KernelContext ctx)
    {
        var line = new System.Text.StringBuilder(ctx.Op.Attr("message", ""));
        for (int i = 1; i < ctx.Inputs.Length; i++)
        {
            var v = ctx.Input(i);
            line.Append(v.Shape.Rank == 0 ? $"[{v.PrintText()}]" : v.PrintText());
        }
        lock (PrintLock) ctx.Step.PrintOutput.WriteLine(line.ToString());
        ctx.SetOutput(0, ctx.Input(0));
    }
}
