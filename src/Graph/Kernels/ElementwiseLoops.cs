using System.Numerics;
using ActorGraph.Ops;

namespace ActorGraph.Kernels;

// The shared loops, written once per arity: dtype dispatch, broadcasting, output buffers.
public static class ElementwiseLoops
{
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

    private static void UnaryOf<TOp, T>(KernelContext ctx, NDArray x) where TOp : IUnaryOperator where T : unmanaged, INumber<T>
    {
        var result = ctx.Allocate(0, x.DType, x.Shape);
        TOp.Span<T>(x.Span<T>(), result.Span<T>());
    }

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

    private static void BinaryOf<TOp, T>(KernelContext ctx) where TOp : IBinaryOperator where T : unmanaged, INumber<T>
    {
        NDArray x = ctx.Input(0), y = ctx.Input(1);
        if (x.Shape.Equals(y.Shape))
        {
            TOp.Span<T>(x.Span<T>(), y.Span<T>(), ctx.Allocate(0, x.DType, x.Shape).Span<T>());
            return;
        }
        var dims = Broadcast.Dims(x.Shape, y.Shape, ctx.Op.Name);
        var result = ctx.Allocate(0, x.DType, dims).Span<T>();
        if (y.Length == 1 && y.Shape.Rank <= x.Shape.Rank)
            TOp.SpanScalar<T>(x.Span<T>(), y.Span<T>()[0], result);
        else if (x.Length == 1 && x.Shape.Rank <= y.Shape.Rank)
            TOp.ScalarSpan<T>(x.Span<T>()[0], y.Span<T>(), result);
        else if (x.Length == result.Length && IsTrailing(y.Shape, x.Shape))
            for (int row = 0; row < result.Length; row += y.Length)
                TOp.Span<T>(x.Span<T>().Slice(row, y.Length), y.Span<T>(), result.Slice(row, y.Length));
        else
            General<T, T>(x, y, dims, (xs, ys, i, j) => TOp.Scalar(xs[i], ys[j]), result);
    }

    public static void FloatingBinary<TOp>(KernelContext ctx) where TOp : IFloatingBinaryOperator
    {
        NDArray x = ctx.Input(0), y = ctx.Input(1);
        var dims = Broadcast.Dims(x.Shape, y.Shape, ctx.Op.Name);
        switch (x.DType)
        {
            case DType.Float32: General<float, float>(x, y, dims, (xs, ys, i, j) => TOp.Scalar(xs[i], ys[j]), ctx.Allocate(0, x.DType, dims).Span<float>()); break;
            case DType.Float64: General<double, double>(x, y, dims, (xs, ys, i, j) => TOp.Scalar(xs[i], ys[j]), ctx.Allocate(0, x.DType, dims).Span<double>()); break;
            default: throw Unsupported(ctx, x.DType);
        }
    }

    public static void Comparison<TOp>(KernelContext ctx) where TOp : IComparisonOperator
    {
        NDArray x = ctx.Input(0), y = ctx.Input(1);
        var dims = Broadcast.Dims(x.Shape, y.Shape, ctx.Op.Name);
        var result = ctx.Allocate(0, DType.Bool, dims).Span<bool>();
        switch (x.DType)
        {
            case DType.Float32: General<float, bool>(x, y, dims, (xs, ys, i, j) => TOp.Scalar<float>(xs[i], ys[j]), result); break;
            case DType.Float64: General<double, bool>(x, y, dims, (xs, ys, i, j) => TOp.Scalar<double>(xs[i], ys[j]), result); break;
            case DType.Int32: General<int, bool>(x, y, dims, (xs, ys, i, j) => TOp.Scalar<int>(xs[i], ys[j]), result); break;
            case DType.Int64: General<long, bool>(x, y, dims, (xs, ys, i, j) => TOp.Scalar<long>(xs[i], ys[j]), result); break;
            default: General<bool, bool>(x, y, dims, (xs, ys, i, j) => TOp.Scalar<int>(xs[i] ? 1 : 0, ys[j] ? 1 : 0), result); break;
        }
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
