using System.Buffers;
using ActorGraph.Kernels;

namespace ActorGraph.Ops;

// Ops driven by integer indices or a condition (Gather, OneHot, Select) and the ops that make
// values from attributes alone (Fill, Range). An index out of range fails the step, naming it.
internal static class IndexOps
{
    public static IEnumerable<OpDef> Defs =>
    [
        new()
        {
            // (params, indices int32 or int64), attr "axis". Along axis 0 the gradient for params is an IndexedSlices
            // (its dense value the scatter-add into zeros); along another axis, that scatter-add.
            Type = "GatherV2", Infer = InferGather, Kernel = Gather,
            Gradient = g => [TF.SlicesOfGather(g.Grad, g.Input(1), g.Input(0), g.Attr<int>("axis"))
                ?? TF.GatherGrad(g.Grad, g.Input(1), g.Input(0), g.Attr<int>("axis")), null],
        },
        new()
        {
            // GatherGrad(grad, indices, like): zeros of like's run-time shape, grad's rows added at the indices along attr "axis".
            Type = "GatherGrad", Kernel = GatherGrad,
            Infer = ctx =>
            {
                ctx.ExpectInputs(3);
                ctx.ExpectDType(1, d => d.IsInteger(), "int32 or int64 indices");
                return [new(ctx.Input(0).DType, ctx.Input(2).Shape)];
            },
            Gradient = g => [TF.Gather(g.Grad, g.Input(1), g.Attr<int>("axis")), null, null],
        },
        new()
        {
            // attrs "depth", "dtype". As TensorFlow, an index outside [0, depth) gives a row of zeros.
            Type = "OneHot", Name = "one_hot", Infer = InferOneHot, Kernel = OneHot, Traits = OpTraits.NoGradient,
        },
        new()
        {
            // (condition bool, x, y): element-wise, or whole rows for a vector condition, or all for a scalar one.
            Type = "Select", Infer = InferSelect, Kernel = SelectKernel,
            Gradient = g =>
            {
                var zeros = TF.ZerosLike(g.Grad);
                return [null, TF.Where(g.Input(0), g.Grad, zeros), TF.Where(g.Input(0), zeros, g.Grad)];
            },
        },
        new()
        {
            // attrs "shape" (fully defined), "value", "dtype".
            Type = "Fill", Infer = InferFill, Kernel = Fill, Traits = OpTraits.NoGradient,
        },
        new()
        {
            // attrs "start", "limit", "delta": int32 values start, start + delta, … before limit.
            Type = "Range", Name = "range", Infer = InferRange, Kernel = Range, Traits = OpTraits.NoGradient,
        },
    ];

    private static TensorSpec[] InferGather(InferContext ctx)
    {
        ctx.ExpectInputs(2);
        ctx.ExpectDType(1, d => d.IsInteger(), "int32 or int64 indices");
        Tensor parameters = ctx.Input(0), indices = ctx.Input(1);
        if (parameters.Shape.IsUnknownRank) return [new(parameters.DType, Shape.Unknown)];
        if (parameters.Shape.Rank == 0) throw ctx.Error($"params must have at least one axis to gather from, got a scalar; inputs: {ctx.Describe()}");
        int axis = AxisRules.Normalize(ctx, ctx.Attr<int>("axis"), parameters.Shape.Rank);
        if (indices.Shape.IsUnknownRank) return [new(parameters.DType, Shape.Unknown)];
        var dims = parameters.Shape.Dims;
        return [new(parameters.DType, Shape.Own([.. dims[..axis], .. indices.Shape.Dims, .. dims[(axis + 1)..]]))];
    }

    private static void Gather(KernelContext ctx)
    {
        NDArray parameters = ctx.Input(0), indices = ctx.Input(1);
        if (parameters.Shape.Rank == 0) throw AxisRules.RunError(ctx, "params must be at least 1 dimensional");
        int axis = AxisRules.Normalize(ctx, ctx.Op.Attr<int>("axis"), parameters.Shape.Rank, parameters.Shape);
        var dims = parameters.Shape.Dims;
        int size = dims[axis], width = parameters.DType.SizeInBytes();
        int inner = dims[(axis + 1)..].Aggregate(1, (p, d) => p * d);
        var result = ctx.Allocate(0, parameters.DType, Shape.Own([.. dims[..axis], .. indices.Shape.Dims, .. dims[(axis + 1)..]]));
        WithIndices(ctx, indices, size, rows => Kernels.Gather.Rows(parameters.Bytes, AxisBlocks.Outer(dims, axis), size, inner * width, rows, result.Bytes));
    }

    private static void GatherGrad(KernelContext ctx)
    {
        NDArray grad = ctx.Input(0), indices = ctx.Input(1), like = ctx.Input(2);
        int axis = AxisRules.Normalize(ctx, ctx.Op.Attr<int>("axis"), like.Shape.Rank, like.Shape);
        var dims = like.Shape.Dims;
        int[] expected = [.. dims[..axis], .. indices.Shape.Dims, .. dims[(axis + 1)..]];
        if (!grad.Shape.SameDims(expected))
            throw AxisRules.RunError(ctx, $"a gradient of shape {grad.Shape.ToBracketString()} does not match params {like.Shape.ToBracketString()} gathered at indices {indices.Shape.ToBracketString()}");
        int outer = AxisBlocks.Outer(dims, axis), size = dims[axis], inner = dims[(axis + 1)..].Aggregate(1, (p, d) => p * d);
        var result = ctx.Allocate(0, grad.DType, like.Shape);
        WithIndices(ctx, indices, size, rows =>
        {
            switch (grad.DType)
            {
                case DType.Float32: Kernels.Gather.AddRows<float>(grad.Span<float>(), outer, size, inner, rows, result.Span<float>()); break;
                case DType.Float64: Kernels.Gather.AddRows<double>(grad.Span<double>(), outer, size, inner, rows, result.Span<double>()); break;
                case DType.Int32: Kernels.Gather.AddRows<int>(grad.Span<int>(), outer, size, inner, rows, result.Span<int>()); break;
                case DType.Int64: Kernels.Gather.AddRows<long>(grad.Span<long>(), outer, size, inner, rows, result.Span<long>()); break;
                default: throw ElementwiseLoops.Unsupported(ctx, grad.DType);
            }
        });
    }

    private delegate void IndexUse(ReadOnlySpan<long> indices);

    // The indices as int64 in a pooled buffer, all checked to be in [0, size) first.
    private static void WithIndices(KernelContext ctx, NDArray indices, int size, IndexUse use)
    {
        var buffer = ArrayPool<long>.Shared.Rent(indices.Length);
        try
        {
            var rows = buffer.AsSpan(0, indices.Length);
            if (Kernels.Gather.ReadIndices(indices, size, rows) is var (position, value))
                throw AxisRules.RunError(ctx, $"indices[{position}] = {value} is not in [0, {size})");
            use(rows);
        }
        finally
        {
            ArrayPool<long>.Shared.Return(buffer);
        }
    }

    private static TensorSpec[] InferOneHot(InferContext ctx)
    {
        ctx.ExpectInputs(1);
        ctx.ExpectDType(0, d => d.IsInteger(), "int32 or int64 indices");
        int depth = ctx.Attr<int>("depth");
        if (depth < 0) throw ctx.Error($"depth must be >= 0, got {depth}");
        var indices = ctx.Input(0).Shape;
        return [new(ctx.Attr<DType>("dtype"), indices.IsUnknownRank ? Shape.Unknown : Shape.Own([.. indices.Dims, depth]))];
    }

    private static void OneHot(KernelContext ctx)
    {
        var indices = ctx.Input(0);
        int depth = ctx.Op.Attr<int>("depth");
        var result = ctx.Allocate(0, ctx.Op.Attr<DType>("dtype"), Shape.Own([.. indices.Shape.Dims, depth]));
        result.Bytes.Clear();
        for (int i = 0; i < indices.Length; i++)
        {
            long v = indices.DType == DType.Int32 ? indices.Span<int>()[i] : indices.Span<long>()[i];
            if (v >= 0 && v < depth) Kernels.Fill.Set(result, i * depth + (int)v, 1);
        }
    }

    private static TensorSpec[] InferSelect(InferContext ctx)
    {
        ctx.ExpectInputs(3);
        ctx.ExpectDType(0, d => d == DType.Bool, "bool");
        Tensor condition = ctx.Input(0), x = ctx.Input(1), y = ctx.Input(2);
        if (x.DType != y.DType) throw ctx.Error($"x and y must have the same dtype, got {ctx.Describe()}");
        var shape = AxisRules.Merge(x.Shape, y.Shape) ?? throw ctx.Error($"x and y must have the same shape, got {ctx.Describe()}");
        Shape c = condition.Shape;
        bool fits = c.IsUnknownRank || shape.IsUnknownRank || c.Rank == 0 || c.IsCompatibleWith(shape)
            || (c.Rank == 1 && shape.Rank > 1 && (c[0] < 0 || shape[0] < 0 || c[0] == shape[0]));
        if (!fits)
            throw ctx.Error($"the condition must be a scalar, have x's shape, or be a vector as long as x's first dimension; got {ctx.Describe()}");
        return [new(x.DType, shape)];
    }

    private static void SelectKernel(KernelContext ctx)
    {
        NDArray condition = ctx.Input(0), x = ctx.Input(1), y = ctx.Input(2);
        if (!x.Shape.Equals(y.Shape))
            throw AxisRules.RunError(ctx, $"'then' and 'else' must have the same size.  but received: {x.Shape.ToBracketString()} vs. {y.Shape.ToBracketString()}");
        int run = condition.Shape.Equals(x.Shape) ? 1
            : condition.Shape.Rank == 0 ? x.Length
            : condition.Shape.Rank == 1 && x.Shape.Rank > 1 && condition.Length == x.Shape[0] ? x.Length / Math.Max(x.Shape[0], 1)
            : throw AxisRules.RunError(ctx, $"the condition's shape {condition.Shape.ToBracketString()} must be x's {x.Shape.ToBracketString()}, a scalar, or [{(x.Shape.Rank > 0 ? x.Shape[0] : 1)}] to pick whole rows");
        Kernels.Select.Into(condition.Span<bool>(), x, y, ctx.Allocate(0, x.DType, x.Shape), run);
    }

    private static TensorSpec[] InferFill(InferContext ctx)
    {
        ctx.ExpectInputs(0);
        var shape = ctx.Attr<Shape>("shape");
        if (!shape.IsFullyDefined) throw ctx.Error($"the shape must be fully defined, got {shape}");
        return [new(ctx.Attr<DType>("dtype"), shape)];
    }

    private static void Fill(KernelContext ctx)
    {
        var result = ctx.Allocate(0, ctx.Op.Attr<DType>("dtype"), ctx.Op.Attr<Shape>("shape"));
        double value = ctx.Op.Attr<double>("value");
        switch (result.DType)
        {
            case DType.Float32: result.Span<float>().Fill((float)value); break;
            case DType.Float64: result.Span<double>().Fill(value); break;
            case DType.Int32: result.Span<int>().Fill((int)value); break;
            case DType.Int64: result.Span<long>().Fill((long)value); break;
            default: result.Span<bool>().Fill(value != 0); break;
        }
    }

    private static TensorSpec[] InferRange(InferContext ctx)
    {
        ctx.ExpectInputs(0);
        int start = ctx.Attr<int>("start"), limit = ctx.Attr<int>("limit"), delta = ctx.Attr<int>("delta");
        if (delta == 0) throw ctx.Error("Requires delta != 0");
        if (delta > 0 && start > limit) throw ctx.Error($"Requires start <= limit when delta > 0: {start}/{limit}");
        if (delta < 0 && start < limit) throw ctx.Error($"Requires start >= limit when delta < 0: {start}/{limit}");
        return [new(DType.Int32, new Shape(RangeLength(start, limit, delta)))];
    }

    private static int RangeLength(long start, long limit, long delta) => (int)((Math.Abs(limit - start) + Math.Abs(delta) - 1) / Math.Abs(delta));

    private static void Range(KernelContext ctx)
    {
        int start = ctx.Op.Attr<int>("start"), limit = ctx.Op.Attr<int>("limit"), delta = ctx.Op.Attr<int>("delta");
        var values = ctx.Allocate(0, DType.Int32, new Shape(RangeLength(start, limit, delta))).Span<int>();
        for (int i = 0; i < values.Length; i++) values[i] = start + i * delta;
    }
}
