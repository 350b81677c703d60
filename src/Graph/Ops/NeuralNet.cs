using System.Numerics;
using ActorGraph.Autodiff;
using ActorGraph.Kernels;

namespace ActorGraph.Ops;

// Activations and the softmax family; softmax ops work on the last axis.
internal static class NeuralNet
{
    public static IEnumerable<OpDef> Defs =>
    [
        new()
        {
            Type = "Relu", Infer = Infer.NumericUnary, Kernel = ElementwiseLoops.Unary<ReluOperator>,
            Gradient = g => [TF.Op("ReluGrad", [g.Grad, g.Output()])],
        },
        new()
        {
            // (gradients, features = the Relu's output), as TensorFlow's: gradients where features > 0, else 0.
            Type = "ReluGrad", Infer = Infer.NumericBinary, Kernel = ElementwiseLoops.Binary<ReluGradOperator>,
            Gradient = g => [GradUtil.SumToShapeOf(TF.Op("ReluGrad", [g.Grad, g.Input(1)]), g.Input(0)), TF.ZerosLike(g.Input(1))],
        },
        new()
        {
            Type = "Sigmoid", Infer = Infer.FloatingUnary, Kernel = ElementwiseLoops.FloatingUnary<SigmoidOperator>,
            Gradient = g => [g.Grad * g.Output() * (1 - g.Output())],
        },
        new()
        {
            Type = "Tanh", Infer = Infer.FloatingUnary, Kernel = ElementwiseLoops.FloatingUnary<TanhOperator>,
            Gradient = g => [g.Grad * (1 - TF.Square(g.Output()))],
        },
        new()
        {
            Type = "Softmax", Infer = AtLeastVector, Kernel = ctx => Rows(ctx, log: false),
            Gradient = g => [(g.Grad - TF.ReduceSum(g.Grad * g.Output(), [-1], keepDims: true)) * g.Output()],
        },
        new()
        {
            Type = "LogSoftmax", Infer = AtLeastVector, Kernel = ctx => Rows(ctx, log: true),
            Gradient = g => [g.Grad - TF.ReduceSum(g.Grad, [-1], keepDims: true) * TF.Exp(g.Output())],
        },
        new()
        {
            // Inputs (logits, labels), both [batch, classes]; outputs (loss [batch], backprop = softmax − labels).
            Type = "SoftmaxCrossEntropyWithLogits", Infer = InferCrossEntropy, Kernel = CrossEntropy,
            Gradient = g =>
            {
                if (g.OutputGrads[1] is not null)
                    throw new ArgumentException($"{g.Op.Type} (op '{g.Op.Name}'): no gradient flows through its backprop output (output 1); differentiate the loss, output 0.");
                var perExample = TF.Reshape(g.Grad, [-1, 1]);
                return [g.Output(1) * perExample, -TF.LogSoftmax(g.Input(0)) * perExample];
            },
        },
    ];

    private static TensorSpec[] AtLeastVector(InferContext ctx)
    {
        var specs = Infer.FloatingUnary(ctx);
        if (ctx.Input(0).Shape.Rank == 0) throw ctx.Error($"the input must have at least one axis, got a scalar; inputs: {ctx.Describe()}");
        return specs;
    }

    private static void Rows(KernelContext ctx, bool log)
    {
        var x = ctx.Input(0);
        if (x.Shape.Rank < 1)
            throw new InvalidArgumentException($"{ctx.Op.Type} (op '{ctx.Op.Name}'): logits must have >= 1 dimension, got {x.Shape.ToBracketString()}");
        int cols = x.Shape[-1];
        var result = ctx.Allocate(0, x.DType, x.Shape);
        switch (x.DType)
        {
            case DType.Float32: RowsOf<float>(x, cols, result, log); break;
            case DType.Float64: RowsOf<double>(x, cols, result, log); break;
            default: throw ElementwiseLoops.Unsupported(ctx, x.DType);
        }
    }

    private static void RowsOf<T>(NDArray x, int cols, NDArray result, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (log) Softmax.LogRows<T>(x.Span<T>(), cols, result.Span<T>());
        else Softmax.Rows<T>(x.Span<T>(), cols, result.Span<T>());
    }

    private static TensorSpec[] InferCrossEntropy(InferContext ctx)
    {
        ctx.ExpectInputs(2);
        var dtype = ctx.SameDType();
        if (!dtype.IsFloating()) throw ctx.Error($"logits and labels must be float32 or float64, got {ctx.Describe()}");
        Shape logits = ctx.Input(0).Shape, labels = ctx.Input(1).Shape;
        foreach (var s in new[] { logits, labels })
            if (s.Rank is >= 0 and not 2)
                throw ctx.Error($"logits and labels must be matrices [batch, classes], got logits {logits} and labels {labels}; inputs: {ctx.Describe()}");
        if (!logits.IsCompatibleWith(labels))
            throw ctx.Error($"logits and labels must have the same shape, got logits {logits} and labels {labels}; inputs: {ctx.Describe()}");
        int batch = Known(logits, labels, 0), classes = Known(logits, labels, 1);
        return [new(dtype, new Shape(batch)), new(dtype, new Shape(batch, classes))];
    }

    private static int Known(Shape a, Shape b, int axis) =>
        a.Rank == 2 && a[axis] >= 0 ? a[axis] : b.Rank == 2 ? b[axis] : -1;

    private static void CrossEntropy(KernelContext ctx)
    {
        NDArray logits = ctx.Input(0), labels = ctx.Input(1);
        if (logits.Shape.Rank != 2 || !logits.Shape.Equals(labels.Shape))
            throw new InvalidArgumentException($"{ctx.Op.Type} (op '{ctx.Op.Name}'): logits and labels must be same size: " +
                $"logits_size={logits.Shape.ToBracketString()} labels_size={labels.Shape.ToBracketString()}");
        int batch = logits.Shape[0], classes = logits.Shape[1];
        var loss = ctx.Allocate(0, logits.DType, stackalloc int[] { batch });
        var backprop = ctx.Allocate(1, logits.DType, logits.Shape);
        switch (logits.DType)
        {
            case DType.Float32: Softmax.CrossEntropyRows<float>(logits.Span<float>(), labels.Span<float>(), classes, loss.Span<float>(), backprop.Span<float>()); break;
            case DType.Float64: Softmax.CrossEntropyRows<double>(logits.Span<double>(), labels.Span<double>(), classes, loss.Span<double>(), backprop.Span<double>()); break;
            default: throw ElementwiseLoops.Unsupported(ctx, logits.DType);
        }
    }
}
