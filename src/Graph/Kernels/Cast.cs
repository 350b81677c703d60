namespace ActorGraph.Kernels;

// Element type conversion, as TensorFlow's Cast (float → int truncates toward zero).
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
        int n = source.Length;
        switch (target.DType)
        {
            case DType.Float32: { var t = target.Span<float>(); for (int i = 0; i < n; i++) t[i] = (float)source.GetDouble(i); break; }
            case DType.Float64: { var t = target.Span<double>(); for (int i = 0; i < n; i++) t[i] = source.GetDouble(i); break; }
            case DType.Int32: { var t = target.Span<int>(); for (int i = 0; i < n; i++) t[i] = source.DType == DType.Int64 ? (int)source.Span<long>()[i] : (int)source.GetDouble(i); break; }
            case DType.Int64: { var t = target.Span<long>(); for (int i = 0; i < n; i++) t[i] = source.DType == DType.Int64 ? source.Span<long>()[i] : (long)source.GetDouble(i); break; }
            default: { var t = target.Span<bool>(); for (int i = 0; i < n; i++) t[i] = source.GetDouble(i) != 0; break; }
        }
    }
}
