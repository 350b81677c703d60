using ActorGraph.Execution;

namespace ActorGraph.GraphTests.Execution;

// Graph's executor with variables in a local store, run as a Session runs it: the graph's own
// behaviour, without the actors of Coordinator (whose tests run the same graphs through them).
public sealed class LocalExecutor(Graph graph, TextWriter? printOutput = null)
{
    private readonly Executor _executor = new(graph);
    private readonly StepContext _step = new(new LocalVariableStore(), printOutput ?? TextWriter.Null);

    public Graph Graph => _executor.Graph;

    public NDArray Run(Tensor fetch, FeedDict? feed = null) => Run([fetch], feed)[0]!;

    public void Run(Operation target, FeedDict? feed = null) => Run([target], feed);

    public NDArray?[] Run(IReadOnlyList<Fetch> fetches, FeedDict? feed = null) => _executor.Run(fetches, feed, _step);
}
