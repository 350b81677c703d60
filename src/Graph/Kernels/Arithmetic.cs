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

// Integer MinValue has no absolute value: TensorPrimitives throws, and the step fails.
public readonly struct AbsOperator : IUnaryOperator
{
    public static T Scalar<T>(T x) where T : unmanaged, INumber<T> => T.Abs(x);
    public static void Span<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Abs(x, d);
}

// -1, 0 or 1; NaN stays NaN and zero keeps its sign, as TensorFlow's Sign.
public readonly struct SignOperator : IUnaryOperator
{
    public static T Scalar<T>(T x) where T : unmanaged, INumber<T> => x > T.Zero ? T.One : x < T.Zero ? -T.One : x;

    public static void Span<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < x.Length; i++) d[i] = Scalar(x[i]);
    }
}

public readonly struct ReluOperator : IUnaryOperator
{
    public static T Scalar<T>(T x) where T : unmanaged, INumber<T> => T.Max(x, T.Zero);
    public static void Span<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Max(x, T.Zero, d);
}

// TensorFlow's ReluGrad(gradients, features): the gradient where the Relu's output is positive, else 0 (0, not
// gradient × 0: a NaN or infinite gradient where the unit is off stays off). One pass instead of the three of
// gradient × Cast(output > 0), which takes ~3% of an MLP step's CPU.
public readonly struct ReluGradOperator : IBinaryOperator
{
    public static T Scalar<T>(T gradient, T output) where T : unmanaged, INumber<T> => output > T.Zero ? gradient : T.Zero;

    public static void Span<T>(ReadOnlySpan<T> gradient, ReadOnlySpan<T> output, Span<T> d) where T : unmanaged, INumber<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
            for (; i <= d.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var on = Vector.GreaterThan(new Vector<T>(output[i..]), Vector<T>.Zero);
                Vector.ConditionalSelect(on, new Vector<T>(gradient[i..]), Vector<T>.Zero).CopyTo(d[i..]);
            }
        for (; i < d.Length; i++) d[i] = Scalar(gradient[i], output[i]);
    }

    public static void SpanScalar<T>(ReadOnlySpan<T> gradient, T output, Span<T> d) where T : unmanaged, INumber<T>
    {
        if (output > T.Zero) gradient.CopyTo(d);
        else d.Clear();
    }

    public static void ScalarSpan<T>(T gradient, ReadOnlySpan<T> output, Span<T> d) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < d.Length; i++) d[i] = Scalar(gradient, output[i]);
    }
}

// NaN wins, in the scalar and the span form alike.
public readonly struct MaximumOperator : IBinaryOperator
{
    public static T Scalar<T>(T x, T y) where T : unmanaged, INumber<T> => T.Max(x, y);
    public static void Span<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Max(x, y, d);
    public static void SpanScalar<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Max(x, y, d);
    public static void ScalarSpan<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Max(y, x, d);
}

public readonly struct MinimumOperator : IBinaryOperator
{
    public static T Scalar<T>(T x, T y) where T : unmanaged, INumber<T> => T.Min(x, y);
    public static void Span<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Min(x, y, d);
    public static void SpanScalar<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Min(x, y, d);
    public static void ScalarSpan<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Min(y, x, d);
}
