using System.Numerics;
using System.Numerics.Tensors;

namespace ActorGraph.Kernels;

// Reductions over any set of axes and their reverse, broadcasting back, as walks over runs of
// adjacent axes: the innermost run is one vectorized span operation.
public static class Reduce
{
    // A run of adjacent axes that are all collapsed (reduced, or broadcast) or all kept, with its
    // element stride in the full array and in the small one (0 where collapsed).
    private readonly record struct Run(int Size, bool Collapsed, int FullStride, int SmallStride);

    private static Run[] Runs(ReadOnlySpan<int> dims, ReadOnlySpan<bool> collapsed)
    {
        var merged = new List<(int Size, bool Collapsed)>(dims.Length);
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] == 1) continue;
            if (merged.Count > 0 && merged[^1].Collapsed == collapsed[i]) merged[^1] = (merged[^1].Size * dims[i], collapsed[i]);
            else merged.Add((dims[i], collapsed[i]));
        }
        if (merged.Count == 0) merged.Add((1, false));
        var runs = new Run[merged.Count];
        int full = 1, small = 1;
        for (int i = merged.Count - 1; i >= 0; i--)
        {
            var (size, isCollapsed) = merged[i];
            runs[i] = new Run(size, isCollapsed, full, isCollapsed ? 0 : small);
            full *= size;
            if (!isCollapsed) small *= size;
        }
        return runs;
    }

    // result = x summed over the axes marked in `reduced`; result holds the kept axes in order.
    public static void Sum<T>(ReadOnlySpan<T> x, ReadOnlySpan<int> dims, ReadOnlySpan<bool> reduced, Span<T> result)
        where T : unmanaged, INumber<T>
    {
        result.Clear();
        if (x.IsEmpty || result.IsEmpty) return;
        SumWalk(x, Runs(dims, reduced), 0, 0, 0, result);
    }

    private static void SumWalk<T>(ReadOnlySpan<T> x, Run[] runs, int level, int xOffset, int rOffset, Span<T> result)
        where T : unmanaged, INumber<T>
    {
        var run = runs[level];
        if (level == runs.Length - 1)
        {
            var xs = x.Slice(xOffset, run.Size);
            if (run.Collapsed) result[rOffset] += TensorPrimitives.Sum(xs);
            else TensorPrimitives.Add(result.Slice(rOffset, run.Size), xs, result.Slice(rOffset, run.Size));
            return;
        }
        for (int i = 0; i < run.Size; i++)
            SumWalk(x, runs, level + 1, xOffset + i * run.FullStride, rOffset + i * run.SmallStride, result);
    }

    // result (of shape dims) = x repeated along the axes marked in `broadcast`; x holds the others in order.
    public static void BroadcastInto<T>(ReadOnlySpan<T> x, ReadOnlySpan<int> dims, ReadOnlySpan<bool> broadcast, Span<T> result)
        where T : unmanaged
    {
        if (result.IsEmpty) return;
        BroadcastWalk(x, Runs(dims, broadcast), 0, 0, 0, result);
    }

    private static void BroadcastWalk<T>(ReadOnlySpan<T> x, Run[] runs, int level, int xOffset, int rOffset, Span<T> result)
        where T : unmanaged
    {
        var run = runs[level];
        if (level == runs.Length - 1)
        {
            var target = result.Slice(rOffset, run.Size);
            if (run.Collapsed) target.Fill(x[xOffset]);
            else x.Slice(xOffset, run.Size).CopyTo(target);
            return;
        }
        for (int i = 0; i < run.Size; i++)
            BroadcastWalk(x, runs, level + 1, xOffset + i * run.SmallStride, rOffset + i * run.FullStride, result);
    }

    // The index of the largest value along the middle axis of x seen as [outer, size, inner];
    // the first one on ties, the first NaN if there is one (as TensorPrimitives.IndexOfMax).
    public static void ArgMax<T>(ReadOnlySpan<T> x, int outer, int size, int inner, Span<long> result)
        where T : unmanaged, INumber<T>
    {
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++) result[o] = TensorPrimitives.IndexOfMax(x.Slice(o * size, size));
            return;
        }
        for (int o = 0; o < outer; o++)
        {
            var block = x.Slice(o * size * inner, size * inner);
            for (int j = 0; j < inner; j++)
            {
                T best = block[j];
                long index = 0;
                for (int k = 1; k < size && !T.IsNaN(best); k++)
                {
                    T v = block[k * inner + j];
                    if (v > best || T.IsNaN(v)) (best, index) = (v, k);
                }
                result[o * inner + j] = index;
            }
        }
    }

    // result = the largest value over the axes marked in `reduced` (NaN if one is NaN); `lowest`
    // for an empty reduction (-inf for floats, as TensorFlow).
    public static void Max<T>(ReadOnlySpan<T> x, ReadOnlySpan<int> dims, ReadOnlySpan<bool> reduced, Span<T> result, T lowest)
        where T : unmanaged, INumber<T>
    {
        result.Fill(lowest);
        if (x.IsEmpty || result.IsEmpty) return;
        MaxWalk(x, Runs(dims, reduced), 0, 0, 0, result);
    }

    private static void MaxWalk<T>(ReadOnlySpan<T> x, Run[] runs, int level, int xOffset, int rOffset, Span<T> result)
        where T : unmanaged, INumber<T>
    {
        var run = runs[level];
        if (level == runs.Length - 1)
        {
            var xs = x.Slice(xOffset, run.Size);
            if (run.Collapsed) result[rOffset] = T.Max(result[rOffset], TensorPrimitives.Max(xs));
            else TensorPrimitives.Max(result.Slice(rOffset, run.Size), xs, result.Slice(rOffset, run.Size));
            return;
        }
        for (int i = 0; i < run.Size; i++)
            MaxWalk(x, runs, level + 1, xOffset + i * run.FullStride, rOffset + i * run.SmallStride, result);
    }
}
