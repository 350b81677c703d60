using System.Numerics;

namespace ActorGraph.Kernels;

// Kernel steps: each op supplies its scalar form and its span form; the loops in
// ElementwiseLoops.cs do the rest (dispatch on dtype, broadcasting, buffers).
public interface IUnaryOperator
{
    static abstract T Scalar<T>(T x) where T : unmanaged, INumber<T>;
    static abstract void Span<T>(ReadOnlySpan<T> x, Span<T> destination) where T : unmanaged, INumber<T>;
}

// For ops defined on float32/float64 only (Exp, Log, Sqrt, …).
public interface IFloatingUnaryOperator
{
    static abstract T Scalar<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>;
    static abstract void Span<T>(ReadOnlySpan<T> x, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>;
}

public interface IBinaryOperator
{
    static abstract T Scalar<T>(T x, T y) where T : unmanaged, INumber<T>;
    static abstract void Span<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, INumber<T>;
    static abstract void SpanScalar<T>(ReadOnlySpan<T> x, T y, Span<T> destination) where T : unmanaged, INumber<T>;
    static abstract void ScalarSpan<T>(T x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, INumber<T>;
}

public interface IFloatingBinaryOperator
{
    static abstract T Scalar<T>(T x, T y) where T : unmanaged, IFloatingPointIeee754<T>;
    static abstract void Span<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>;
    static abstract void SpanScalar<T>(ReadOnlySpan<T> x, T y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>;
    static abstract void ScalarSpan<T>(T x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>;
}

// Comparisons: numeric inputs, bool output.
public interface IComparisonOperator
{
    static abstract bool Scalar<T>(T x, T y) where T : unmanaged, INumber<T>;
}
