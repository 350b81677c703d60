using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using ActorGraph.Autodiff;
using ActorGraph.Kernels;

namespace ActorGraph.Ops;

// Sum and Mean over any axes (attr "axis": absent = every axis; negative axes count from the
// end) and their reverse, which their gradients use: broadcasting back to the input's run-time shape.
internal static class Reductions
{
    public static IEnumerable<OpDef> Defs =>
    [
        new()
        {
            Type = "Sum", Infer = Reduced, Kernel = ctx => SumOrMean(ctx, mean: false),
            Gradient = g => [GradUtil.BroadcastToShapeOf(g.Grad, g.Input(0), ExpandAxes(g))],
        },
        new()
        {
            Type = "Mean", Infer = Reduced, Kernel = ctx => SumOrMean(ctx, mean: true),
            Gradient = g => [GradUtil.BroadcastToShapeOf(g.Grad, g.Input(0), ExpandAxes(g)) / GradUtil.ReducedCount(g.Input(0), g.Output())],
        },
        new()
        {
            // The gradient is shared equally between tied maxima, as TensorFlow's.
            Type = "Max", Infer = Reduced, Kernel = Max, Gradient = MaxGradient,
        },
        new()
        {
            Type = "BroadcastToShapeOf", Kernel = BroadcastToShapeOf,
            Infer = ctx =>
            {
                ctx.ExpectInputs(2);
                return [new(ctx.Input(0).DType, ctx.Input(1).Shape)];
            },
            Gradient = g => [
                GradUtil.SumToShapeOf(g.Attr<int[]?>("expandAxes", null) is { } axes ? TF.ReduceSum(g.Grad, axes) : g.Grad, g.Input(0)),
                null,
            ],
        },
        new()
        {
            Type = "ReducedCount", Traits = OpTraits.NoGradient,
            Infer = ctx => [new(ctx.Input(0).DType, Shape.Scalar)],
            Kernel = ctx =>
            {
                NDArray input = ctx.Input(0), reduced = ctx.Input(1);
                var result = ctx.Allocate(0, input.DType, Shape.Scalar);
                Fill.Set(result, 0, input.Length / Math.Max(reduced.Length, 1));
            },
        },
    ];

    // A reduction without keepDims removed its axes: the gradient puts them back as size 1.
    private static int[]? ExpandAxes(GradContext g) => g.Attr("keepDims", false) ? null : g.Attr<int[]?>("axis", null);

    private static Tensor?[] MaxGradient(GradContext g)
    {
        var x = g.Input(0);
        var expand = ExpandAxes(g);
        var selected = TF.Cast(TF.Equal(x, GradUtil.BroadcastToShapeOf(g.Output(), x, expand)), g.Grad.DType);
        var ties = GradUtil.BroadcastToShapeOf(TF.ReduceSum(selected, g.Attr<int[]?>("axis", null), keepDims: true), x);
        return [selected / ties * GradUtil.BroadcastToShapeOf(g.Grad, x, expand)];
    }

    private static TensorSpec[] Reduced(InferContext ctx)
    {
        ctx.ExpectInputs(1);
        ctx.ExpectDType(0, d => d.IsNumeric(), "numeric");
        var x = ctx.Input(0);
        var axis = ctx.Attr<int[]?>("axis", null);
        bool keepDims = ctx.Attr("keepDims", false);
        if (x.Shape.IsUnknownRank)
            return [new(x.DType, axis is null && !keepDims ? Shape.Scalar : Shape.Unknown)];
        var reduced = Axes(axis, x.Shape.Rank, problem => ctx.Error($"{problem}; inputs: {ctx.Describe()}"));
        var dims = new List<int>();
        for (int i = 0; i < reduced.Length; i++)
            if (!reduced[i]) dims.Add(x.Shape[i]);
            else if (keepDims) dims.Add(1);
        return [new(x.DType, Shape.Own(dims.ToArray()))];
    }

    // Which axes of a rank-`rank` array `axis` names (null: all); out of range or repeated axes are refused.
    public static bool[] Axes(int[]? axis, int rank, Func<string, Exception> error)
    {
        var marked = new bool[rank];
        if (axis is null)
        {
            Array.Fill(marked, true);
            return marked;
        }
        foreach (int a in axis)
        {
            int normalized = a < 0 ? a + rank : a;
            if (normalized < 0 || normalized >= rank)
                throw error($"axis {a} is out of range for an input of rank {rank} (axes go from {-rank} to {rank - 1})");
            if (marked[normalized]) throw error($"axis {a} is listed twice in [{string.Join(", ", axis)}]");
            marked[normalized] = true;
        }
        return marked;
    }

    private static InvalidArgumentException RunError(KernelContext ctx, string problem) =>
        new($"{ctx.Op.Type} (op '{ctx.Op.Name}'): {problem}.");

    private static void SumOrMean(KernelContext ctx, bool mean)
    {
        var x = ctx.Input(0);
        var reduced = Axes(ctx.Op.Attr<int[]?>("axis", null), x.Shape.Rank, p => RunError(ctx, $"{p}; input shape {x.Shape.ToBracketString()}"));
        bool keepDims = ctx.Op.Attr("keepDims", false);
        var dims = x.Shape.Dims;
        var outDims = new List<int>(dims.Length);
        long count = 1;
        for (int i = 0; i < dims.Length; i++)
            if (reduced[i]) { count *= dims[i]; if (keepDims) outDims.Add(1); }
            else outDims.Add(dims[i]);
        var result = ctx.Allocate(0, x.DType, Shape.Own(outDims.ToArray()));
        switch (x.DType)
        {
            case DType.Float32: SumOf<float>(x, dims, reduced, result, mean ? count : 1); break;
            case DType.Float64: SumOf<double>(x, dims, reduced, result, mean ? count : 1); break;
            case DType.Int32: SumOf<int>(x, dims, reduced, result, mean ? count : 1); break;
            case DType.Int64: SumOf<long>(x, dims, reduced, result, mean ? count : 1); break;
            default: throw ElementwiseLoops.Unsupported(ctx, x.DType);
        }
    }

    private static void Max(KernelContext ctx)
    {
        var x = ctx.Input(0);
        var reduced = Axes(ctx.Op.Attr<int[]?>("axis", null), x.Shape.Rank, p => RunError(ctx, $"{p}; input shape {x.Shape.ToBracketString()}"));
        bool keepDims = ctx.Op.Attr("keepDims", false);
        var dims = x.Shape.Dims;
        var result = ctx.Allocate(0, x.DType, Shape.Own(dims.Select((d, i) => reduced[i] ? 1 : d).Where((_, i) => !reduced[i] || keepDims).ToArray()));
        switch (x.DType)
        {
            case DType.Float32: Reduce.Max(x.Span<float>(), dims, reduced, result.Span<float>(), float.NegativeInfinity); break;
            case DType.Float64: Reduce.Max(x.Span<double>(), dims, reduced, result.Span<double>(), double.NegativeInfinity); break;
            case DType.Int32: Reduce.Max(x.Span<int>(), dims, reduced, result.Span<int>(), int.MinValue); break;
            case DType.Int64: Reduce.Max(x.Span<long>(), dims, reduced, result.Span<long>(), long.MinValue); break;
            default: throw ElementwiseLoops.Unsupported(ctx, x.DType);
        }
    }

    // A mean of nothing is NaN for floats (0/0, as TensorFlow) and stays 0 for integers.
    private static void SumOf<T>(NDArray x, int[] dims, bool[] reduced, NDArray result, long divisor) where T : unmanaged, INumber<T>
    {
        var r = result.Span<T>();
        Reduce.Sum<T>(x.Span<T>(), dims, reduced, r);
        if (divisor == 1 || (divisor == 0 && x.DType.IsInteger())) return;
        TensorPrimitives.Divide(r, T.CreateTruncating(divisor), r);
    }

    private static void BroadcastToShapeOf(KernelContext ctx)
    {
        NDArray x = ctx.Input(0), like = ctx.Input(1);
        var outDims = like.Shape.Dims;
        int rank = outDims.Length;
        var xDims = x.Shape.Dims;
        var expand = ctx.Op.Attr<int[]?>("expandAxes", null);
        var aligned = new int[rank];
        Array.Fill(aligned, 1);
        bool fits = true;
        if (expand is null)
        {
            fits = xDims.Length <= rank;
            if (fits) xDims.CopyTo(aligned, rank - xDims.Length);
        }
        else
        {
            var inserted = Axes(expand, rank, p => RunError(ctx, $"{p}; target shape {like.Shape.ToBracketString()}"));
            fits = xDims.Length + expand.Length == rank;
            for (int i = 0, j = 0; fits && i < rank; i++)
                if (!inserted[i]) aligned[i] = xDims[j++];
        }
        var broadcast = new bool[rank];
        for (int i = 0; fits && i < rank; i++)
        {
            fits = aligned[i] == outDims[i] || aligned[i] == 1;
            broadcast[i] = aligned[i] != outDims[i];
        }
        if (!fits)
            throw RunError(ctx, $"a value of shape {x.Shape.ToBracketString()} cannot broadcast to shape {like.Shape.ToBracketString()}" +
                (expand is null ? "" : $" with size-1 axes inserted at [{string.Join(", ", expand)}]"));
        var result = ctx.Allocate(0, x.DType, like.Shape);
        switch (x.DType.SizeInBytes())
        {
            case 1: Reduce.BroadcastInto<byte>(x.Bytes, outDims, broadcast, result.Bytes); break;
            case 4: Reduce.BroadcastInto<int>(As<int>(x), outDims, broadcast, As<int>(result)); break;
            default: Reduce.BroadcastInto<long>(As<long>(x), outDims, broadcast, As<long>(result)); break;
        }
    }

    // Broadcasting moves elements without looking at them: one loop per element width.
    private static Span<T> As<T>(NDArray a) where T : unmanaged => MemoryMarshal.Cast<byte, T>(a.Bytes);
}
