using ActorGraph.Kernels;

namespace ActorGraph.Ops;

// Losses that need a kernel of their own; the others (L2Loss, sigmoid cross-entropy) are builders in TF.Losses.cs.
internal static class Losses
{
    public static IEnumerable<OpDef> Defs =>
    [
        new()
        {
            // Inputs (logits [batch, classes], labels int [batch]); outputs (loss [batch], backprop = softmax − one_hot(labels)).
            Type = "SparseSoftmaxCrossEntropyWithLogits", Infer = InferSparse, Kernel = Sparse,
            Gradient = g =>
            {
                if (g.OutputGrads[1] is not null)
                    throw new ArgumentException($"{g.Op.Type} (op '{g.Op.Name}'): no gradient flows through its backprop output (output 1); differentiate the loss, output 0.");
                return [g.Output(1) * TF.Reshape(g.Grad, [-1, 1]), null];
            },
        },
    ];

    private static TensorSpec[] InferSparse(InferContext ctx)
    {
        ctx.ExpectInputs(2);
        ctx.ExpectDType(0, d => d.IsFloating(), "float32 or float64 logits");
        ctx.ExpectDType(1, d => d.IsInteger(), "int32 or int64 labels");
        Shape logits = ctx.Input(0).Shape, labels = ctx.Input(1).Shape;
        if (logits.Rank is >= 0 and not 2 || labels.Rank is >= 0 and not 1)
            throw ctx.Error($"logits must be a matrix [batch, classes] and labels a vector [batch], got logits {logits} and labels {labels}; inputs: {ctx.Describe()}");
        int batch = logits.Rank == 2 ? logits[0] : -1, classes = logits.Rank == 2 ? logits[1] : -1;
        if (labels.Rank == 1 && labels[0] >= 0)
        {
            if (batch >= 0 && batch != labels[0])
                throw ctx.Error($"logits and labels must have the same first dimension, got logits {logits} and labels {labels}; inputs: {ctx.Describe()}");
            batch = labels[0];
        }
        var dtype = ctx.Input(0).DType;
        return [new(dtype, new Shape(batch)), new(dtype, new Shape(batch, classes))];
    }

    private static void Sparse(KernelContext ctx)
    {
        NDArray logits = ctx.Input(0), labels = ctx.Input(1);
        if (logits.Shape.Rank != 2 || labels.Shape.Rank != 1 || labels.Shape[0] != logits.Shape[0])
            throw AxisRules.RunError(ctx, $"logits and labels must have the same first dimension, got logits shape {logits.Shape.ToBracketString()} and labels shape {labels.Shape.ToBracketString()}");
        int batch = logits.Shape[0], classes = logits.Shape[1];
        var classOf = new long[batch];
        if (Gather.ReadIndices(labels, classes, classOf) is var (_, value))
            throw AxisRules.RunError(ctx, $"Received a label value of {value} which is outside the valid range of [0, {classes}).  Label values: {string.Join(" ", labels.ToArray<long>())}");
        var loss = ctx.Allocate(0, logits.DType, stackalloc int[] { batch });
        var backprop = ctx.Allocate(1, logits.DType, logits.Shape);
        switch (logits.DType)
        {
            case DType.Float32: Softmax.SparseCrossEntropyRows<float>(logits.Span<float>(), classOf, classes, loss.Span<float>(), backprop.Span<float>()); break;
            case DType.Float64: Softmax.SparseCrossEntropyRows<double>(logits.Span<double>(), classOf, classes, loss.Span<double>(), backprop.Span<double>()); break;
            default: throw ElementwiseLoops.Unsupported(ctx, logits.DType);
        }
    }
}
