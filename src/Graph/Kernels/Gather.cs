using System.Numerics;
using System.Numerics.Tensors;

namespace ActorGraph.Kernels;

// Row gathers along one axis, and their reverse (a scatter-add into zeros), with arrays seen as
// [outer, size, inner]: a "row" is the `inner` elements at one position of the axis.
public static class Gather
{
    // Indices as int64, whatever integer type holds them; null when every one is in [0, size),
    // else the position and value of the first that is not.
    public static (int Position, long Value)? ReadIndices(NDArray indices, int size, Span<long> result)
    {
        for (int i = 0; i < result.Length; i++)
        {
            long v = indices.DType == DType.Int32 ? indices.Span<int>()[i] : indices.Span<long>()[i];
            if (v < 0 || v >= size) return (i, v);
            result[i] = v;
        }
        return null;
    }

    // result[o, j, :] = from[o, indices[j], :], on bytes (rowBytes = inner × element width).
    public static void Rows(ReadOnlySpan<byte> from, int outer, int size, int rowBytes, ReadOnlySpan<long> indices, Span<byte> result)
    {
        int n = indices.Length;
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < n; j++)
                from.Slice((o * size + (int)indices[j]) * rowBytes, rowBytes).CopyTo(result.Slice((o * n + j) * rowBytes, rowBytes));
    }

    // result = zeros of [outer, size, inner]; result[o, indices[j], :] += rows[o, j, :] (repeated indices add up).
    public static void AddRows<T>(ReadOnlySpan<T> rows, int outer, int size, int inner, ReadOnlySpan<long> indices, Span<T> result)
        where T : unmanaged, INumber<T>
    {
        result.Clear();
        int n = indices.Length;
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < n; j++)
            {
                var target = result.Slice((o * size + (int)indices[j]) * inner, inner);
                TensorPrimitives.Add(target, rows.Slice((o * n + j) * inner, inner), target);
            }
    }
}
