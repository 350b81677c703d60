using System.Runtime.InteropServices;

namespace ActorGraph.Kernels;

// result = condition ? x : y, where each condition value picks a run of `run` elements: one element
// (same shapes), a row (a vector condition over a batch) or everything (a scalar condition).
public static class Select
{
    public static void Into(ReadOnlySpan<bool> condition, NDArray x, NDArray y, NDArray result, int run)
    {
        switch (x.DType.SizeInBytes())
        {
            case 1: Choose<byte>(condition, x.Bytes, y.Bytes, result.Bytes, run); break;
            case 4: Choose(condition, As<int>(x), As<int>(y), As<int>(result), run); break;
            default: Choose(condition, As<long>(x), As<long>(y), As<long>(result), run); break;
        }
    }

    private static void Choose<T>(ReadOnlySpan<bool> condition, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> result, int run) where T : unmanaged
    {
        if (run == 1)
        {
            for (int i = 0; i < condition.Length; i++) result[i] = condition[i] ? x[i] : y[i];
            return;
        }
        for (int i = 0; i < condition.Length; i++)
            (condition[i] ? x : y).Slice(i * run, run).CopyTo(result.Slice(i * run, run));
    }

    // Selection moves elements without looking at them: one loop per element width.
    private static Span<T> As<T>(NDArray a) where T : unmanaged => MemoryMarshal.Cast<byte, T>(a.Bytes);
}
