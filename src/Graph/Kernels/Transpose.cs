using System.Runtime.InteropServices;

namespace ActorGraph.Kernels;

// Permutes axes: output axis i is input axis perm[i]. Moves elements by size only, so one
// instantiation per element width serves every dtype.
public static class Transpose
{
    public static void Into(NDArray x, int[] perm, NDArray result)
    {
        var dims = x.Shape.Dims;
        switch (x.DType.SizeInBytes())
        {
            case 1: Permute<byte>(x.Bytes, dims, perm, result.Bytes); break;
            case 4: Permute(MemoryMarshal.Cast<byte, int>(x.Bytes), dims, perm, MemoryMarshal.Cast<byte, int>(result.Bytes)); break;
            default: Permute(MemoryMarshal.Cast<byte, long>(x.Bytes), dims, perm, MemoryMarshal.Cast<byte, long>(result.Bytes)); break;
        }
    }

    public static void Permute<T>(ReadOnlySpan<T> x, int[] dims, int[] perm, Span<T> result) where T : unmanaged
    {
        int rank = dims.Length;
        if (x.IsEmpty) return;
        var sourceStrides = new int[rank];
        for (int i = rank - 1, s = 1; i >= 0; s *= dims[i], i--) sourceStrides[i] = s;
        var outDims = new int[rank];
        var strides = new int[rank];
        bool identity = true;
        for (int i = 0; i < rank; i++)
        {
            outDims[i] = dims[perm[i]];
            strides[i] = sourceStrides[perm[i]];
            identity &= perm[i] == i || dims[perm[i]] == 1;
        }
        if (identity)
        {
            x.CopyTo(result);
            return;
        }
        if (rank == 2)
        {
            Matrix(x, dims[0], dims[1], result);
            return;
        }
        // Odometer over the output's outer axes; the last one is a strided gather.
        int last = rank - 1, n = outDims[last], step = strides[last];
        Span<int> index = stackalloc int[rank];
        index.Clear();
        int source = 0;
        for (int o = 0; o < result.Length; o += n)
        {
            var row = result.Slice(o, n);
            for (int j = 0, s = source; j < n; j++, s += step) row[j] = x[s];
            for (int axis = last - 1; axis >= 0; axis--)
            {
                index[axis]++;
                source += strides[axis];
                if (index[axis] < outDims[axis]) break;
                source -= strides[axis] * outDims[axis];
                index[axis] = 0;
            }
        }
    }

    // result[c, r] = x[r, c], in tiles so both sides stay in cache.
    private static void Matrix<T>(ReadOnlySpan<T> x, int rows, int cols, Span<T> result) where T : unmanaged
    {
        const int Tile = 32;
        for (int r0 = 0; r0 < rows; r0 += Tile)
        {
            int r1 = Math.Min(r0 + Tile, rows);
            for (int c0 = 0; c0 < cols; c0 += Tile)
            {
                int c1 = Math.Min(c0 + Tile, cols);
                for (int r = r0; r < r1; r++)
                    for (int c = c0; c < c1; c++)
                        result[c * rows + r] = x[r * cols + c];
            }
        }
    }
}
