namespace ActorGraph;

// Rows (slices along axis 0) of values: how data-parallel training splits a batch over replicas,
// puts their per-example results back together and averages their gradients.
internal static class ArrayRows
{
    public static NDArray Slice(NDArray a, int start, int count)
    {
        int rows = a.Shape[0];
        if (start < 0 || count < 0 || start + count > rows) throw new ArgumentOutOfRangeException(nameof(start), $"Rows {start}..{start + count} of {rows}.");
        int rowBytes = rows == 0 ? 0 : a.Length / rows * a.DType.SizeInBytes();
        var dims = a.Shape.ToArray();
        dims[0] = count;
        var slice = NDArray.Zeros(a.DType, new Shape(dims));
        a.Bytes.Slice(start * rowBytes, count * rowBytes).CopyTo(slice.Bytes);
        return slice;
    }

    public static NDArray Concat(IReadOnlyList<NDArray> parts)
    {
        var dims = parts[0].Shape.ToArray();
        dims[0] = parts.Sum(p => p.Shape[0]);
        var whole = NDArray.Zeros(parts[0].DType, new Shape(dims));
        int offset = 0;
        foreach (var p in parts)
        {
            p.Bytes.CopyTo(whole.Bytes[offset..]);
            offset += p.Bytes.Length;
        }
        return whole;
    }

    // Σ weights[i]·values[i], in the values' float type.
    public static NDArray WeightedSum(IReadOnlyList<NDArray> values, IReadOnlyList<double> weights)
    {
        var sum = NDArray.Zeros(values[0].DType, values[0].Shape);
        for (int v = 0; v < values.Count; v++)
        {
            if (sum.DType == DType.Float32)
            {
                var to = sum.Span<float>();
                var from = values[v].AsSpan<float>();
                float w = (float)weights[v];
                for (int i = 0; i < to.Length; i++) to[i] += w * from[i];
            }
            else if (sum.DType == DType.Float64)
            {
                var to = sum.Span<double>();
                var from = values[v].AsSpan<double>();
                for (int i = 0; i < to.Length; i++) to[i] += weights[v] * from[i];
            }
            else throw new ArgumentException($"Only float gradients are averaged, not {sum.DType.PythonName()}.");
        }
        return sum;
    }
}
