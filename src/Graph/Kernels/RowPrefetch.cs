using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace ActorGraph.Kernels;

// Loops over scattered rows of a large table (gathers, sparse updates) wait on a cache miss per row; asking for the row
// a few iterations ahead lets those misses overlap instead.
public static unsafe class RowPrefetch
{
    private const int Distance = 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Ahead<T>(ReadOnlySpan<T> storage, ReadOnlySpan<long> rows, int i, int rowLength) where T : unmanaged
    {
        if (!Sse.IsSupported || i + Distance >= rows.Length) return;
        long at = rows[i + Distance] * rowLength;
        if ((ulong)at >= (ulong)storage.Length) return;
        Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetReference(storage), (nint)at)));
    }
}
