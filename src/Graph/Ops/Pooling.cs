using ActorGraph.Kernels;

namespace ActorGraph.Ops;

// Max and average pooling over NHWC windows (attrs ksize, strides, padding), with their gradients as ops of
// their own, as TensorFlow's. MaxPoolGrad (input, output, output gradient) sends each window's gradient to
// its first maximum; MaxPoolGradGrad reads a gradient back from there, so each is the other's gradient.
// AvgPoolGrad takes the input only for its run-time shape; AvgPool and AvgPoolGrad are each other's gradient.
internal static class Pooling
{
    public static IEnumerable<OpDef> Defs =>
    [
        new()
        {
            Type = "MaxPool", Infer = ctx => InferPool(ctx, inputs: 1), Kernel = ctx => Pool(ctx, average: false),
            Gradient = g => [Op("MaxPoolGrad", g, g.Input(0), g.Output(), g.Grad)],
        },
        new()
        {
            // The maxima's positions do not move under a small change of the input: no gradient to inputs 0 and 1.
            Type = "MaxPoolGrad", Infer = InferMaxPoolGrad, Kernel = ctx => MaxPoolGradients(ctx, ofGradient: false),
            Gradient = g => [TF.ZerosLike(g.Input(0)), TF.ZerosLike(g.Input(1)), Op("MaxPoolGradGrad", g, g.Input(0), g.Input(1), g.Grad)],
        },
        new()
        {
            // (input, output, gradient of the input gradient) → gradient of the output gradient.
            Type = "MaxPoolGradGrad", Infer = InferMaxPoolGrad, Kernel = ctx => MaxPoolGradients(ctx, ofGradient: true),
            Gradient = g => [TF.ZerosLike(g.Input(0)), TF.ZerosLike(g.Input(1)), Op("MaxPoolGrad", g, g.Input(0), g.Input(1), g.Grad)],
        },
        new()
        {
            Type = "AvgPool", Infer = ctx => InferPool(ctx, inputs: 1), Kernel = ctx => Pool(ctx, average: true),
            Gradient = g => [Op("AvgPoolGrad", g, g.Input(0), g.Grad)],
        },
        new()
        {
            // (input like, output gradient) → input gradient.
            Type = "AvgPoolGrad", Infer = InferAvgPoolGrad, Kernel = AvgPoolGrad,
            Gradient = g => [null, Op("AvgPool", g, g.Grad)],
        },
    ];

    private static Tensor Op(string type, GradContext g, params Tensor[] inputs) =>
        TF.Op(type, inputs, attrs: new() { ["ksize"] = g.Attr<int[]>("ksize"), ["strides"] = g.Attr<int[]>("strides"), ["padding"] = g.Attr<string>("padding") });

    // The pooled shape of input 0, checked against the static shape of input 1 when that one is pooled too.
    private static TensorSpec[] InferPool(InferContext ctx, int inputs, bool secondPooled = false)
    {
        ctx.ExpectInputs(inputs);
        var dtype = ctx.SameDType();
        if (!dtype.IsFloating()) throw ctx.Error($"inputs must be float32 or float64, got {ctx.Describe()}");
        var windowing = Windowing.Of(ctx, pooling: true);
        for (int i = 0; i < inputs; i++)
            if (ctx.Input(i).Shape.Rank is >= 0 and not 4)
                throw ctx.Error($"input {i} must be rank 4, [batch, height, width, channels], got shape {ctx.Input(i).Shape}; inputs: {ctx.Describe()}");
        var input = ctx.Input(0).Shape;
        var pooled = windowing.OutputShape(ctx, input, windowing.WindowHeight, windowing.WindowWidth, input.IsUnknownRank ? -1 : input[3]);
        if (secondPooled && !ctx.Input(1).Shape.IsCompatibleWith(pooled))
            throw ctx.Error($"input 1 must have the pooled shape {pooled} of input 0 {input}, got {ctx.Input(1).Shape}; inputs: {ctx.Describe()}");
        return [new(dtype, pooled)];
    }

    private static TensorSpec[] InferMaxPoolGrad(InferContext ctx)
    {
        var pooled = InferPool(ctx, inputs: 3, secondPooled: true)[0];
        var third = ctx.Input(2);
        var input = ctx.Input(0).Shape.IsUnknownRank ? new Shape(-1, -1, -1, -1) : ctx.Input(0).Shape;
        bool ofGradient = ctx.Type == "MaxPoolGradGrad";
        // MaxPoolGrad's gradient is pooled-shaped and its result input-shaped; MaxPoolGradGrad the other way round.
        if (!third.Shape.IsCompatibleWith(ofGradient ? input : pooled.Shape))
            throw ctx.Error($"input 2 must have shape {(ofGradient ? input : pooled.Shape)}, got {third.Shape}; inputs: {ctx.Describe()}");
        return [ofGradient ? pooled : new(pooled.DType, input)];
    }

    private static TensorSpec[] InferAvgPoolGrad(InferContext ctx)
    {
        var pooled = InferPool(ctx, inputs: 2, secondPooled: true)[0];
        var input = ctx.Input(0).Shape;
        return [new(pooled.DType, input.IsUnknownRank ? new Shape(-1, -1, -1, -1) : input)];
    }

    private static ConvGeometry RunGeometry(KernelContext ctx, NDArray input, params (NDArray Value, bool Pooled)[] others)
    {
        Windowing.ExpectRank4(ctx, input, "input");
        var windowing = Windowing.Of(ctx, pooling: true);
        var x = input.Shape;
        if (!windowing.Same && (x[1] < windowing.WindowHeight || x[2] < windowing.WindowWidth))
            throw new InvalidArgumentException($"{ctx.Op.Type} (op '{ctx.Op.Name}'): with VALID padding the window " +
                $"[{windowing.WindowHeight},{windowing.WindowWidth}] must fit in the input {x.ToBracketString()}");
        var g = windowing.Geometry(x, windowing.WindowHeight, windowing.WindowWidth, x[3]);
        foreach (var (value, pooled) in others)
            if (!value.Shape.SameDims(pooled ? [g.Batch, g.OutHeight, g.OutWidth, g.OutChannels] : x.Dims))
                throw new InvalidArgumentException($"{ctx.Op.Type} (op '{ctx.Op.Name}'): expected an input of shape " +
                    $"{(pooled ? $"[{g.Batch},{g.OutHeight},{g.OutWidth},{g.OutChannels}]" : x.ToBracketString())} for input {x.ToBracketString()}, got {value.Shape.ToBracketString()}");
        return g;
    }

    private static void Pool(KernelContext ctx, bool average)
    {
        var input = ctx.Input(0);
        var g = RunGeometry(ctx, input);
        var output = ctx.Allocate(0, input.DType, stackalloc int[] { g.Batch, g.OutHeight, g.OutWidth, g.OutChannels });
        switch (input.DType, average)
        {
            case (DType.Float32, false): Kernels.Pooling.Max(g, input.Span<float>(), output.Span<float>()); break;
            case (DType.Float64, false): Kernels.Pooling.Max(g, input.Span<double>(), output.Span<double>()); break;
            case (DType.Float32, true): Kernels.Pooling.Average(g, input.Span<float>(), output.Span<float>()); break;
            case (DType.Float64, true): Kernels.Pooling.Average(g, input.Span<double>(), output.Span<double>()); break;
            default: throw ElementwiseLoops.Unsupported(ctx, input.DType);
        }
    }

    private static void MaxPoolGradients(KernelContext ctx, bool ofGradient)
    {
        NDArray input = ctx.Input(0), output = ctx.Input(1), grad = ctx.Input(2);
        var g = RunGeometry(ctx, input, (output, true), (grad, !ofGradient));
        var result = ofGradient
            ? ctx.Allocate(0, input.DType, stackalloc int[] { g.Batch, g.OutHeight, g.OutWidth, g.OutChannels })
            : ctx.Allocate(0, input.DType, input.Shape);
        switch (input.DType, ofGradient)
        {
            case (DType.Float32, false): Kernels.Pooling.MaxGradient(g, input.Span<float>(), grad.Span<float>(), result.Span<float>()); break;
            case (DType.Float64, false): Kernels.Pooling.MaxGradient(g, input.Span<double>(), grad.Span<double>(), result.Span<double>()); break;
            case (DType.Float32, true): Kernels.Pooling.MaxGradientGradient(g, input.Span<float>(), grad.Span<float>(), result.Span<float>()); break;
            case (DType.Float64, true): Kernels.Pooling.MaxGradientGradient(g, input.Span<double>(), grad.Span<double>(), result.Span<double>()); break;
            default: throw ElementwiseLoops.Unsupported(ctx, input.DType);
        }
    }

    private static void AvgPoolGrad(KernelContext ctx)
    {
        NDArray like = ctx.Input(0), grad = ctx.Input(1);
        var g = RunGeometry(ctx, like, (grad, true));
        var result = ctx.Allocate(0, grad.DType, like.Shape);
        switch (grad.DType)
        {
            case DType.Float32: Kernels.Pooling.AverageGradient(g, grad.Span<float>(), result.Span<float>()); break;
            case DType.Float64: Kernels.Pooling.AverageGradient(g, grad.Span<double>(), result.Span<double>()); break;
            default: throw ElementwiseLoops.Unsupported(ctx, grad.DType);
        }
    }
}
