using ActorGraph.Execution;
using ActorGraph.HashTables;

namespace ActorGraph.GraphTests.HashTables;

// A graph run by the executor alone, each Run a new step (as a session's), with hash tables and variables kept
// between runs.
internal sealed class HashHarness
{
    private readonly Executor _executor;
    private readonly LocalVariableStore _variables = new();
    private long _step;

    public HashHarness(Graph graph)
    {
        Graph = graph;
        _executor = new Executor(graph);
    }

    public Graph Graph { get; }
    public HashTableStore Tables { get; } = new();

    public NDArray?[] Run(Fetch[] fetches, FeedDict? feed = null) =>
        _executor.Run(fetches, feed, new StepContext(_variables, TextWriter.Null, ++_step) { HashTables = Tables });

    public NDArray Run(Tensor fetch, FeedDict? feed = null) => Run([fetch], feed)[0]!;

    public void Run(Operation target, FeedDict? feed = null) => Run([target], feed);

    public int RowsOf(HashEmbedding table) => Tables.Parts.Where(p => p.Spec.Table == table.Name).Sum(p => p.Rows);

    public static FeedDict Feed(Tensor ids, long[] values) => new() { [ids] = NDArray.FromArray(values, new Shape(values.Length)) };

    public static float[] Row(NDArray rows, int i, int dim) => rows.ToArray<float>().AsSpan(i * dim, dim).ToArray();
}
