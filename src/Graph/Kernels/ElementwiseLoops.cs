using System.Numerics;
using System.Runtime.CompilerServices;
using ActorGraph.Ops;

namespace ActorGraph.Kernels;

// The shared loops, written once per arity: dtype dispatch, broadcasting, output buffers. Optimized from their first
// call: a graph of small ops runs them thousands of times per step, long before tiered compilation would promote them.
public static class ElementwiseLoops
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Unary<TOp>(KernelContext ctx) where TOp : IUnaryOperator
    {
        var x = ctx.Input(0);
        switch (x.DType)
        {
            case DType.Float32: UnaryOf<TOp, float>(ctx, x); break;
            case DType.Float64: UnaryOf<TOp, double>(ctx, x); break;
            case DType.Int32: UnaryOf<TOp, int>(ctx, x); break;
            case DType.Int64: UnaryOf<TOp, long>(ctx, x); break;
            default: throw Unsupported(ctx, x.DType);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void UnaryOf<TOp, T>(KernelContext ctx, NDArray x) where TOp : IUnaryOperator where T : unmanaged, INumber<T>
    {
        var result = ctx.Allocate(0, x.DType, x.Shape);
        TOp.Span<T>(x.Span<T>(), result.Span<T>());
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FloatingUnary<TOp>(KernelContext ctx) where TOp : IFloatingUnaryOperator
    {
        var x = ctx.Input(0);
        switch (x.DType)
        {
            case DType.Float32: TOp.Span<float>(x.Span<float>(), ctx.Allocate(0, x.DType, x.Shape).Span<float>()); break;
            case DType.Float64: TOp.Span<double>(x.Span<double>(), ctx.Allocate(0, x.DType, x.Shape).Span<double>()); break;
            default: throw Unsupported(ctx, x.DType);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Binary<TOp>(KernelContext ctx) where TOp : IBinaryOperator
    {
        var x = ctx.Input(0);
        switch (x.DType)
        {
            case DType.Float32: BinaryOf<TOp, float>(ctx); break;
            case DType.Float64: BinaryOf<TOp, double>(ctx); break;
            case DType.Int32: BinaryOf<TOp, int>(ctx); break;
            case DType.Int64: BinaryOf<TOp, long>(ctx); break;
            default: throw Unsupported(ctx, x.DType);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BinaryOf<TOp, T>(KernelContext ctx) where TOp : IBinaryOperator where T : unmanaged, INumber<T>
    {
        NDArray x = ctx.Input(0), y = ctx.Input(1);
        var (layout, dims) = Layout(x, y, ctx.Op.Name);
        var result = ctx.Allocate(0, x.DType, dims).Span<T>();
        ReadOnlySpan<T> xs = x.Span<T>(), ys = y.Span<T>();
        switch (layout)
        {
            case BinaryLayout.Same: TOp.Span(xs, ys, result); break;
            case BinaryLayout.SpanScalar: TOp.SpanScalar(xs, ys[0], result); break;
            case BinaryLayout.ScalarSpan: TOp.ScalarSpan(xs[0], ys, result); break;
            case BinaryLayout.Rows:
                for (int row = 0; row < result.Length; row += ys.Length)
                    TOp.Span(xs.Slice(row, ys.Length), ys, result.Slice(row, ys.Length));
                break;
            default: General<T, T>(x, y, dims, (a, b, i, j) => TOp.Scalar(a[i], b[j]), result); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FloatingBinary<TOp>(KernelContext ctx) where TOp : IFloatingBinaryOperator
    {
        switch (ctx.Input(0).DType)
        {
            case DType.Float32: FloatingBinaryOf<TOp, float>(ctx); break;
            case DType.Float64: FloatingBinaryOf<TOp, double>(ctx); break;
            default: throw Unsupported(ctx, ctx.Input(0).DType);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FloatingBinaryOf<TOp, T>(KernelContext ctx) where TOp : IFloatingBinaryOperator where T : unmanaged, IFloatingPointIeee754<T>
    {
        NDArray x = ctx.Input(0), y = ctx.Input(1);
        var (layout, dims) = Layout(x, y, ctx.Op.Name);
        var result = ctx.Allocate(0, x.DType, dims).Span<T>();
        ReadOnlySpan<T> xs = x.Span<T>(), ys = y.Span<T>();
        switch (layout)
        {
            case BinaryLayout.Same: TOp.Span(xs, ys, result); break;
            case BinaryLayout.SpanScalar: TOp.SpanScalar(xs, ys[0], result); break;
            case BinaryLayout.ScalarSpan: TOp.ScalarSpan(xs[0], ys, result); break;
            case BinaryLayout.Rows:
                for (int row = 0; row < result.Length; row += ys.Length)
                    TOp.Span(xs.Slice(row, ys.Length), ys, result.Slice(row, ys.Length));
                break;
            default: General<T, T>(x, y, dims, (a, b, i, j) => TOp.Scalar(a[i], b[j]), result); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Comparison<TOp>(KernelContext ctx) where TOp : IComparisonOperator
    {
        NDArray x = ctx.Input(0), y = ctx.Input(1);
        switch (x.DType)
        {
            case DType.Float32: CompareOf<TOp, float>(ctx, x, y); break;
            case DType.Float64: CompareOf<TOp, double>(ctx, x, y); break;
            case DType.Int32: CompareOf<TOp, int>(ctx, x, y); break;
            case DType.Int64: CompareOf<TOp, long>(ctx, x, y); break;
            default:
                var dims = Broadcast.Dims(x.Shape, y.Shape, ctx.Op.Name);
                General<bool, bool>(x, y, dims, (a, b, i, j) => TOp.Scalar(a[i] ? 1 : 0, b[j] ? 1 : 0), ctx.Allocate(0, DType.Bool, dims).Span<bool>());
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CompareOf<TOp, T>(KernelContext ctx, NDArray x, NDArray y) where TOp : IComparisonOperator where T : unmanaged, INumber<T>
    {
        var (layout, dims) = Layout(x, y, ctx.Op.Name);
        var result = ctx.Allocate(0, DType.Bool, dims).Span<bool>();
        ReadOnlySpan<T> xs = x.Span<T>(), ys = y.Span<T>();
        switch (layout)
        {
            case BinaryLayout.Same:
                for (int i = 0; i < result.Length; i++) result[i] = TOp.Scalar(xs[i], ys[i]);
                break;
            case BinaryLayout.SpanScalar:
                T right = ys[0];
                for (int i = 0; i < result.Length; i++) result[i] = TOp.Scalar(xs[i], right);
                break;
            case BinaryLayout.ScalarSpan:
                T left = xs[0];
                for (int i = 0; i < result.Length; i++) result[i] = TOp.Scalar(left, ys[i]);
                break;
            default: General<T, bool>(x, y, dims, (a, b, i, j) => TOp.Scalar(a[i], b[j]), result); break;
        }
    }

    private enum BinaryLayout { Same, SpanScalar, ScalarSpan, Rows, General }

    // Which loop a pair of run-time shapes needs; the general one walks indices element by element.
    private static (BinaryLayout, int[]) Layout(NDArray x, NDArray y, string opName)
    {
        if (x.Shape.Equals(y.Shape)) return (BinaryLayout.Same, x.Shape.Dims);
        var dims = Broadcast.Dims(x.Shape, y.Shape, opName);
        if (y.Length == 1 && y.Shape.Rank <= x.Shape.Rank) return (BinaryLayout.SpanScalar, dims);
        if (x.Length == 1 && x.Shape.Rank <= y.Shape.Rank) return (BinaryLayout.ScalarSpan, dims);
        if (x.Shape.SameDims(dims) && IsTrailing(y.Shape, x.Shape)) return (BinaryLayout.Rows, dims);
        return (BinaryLayout.General, dims);
    }

    public delegate TOut Element<TIn, TOut>(ReadOnlySpan<TIn> x, ReadOnlySpan<TIn> y, int i, int j);

    // Any broadcast, element by element: the slow path, kept simple.
    public static void General<TIn, TOut>(NDArray x, NDArray y, int[] dims, Element<TIn, TOut> element, Span<TOut> result)
        where TIn : unmanaged where TOut : unmanaged
    {
        var xs = x.Span<TIn>();
        var ys = y.Span<TIn>();
        var xStrides = Broadcast.Strides(x.Shape, dims);
        var yStrides = Broadcast.Strides(y.Shape, dims);
        int rank = dims.Length, total = result.Length;
        Span<int> index = stackalloc int[Math.Max(rank, 1)];
        index.Clear();
        int xi = 0, yi = 0;
        for (int o = 0; o < total; o++)
        {
            result[o] = element(xs, ys, xi, yi);
            for (int axis = rank - 1; axis >= 0; axis--)
            {
                index[axis]++;
                xi += xStrides[axis];
                yi += yStrides[axis];
                if (index[axis] < dims[axis]) break;
                xi -= xStrides[axis] * dims[axis];
                yi -= yStrides[axis] * dims[axis];
                index[axis] = 0;
            }
        }
    }

    // True when `inner` equals the last dims of `outer` (a row added to every row of a matrix).
    private static bool IsTrailing(Shape inner, Shape outer)
    {
        if (inner.Rank > outer.Rank || inner.Size == 0) return false;
        int offset = outer.Rank - inner.Rank;
        for (int i = 0; i < inner.Rank; i++)
            if (inner[i] != outer[offset + i]) return false;
        return true;
    }

    public static InvalidArgumentException Unsupported(KernelContext ctx, DType dtype) =>
        new($"{ctx.Op.Type} (op '{ctx.Op.Name}') has no kernel for {dtype.PythonName()}.");
}
