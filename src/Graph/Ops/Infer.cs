using ActorGraph.Kernels;

namespace ActorGraph.Ops;

// Inference rules shared by many ops.
public static class Infer
{
    public static TensorSpec[] SameAsInput(InferContext ctx) => [new(ctx.Input(0).DType, ctx.Input(0).Shape)];

    public static TensorSpec[] NoOutputs(InferContext ctx) => [];

    public static TensorSpec[] NumericUnary(InferContext ctx)
    {
        ctx.ExpectInputs(1);
        ctx.ExpectDType(0, d => d.IsNumeric(), "numeric");
        return SameAsInput(ctx);
    }

    public static TensorSpec[] FloatingUnary(InferContext ctx)
    {
        ctx.ExpectInputs(1);
        ctx.ExpectDType(0, d => d.IsFloating(), "float32 or float64");
        return SameAsInput(ctx);
    }

    public static Shape BroadcastShapes(InferContext ctx)
    {
        Shape a = ctx.Input(0).Shape, b = ctx.Input(1).Shape;
        return Broadcast.StaticShape(a, b)
            ?? throw ctx.Error($"shapes {a} and {b} cannot broadcast (NumPy rules: trailing dimensions must be equal or 1); inputs: {ctx.Describe()}");
    }

    public static TensorSpec[] NumericBinary(InferContext ctx)
    {
        ctx.ExpectInputs(2);
        var dtype = ctx.SameDType();
        if (!dtype.IsNumeric()) throw ctx.Error($"inputs must be numeric, got {ctx.Describe()}");
        return [new(dtype, BroadcastShapes(ctx))];
    }

    public static TensorSpec[] FloatingBinary(InferContext ctx)
    {
        ctx.ExpectInputs(2);
        var dtype = ctx.SameDType();
        if (!dtype.IsFloating()) throw ctx.Error($"inputs must be float32 or float64, got {ctx.Describe()}");
        return [new(dtype, BroadcastShapes(ctx))];
    }

    public static TensorSpec[] Comparison(InferContext ctx)
    {
        ctx.ExpectInputs(2);
        ctx.SameDType();
        return [new(DType.Bool, BroadcastShapes(ctx))];
    }
}
