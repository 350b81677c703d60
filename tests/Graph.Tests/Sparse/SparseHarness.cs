using ActorGraph.GraphTests.Execution;

namespace ActorGraph.GraphTests.Sparse;

// A fresh graph as the default, its executor, and tables filled with known values.
public sealed class SparseHarness : IDisposable
{
    private readonly IDisposable _scope;
    private LocalExecutor? _executor;

    public SparseHarness() => _scope = Graph.AsDefault();

    public Graph Graph { get; } = new();

    // Made on first use, so every op built before it is in the graph it runs.
    public LocalExecutor Executor => _executor ??= new LocalExecutor(Graph);

    public static float[] Random(int count, int seed) { var rng = new Random(seed); return [.. Enumerable.Range(0, count).Select(_ => (float)rng.NextDouble() + 1)]; }

    // Initializes every variable, then sets each part of `table` to the rows given (a part's rows, flattened).
    public void Fill(PartitionedVariable table, IReadOnlyList<float[]> parts)
    {
        var assigns = table.Select((part, i) => TF.Assign(part, TF.Constant(NDArray.FromArray(parts[i], part.Shape))).Op).ToArray();
        Executor.Run(TF.GlobalVariablesInitializer());
        Executor.Run(TF.Group(assigns));
    }

    public float[] Values(Tensor t, FeedDict? feed = null) => Executor.Run(t, feed).ToArray<float>();

    public void Dispose() => _scope.Dispose();
}
