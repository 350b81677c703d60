namespace ActorGraph.Kernels;

// Joining and cutting arrays along one axis (Concat, Split, Stack, Unstack). Seen as
// [outer, everything from the axis on], an array is `outer` rows of bytes, and each part owns one
// run of every row of the whole: a join or a cut is a copy of runs, whatever the dtype.
public static class AxisBlocks
{
    public static void Join(IReadOnlyList<NDArray> parts, int outer, NDArray whole)
    {
        var to = whole.Bytes;
        if (outer == 0) return;
        int rowBytes = to.Length / outer, offset = 0;
        foreach (var part in parts)
        {
            var from = part.Bytes;
            int run = from.Length / outer;
            for (int o = 0; o < outer; o++) from.Slice(o * run, run).CopyTo(to.Slice(o * rowBytes + offset, run));
            offset += run;
        }
    }

    public static void Cut(NDArray whole, int outer, IReadOnlyList<NDArray> parts)
    {
        var from = whole.Bytes;
        if (outer == 0) return;
        int rowBytes = from.Length / outer, offset = 0;
        foreach (var part in parts)
        {
            var to = part.Bytes;
            int run = to.Length / outer;
            for (int o = 0; o < outer; o++) from.Slice(o * rowBytes + offset, run).CopyTo(to.Slice(o * run, run));
            offset += run;
        }
    }

    // The product of dims before `axis`: how many rows the arrays are cut into.
    public static int Outer(ReadOnlySpan<int> dims, int axis)
    {
        int outer = 1;
        for (int i = 0; i < axis; i++) outer *= dims[i];
        return outer;
    }
}
