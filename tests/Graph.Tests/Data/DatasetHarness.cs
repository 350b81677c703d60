using ActorGraph.GraphTests.Execution;

namespace ActorGraph.GraphTests.Data;

// A dataset run through a one-shot iterator in its own graph and executor, as a session runs it.
internal static class DatasetHarness
{
    public static int[] Range(int n) => Enumerable.Range(0, n).ToArray();

    // Every element's components until End of sequence, each flattened to ints.
    public static List<int[][]> Elements(Func<Dataset> build)
    {
        var g = new Graph();
        using (g.AsDefault())
        {
            var next = build().MakeOneShotIterator().GetNext();
            return Drain(new LocalExecutor(g), next);
        }
    }

    public static List<int[]> Scalars(Func<Dataset> build) => Elements(build).Select(e => e[0]).ToList();

    public static List<int[][]> Drain(LocalExecutor session, Tensor[] next)
    {
        var elements = new List<int[][]>();
        while (true)
        {
            try { elements.Add(session.Run(next.Select(t => (Fetch)t).ToArray()).Select(v => ToInts(v!)).ToArray()); }
            catch (OutOfRangeException) { return elements; }
            if (elements.Count > 100_000) throw new InvalidOperationException("The dataset did not end.");
        }
    }

    public static int[] ToInts(NDArray v) => v.DType switch
    {
        DType.Int32 => v.ToArray<int>(),
        DType.Float32 => v.ToArray<float>().Select(x => (int)x).ToArray(),
        DType.Float64 => v.ToArray<double>().Select(x => (int)x).ToArray(),
        _ => throw new ArgumentException($"No int view of {v.DType}."),
    };
}
