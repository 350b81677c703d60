using System.Numerics;
using System.Numerics.Tensors;

namespace ActorGraph.Kernels;

// Element type conversion, as TensorFlow's Cast: float → int truncates toward zero (saturating
// out of range, NaN → 0), int64 → int32 wraps, anything → bool is "not zero".
public static class Cast
{
    public static NDArray To(NDArray value, DType dtype)
    {
        if (value.DType == dtype) return value;
        var result = NDArray.Zeros(dtype, value.Shape);
        Into(value, result);
        return result;
    }

    public static void Into(NDArray source, NDArray target)
    {
        if (source.DType == DType.String || target.DType == DType.String)
            throw new ArgumentException($"Cast {source.DType.PythonName()} to {target.DType.PythonName()} is not supported; build the value with the dtype it needs.");
        switch (source.DType)
        {
            case DType.Float32: From<float>(source.Span<float>(), target); break;
            case DType.Float64: From<double>(source.Span<double>(), target); break;
            case DType.Int32: From<int>(source.Span<int>(), target); break;
            case DType.Int64: From<long>(source.Span<long>(), target); break;
            default: FromBool(source.Span<bool>(), target); break;
        }
    }

    private static void From<TFrom>(ReadOnlySpan<TFrom> source, NDArray target) where TFrom : unmanaged, INumber<TFrom>
    {
        switch (target.DType)
        {
            case DType.Float32: TensorPrimitives.ConvertTruncating(source, target.Span<float>()); break;
            case DType.Float64: TensorPrimitives.ConvertTruncating(source, target.Span<double>()); break;
            case DType.Int32: TensorPrimitives.ConvertTruncating(source, target.Span<int>()); break;
            case DType.Int64: TensorPrimitives.ConvertTruncating(source, target.Span<long>()); break;
            default:
                var t = target.Span<bool>();
                for (int i = 0; i < t.Length; i++) t[i] = source[i] != TFrom.Zero;
                break;
        }
    }

    private static void FromBool(ReadOnlySpan<bool> source, NDArray target)
    {
        switch (target.DType)
        {
            case DType.Float32: Ones<float>(source, target.Span<float>()); break;
            case DType.Float64: Ones<double>(source, target.Span<double>()); break;
            case DType.Int32: Ones<int>(source, target.Span<int>()); break;
            case DType.Int64: Ones<long>(source, target.Span<long>()); break;
            default: source.CopyTo(target.Span<bool>()); break;
        }
    }

    private static void Ones<T>(ReadOnlySpan<bool> source, Span<T> target) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < target.Length; i++) target[i] = source[i] ? T.One : T.Zero;
    }
}
