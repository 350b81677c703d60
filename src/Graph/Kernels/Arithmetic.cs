using System.Numerics;
using System.Numerics.Tensors;

namespace ActorGraph.Kernels;

public readonly struct AddOperator : IBinaryOperator
{
    public static T Scalar<T>(T x, T y) where T : unmanaged, INumber<T> => x + y;
    public static void Span<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Add(x, y, d);
    public static void SpanScalar<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Add(x, y, d);
    public static void ScalarSpan<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Add(y, x, d);
}

public readonly struct SubtractOperator : IBinaryOperator
{
    public static T Scalar<T>(T x, T y) where T : unmanaged, INumber<T> => x - y;
    public static void Span<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Subtract(x, y, d);
    public static void SpanScalar<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Subtract(x, y, d);
    public static void ScalarSpan<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Subtract(x, y, d);
}

public readonly struct MultiplyOperator : IBinaryOperator
{
    public static T Scalar<T>(T x, T y) where T : unmanaged, INumber<T> => x * y;
    public static void Span<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Multiply(x, y, d);
    public static void SpanScalar<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Multiply(x, y, d);
    public static void ScalarSpan<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Multiply(y, x, d);
}

// Integer division truncates, as TensorFlow's Div on ints; by zero it fails the step.
public readonly struct DivideOperator : IBinaryOperator
{
    public static T Scalar<T>(T x, T y) where T : unmanaged, INumber<T> => x / y;
    public static void Span<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Divide(x, y, d);
    public static void SpanScalar<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Divide(x, y, d);
    public static void ScalarSpan<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Divide(x, y, d);
}

public readonly struct NegateOperator : IUnaryOperator
{
    public static T Scalar<T>(T x) where T : unmanaged, INumber<T> => -x;
    public static void Span<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Negate(x, d);
}

public readonly struct SquareOperator : IUnaryOperator
{
    public static T Scalar<T>(T x) where T : unmanaged, INumber<T> => x * x;
    public static void Span<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Multiply(x, x, d);
}
