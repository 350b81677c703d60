using System.Numerics;
using ActorGraph.Autodiff;
using ActorGraph.Kernels;

namespace ActorGraph.Ops;

// Conv2D (NHWC input, [h, w, in, out] filter) with its gradients as ops of their own, as TensorFlow's:
// Conv2DBackpropInput and Conv2DBackpropFilter take the tensor whose shape they produce as their "like"
// input (only its run-time shape is read). All three are bilinear, so each one's gradient is the other two.
// BiasAdd adds a [channels] bias along the last axis; BiasAddGrad sums a gradient back to it.
internal static class Convolution
{
    public static IEnumerable<OpDef> Defs =>
    [
        new()
        {
            Type = "Conv2D", Infer = InferConv2D, Kernel = Conv2D,
            Gradient = g => [Backprop("Conv2DBackpropInput", g, g.Input(0), g.Input(1), g.Grad), Backprop("Conv2DBackpropFilter", g, g.Input(0), g.Input(1), g.Grad)],
        },
        new()
        {
            // (input like, filter, output gradient) → input gradient.
            Type = "Conv2DBackpropInput", Infer = ctx => InferBackprop(ctx, like: 0), Kernel = InputGradient,
            Gradient = g => [null, Backprop("Conv2DBackpropFilter", g, g.Grad, g.Input(1), g.Input(2)), Backprop("Conv2D", g, g.Grad, g.Input(1))],
        },
        new()
        {
            // (input, filter like, output gradient) → filter gradient.
            Type = "Conv2DBackpropFilter", Infer = ctx => InferBackprop(ctx, like: 1), Kernel = FilterGradient,
            Gradient = g => [Backprop("Conv2DBackpropInput", g, g.Input(0), g.Grad, g.Input(2)), null, Backprop("Conv2D", g, g.Input(0), g.Grad)],
        },
        new()
        {
            Type = "BiasAdd", Infer = InferBiasAdd, Kernel = BiasAdd,
            Gradient = g => [g.Grad, TF.Op("BiasAddGrad", [g.Grad])],
        },
        new()
        {
            Type = "BiasAddGrad", Infer = InferBiasAddGrad, Kernel = BiasAddGrad,
            Gradient = g => [GradUtil.BroadcastToShapeOf(g.Grad, g.Input(0))],
        },
    ];

    private static Tensor Backprop(string type, GradContext g, params Tensor[] inputs) =>
        TF.Op(type, inputs, attrs: new() { ["strides"] = g.Attr<int[]>("strides"), ["padding"] = g.Attr<string>("padding") });

    private static TensorSpec[] InferConv2D(InferContext ctx)
    {
        ctx.ExpectInputs(2);
        var dtype = FloatingDType(ctx);
        var windowing = Windowing.Of(ctx, pooling: false);
        Shape input = ctx.Input(0).Shape, filter = ctx.Input(1).Shape;
        ExpectRank4(ctx, 0, "input", "[batch, height, width, in_channels]");
        ExpectRank4(ctx, 1, "filter", "[filter_height, filter_width, in_channels, out_channels]");
        int inChannels = Dim(input, 3), filterIn = Dim(filter, 2);
        if (inChannels >= 0 && filterIn >= 0 && inChannels != filterIn)
            throw ctx.Error($"the input has {inChannels} channels but the filter takes {filterIn} (input {input}, filter {filter}; " +
                $"a filter is [height, width, in_channels, out_channels]); inputs: {ctx.Describe()}");
        if (filter.IsUnknownRank) return [new(dtype, new Shape(Dim(input, 0), -1, -1, -1))];
        return [new(dtype, windowing.OutputShape(ctx, input, filter[0], filter[1], filter[3]))];
    }

    // A gradient op has the static shape of its "like" input, in rank 4.
    private static TensorSpec[] InferBackprop(InferContext ctx, int like)
    {
        ctx.ExpectInputs(3);
        var dtype = FloatingDType(ctx, [like == 0 ? 1 : 0, 2]);
        Windowing.Of(ctx, pooling: false);
        ExpectRank4(ctx, 0, "input (input 0)", "[batch, height, width, in_channels]");
        ExpectRank4(ctx, 1, "filter (input 1)", "[filter_height, filter_width, in_channels, out_channels]");
        ExpectRank4(ctx, 2, "output gradient (input 2)", "[batch, out_height, out_width, out_channels]");
        var shape = ctx.Input(like).Shape;
        return [new(dtype, shape.IsUnknownRank ? new Shape(-1, -1, -1, -1) : shape)];
    }

    private static TensorSpec[] InferBiasAdd(InferContext ctx)
    {
        ctx.ExpectInputs(2);
        var dtype = ctx.SameDType();
        if (!dtype.IsNumeric()) throw ctx.Error($"inputs must be numeric, got {ctx.Describe()}");
        Shape value = ctx.Input(0).Shape, bias = ctx.Input(1).Shape;
        if (value.Rank is >= 0 and < 2)
            throw ctx.Error($"the value must have at least 2 dimensions, got shape {value}; inputs: {ctx.Describe()}");
        if (bias.Rank is >= 0 and not 1)
            throw ctx.Error($"the bias must be a vector, got shape {bias}; inputs: {ctx.Describe()}");
        if (value.Rank > 0 && bias.Rank == 1 && value[-1] >= 0 && bias[0] >= 0 && value[-1] != bias[0])
            throw ctx.Error($"the bias has {bias[0]} elements but the value's last dimension is {value[-1]} (value {value}, bias {bias}); inputs: {ctx.Describe()}");
        return [new(dtype, value)];
    }

    private static TensorSpec[] InferBiasAddGrad(InferContext ctx)
    {
        ctx.ExpectInputs(1);
        ctx.ExpectDType(0, d => d.IsNumeric(), "numeric");
        var grad = ctx.Input(0).Shape;
        if (grad.Rank is >= 0 and < 2) throw ctx.Error($"the gradient must have at least 2 dimensions, got shape {grad}; inputs: {ctx.Describe()}");
        return [new(ctx.Input(0).DType, new Shape(grad.IsUnknownRank ? -1 : grad[-1]))];
    }

    private static DType FloatingDType(InferContext ctx, int[]? inputs = null)
    {
        var dtype = ctx.Input(inputs?[0] ?? 0).DType;
        foreach (int i in inputs ?? [0, 1])
            if (ctx.Input(i).DType != dtype)
                throw ctx.Error($"inputs must have the same dtype, got {ctx.Describe()}; use TF.Cast to convert one of them");
        if (!dtype.IsFloating()) throw ctx.Error($"inputs must be float32 or float64, got {ctx.Describe()}");
        return dtype;
    }

    private static void ExpectRank4(InferContext ctx, int input, string what, string form)
    {
        var shape = ctx.Input(input).Shape;
        if (shape.Rank is >= 0 and not 4)
            throw ctx.Error($"the {what} must be rank 4, {form}, got shape {shape}; inputs: {ctx.Describe()}");
    }

    private static int Dim(Shape s, int axis) => s.IsUnknownRank ? -1 : s[axis];

    private static void Conv2D(KernelContext ctx)
    {
        NDArray input = ctx.Input(0), filter = ctx.Input(1);
        var g = RunGeometry(ctx, input, filter);
        var output = ctx.Allocate(0, input.DType, stackalloc int[] { g.Batch, g.OutHeight, g.OutWidth, g.OutChannels });
        switch (input.DType)
        {
            case DType.Float32: Kernels.Convolution.Forward(g, input.Span<float>(), filter.Span<float>(), output.Span<float>()); break;
            case DType.Float64: Kernels.Convolution.Forward(g, input.Span<double>(), filter.Span<double>(), output.Span<double>()); break;
            default: throw ElementwiseLoops.Unsupported(ctx, input.DType);
        }
    }

    private static void InputGradient(KernelContext ctx)
    {
        NDArray like = ctx.Input(0), filter = ctx.Input(1), grad = ctx.Input(2);
        var g = RunGeometry(ctx, like, filter, grad);
        var result = ctx.Allocate(0, grad.DType, like.Shape);
        switch (grad.DType)
        {
            case DType.Float32: Kernels.Convolution.InputGradient(g, filter.Span<float>(), grad.Span<float>(), result.Span<float>()); break;
            case DType.Float64: Kernels.Convolution.InputGradient(g, filter.Span<double>(), grad.Span<double>(), result.Span<double>()); break;
            default: throw ElementwiseLoops.Unsupported(ctx, grad.DType);
        }
    }

    private static void FilterGradient(KernelContext ctx)
    {
        NDArray input = ctx.Input(0), like = ctx.Input(1), grad = ctx.Input(2);
        var g = RunGeometry(ctx, input, like, grad);
        var result = ctx.Allocate(0, grad.DType, like.Shape);
        switch (grad.DType)
        {
            case DType.Float32: Kernels.Convolution.FilterGradient(g, input.Span<float>(), grad.Span<float>(), result.Span<float>()); break;
            case DType.Float64: Kernels.Convolution.FilterGradient(g, input.Span<double>(), grad.Span<double>(), result.Span<double>()); break;
            default: throw ElementwiseLoops.Unsupported(ctx, grad.DType);
        }
    }

    // The geometry of the run-time shapes, checked: an unknown static shape leaves these checks to run time.
    private static ConvGeometry RunGeometry(KernelContext ctx, NDArray input, NDArray filter, NDArray? outputGrad = null)
    {
        Windowing.ExpectRank4(ctx, input, "input");
        Windowing.ExpectRank4(ctx, filter, "filter");
        Shape x = input.Shape, w = filter.Shape;
        if (x[3] != w[2])
            throw new InvalidArgumentException($"{ctx.Op.Type} (op '{ctx.Op.Name}'): input depth must equal the filter's in_channels, " +
                $"got input {x.ToBracketString()} and filter {w.ToBracketString()}");
        var windowing = Windowing.Of(ctx, pooling: false);
        if (!windowing.Same && (x[1] < w[0] || x[2] < w[1]))
            throw new InvalidArgumentException($"{ctx.Op.Type} (op '{ctx.Op.Name}'): with VALID padding the filter {w.ToBracketString()} must fit in the input {x.ToBracketString()}");
        var g = windowing.Geometry(x, w[0], w[1], w[3]);
        if (outputGrad is not null && !outputGrad.Shape.SameDims([g.Batch, g.OutHeight, g.OutWidth, g.OutChannels]))
            throw new InvalidArgumentException($"{ctx.Op.Type} (op '{ctx.Op.Name}'): the output gradient has shape {outputGrad.Shape.ToBracketString()}, " +
                $"but input {x.ToBracketString()} and filter {w.ToBracketString()} give an output of [{g.Batch},{g.OutHeight},{g.OutWidth},{g.OutChannels}]");
        return g;
    }

    private static void BiasAdd(KernelContext ctx)
    {
        NDArray value = ctx.Input(0), bias = ctx.Input(1);
        if (value.Shape.Rank < 2 || bias.Shape.Rank != 1 || bias.Shape[0] != value.Shape[-1])
            throw new InvalidArgumentException($"{ctx.Op.Type} (op '{ctx.Op.Name}'): the bias must be a vector as long as the value's last dimension " +
                $"(the value at least a matrix), got value {value.Shape.ToBracketString()} and bias {bias.Shape.ToBracketString()}");
        ElementwiseLoops.Binary<AddOperator>(ctx);
    }

    private static void BiasAddGrad(KernelContext ctx)
    {
        var grad = ctx.Input(0);
        if (grad.Shape.Rank < 2)
            throw new InvalidArgumentException($"{ctx.Op.Type} (op '{ctx.Op.Name}'): the gradient must have at least 2 dimensions, got {grad.Shape.ToBracketString()}");
        var result = ctx.Allocate(0, grad.DType, stackalloc int[] { grad.Shape[-1] });
        switch (grad.DType)
        {
            case DType.Float32: SumRows<float>(grad, result); break;
            case DType.Float64: SumRows<double>(grad, result); break;
            case DType.Int32: SumRows<int>(grad, result); break;
            case DType.Int64: SumRows<long>(grad, result); break;
            default: throw ElementwiseLoops.Unsupported(ctx, grad.DType);
        }
    }

    private static void SumRows<T>(NDArray grad, NDArray result) where T : unmanaged, INumber<T>
    {
        int channels = result.Length;
        Kernels.Reduce.Sum<T>(grad.Span<T>(), [grad.Length / Math.Max(channels, 1), channels], [true, false], result.Span<T>());
    }
}
