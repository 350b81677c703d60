namespace ActorGraph.Kernels;

public static class Fill
{
    public static void Set(NDArray array, int index, double value)
    {
        switch (array.DType)
        {
            case DType.Float32: array.Span<float>()[index] = (float)value; break;
            case DType.Float64: array.Span<double>()[index] = value; break;
            case DType.Int32: array.Span<int>()[index] = (int)value; break;
            case DType.Int64: array.Span<long>()[index] = (long)value; break;
            default: array.Span<bool>()[index] = value != 0; break;
        }
    }
}
