using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ActorGraph.Kernels;

// Row gathers along one axis, and their reverse (a scatter-add into zeros), with arrays seen as
// [outer, size, inner]: a "row" is the `inner` elements at one position of the axis.
public static unsafe class Gather
{
    // Rows a gather must have before it is split over the compute threads: each row of a large table is a cache miss,
    // and two cores wait on two at once; below this the fork and join would cost more than they save.
    private const int ParallelRows = 1024;

    // Indices as int64, whatever integer type holds them; null when every one is in [0, size),
    // else the position and value of the first that is not.
    public static (int Position, long Value)? ReadIndices(NDArray indices, int size, Span<long> result)
    {
        if (indices.DType == DType.Int32)
        {
            var from = indices.Span<int>()[..result.Length];
            for (int i = 0; i < from.Length; i++)
            {
                if ((uint)from[i] >= (uint)size) return (i, from[i]);
                result[i] = from[i];
            }
            return null;
        }
        var wide = indices.Span<long>()[..result.Length];
        for (int i = 0; i < wide.Length; i++)
        {
            if ((ulong)wide[i] >= (ulong)size) return (i, wide[i]);
            result[i] = wide[i];
        }
        return null;
    }

    // result[o, j, :] = from[o, indices[j], :], on bytes (rowBytes = inner × element width). Rows of whole 32-byte
    // vectors (an embedding's 16 floats) are copied a vector at a time: a call to memmove per short row costs more
    // than the copy.
    public static void Rows(ReadOnlySpan<byte> from, int outer, int size, int rowBytes, ReadOnlySpan<long> indices, Span<byte> result)
    {
        int n = indices.Length;
        if (outer != 1 || n < ParallelRows || ComputeThreads.Helpers == 0)
        {
            RowsOnOneThread(from, outer, size, rowBytes, indices, result);
            return;
        }
        if ((long)size * rowBytes > from.Length || (long)n * rowBytes > result.Length)
            throw new ArgumentException($"Gather of {size} rows of {rowBytes} bytes needs {(long)size * rowBytes} bytes in and {(long)n * rowBytes} out; got {from.Length} and {result.Length}.");
        int half = n / 2, fromLength = from.Length;
        fixed (byte* source = from)
        fixed (long* ids = indices)
        fixed (byte* target = result)
        {
            nint s = (nint)source, i = (nint)ids, t = (nint)target;
            ComputeThreads.For(2, part =>
            {
                int start = part == 0 ? 0 : half, count = part == 0 ? half : n - half;
                RowsOnOneThread(new ReadOnlySpan<byte>((void*)s, fromLength), 1, size, rowBytes, new ReadOnlySpan<long>((long*)i + start, count),
                    new Span<byte>((byte*)t + (long)start * rowBytes, count * rowBytes), firstPosition: start);
            });
        }
    }

    // firstPosition: where indices[0] stands in the whole gather, so that an error names an index's own position.
    private static void RowsOnOneThread(ReadOnlySpan<byte> from, int outer, int size, int rowBytes, ReadOnlySpan<long> indices, Span<byte> result,
        int firstPosition = 0)
    {
        int n = indices.Length;
        if (rowBytes > 0 && rowBytes % Vector256<byte>.Count == 0 && rowBytes <= 8 * Vector256<byte>.Count)
        {
            VectorRows(from, outer, size, rowBytes, indices, result, firstPosition);
            return;
        }
        if (outer == 1 && rowBytes == sizeof(float))
        {
            ElementRows(MemoryMarshal.Cast<byte, int>(from), indices, MemoryMarshal.Cast<byte, int>(result), firstPosition);
            return;
        }
        if (outer == 1 && rowBytes == sizeof(double))
        {
            ElementRows(MemoryMarshal.Cast<byte, long>(from), indices, MemoryMarshal.Cast<byte, long>(result), firstPosition);
            return;
        }
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < n; j++)
                from.Slice((o * size + (int)indices[j]) * rowBytes, rowBytes).CopyTo(result.Slice((o * n + j) * rowBytes, rowBytes));
    }

    private static void VectorRows(ReadOnlySpan<byte> from, int outer, int size, int rowBytes, ReadOnlySpan<long> indices, Span<byte> result,
        int firstPosition)
    {
        int n = indices.Length;
        if ((long)outer * size * rowBytes > from.Length || (long)outer * n * rowBytes > result.Length)
            throw new ArgumentException($"Gather of [{outer}, {size}] rows of {rowBytes} bytes needs {(long)outer * size * rowBytes} bytes in and {(long)outer * n * rowBytes} out; got {from.Length} and {result.Length}.");
        ref byte source = ref MemoryMarshal.GetReference(from);
        ref byte target = ref MemoryMarshal.GetReference(result);
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < n; j++)
            {
                if ((ulong)indices[j] >= (ulong)size) throw OutOfRange(firstPosition + j, indices[j], size);
                RowPrefetch.Ahead(from.Slice(o * size * rowBytes), indices, j, rowBytes);
                ref byte row = ref Unsafe.Add(ref source, (nint)(o * size + indices[j]) * rowBytes);
                ref byte to = ref Unsafe.Add(ref target, (nint)(o * n + j) * rowBytes);
                for (int b = 0; b < rowBytes; b += Vector256<byte>.Count)
                    Vector256.LoadUnsafe(ref row, (nuint)b).StoreUnsafe(ref to, (nuint)b);
            }
    }

    // Rows of one element (a wide model's per-id weights): a load and a store each, rather than a copy call.
    private static void ElementRows<T>(ReadOnlySpan<T> from, ReadOnlySpan<long> indices, Span<T> result, int firstPosition) where T : unmanaged
    {
        for (int j = 0; j < indices.Length; j++)
        {
            if ((ulong)indices[j] >= (ulong)from.Length) throw OutOfRange(firstPosition + j, indices[j], from.Length);
            RowPrefetch.Ahead(from, indices, j, 1);
            result[j] = from[(int)indices[j]];
        }
    }

    private static ArgumentOutOfRangeException OutOfRange(int position, long index, int size) =>
        new("indices", $"indices[{position}] = {index} is not in [0, {size}).");

    // result = zeros of [outer, size, inner]; result[o, indices[j], :] += rows[o, j, :] (repeated indices add up).
    public static void AddRows<T>(ReadOnlySpan<T> rows, int outer, int size, int inner, ReadOnlySpan<long> indices, Span<T> result)
        where T : unmanaged, INumber<T>
    {
        result.Clear();
        int n = indices.Length;
        // Rows of one element (a wide model's per-id weights): an add each, rather than a call.
        if (inner == 1 && outer == 1)
        {
            for (int j = 0; j < n; j++) result[(int)indices[j]] += rows[j];
            return;
        }
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < n; j++)
            {
                var target = result.Slice((o * size + (int)indices[j]) * inner, inner);
                TensorPrimitives.Add(target, rows.Slice((o * n + j) * inner, inner), target);
            }
    }
}
