namespace ActorGraph;

public sealed partial class Graph
{
    // DOT text of the whole graph; with `highlight`, the computation path of those fetches
    // (stopping at `feeds`) is drawn bold and the rest grey. Render with `dot -Tsvg`.
    public string ToDot(IReadOnlyList<Fetch>? highlight = null, IEnumerable<Tensor>? feeds = null) =>
        Execution.DotWriter.Write(this, highlight, feeds);

    // As ToDot, with the branch each Cond (its If op) took in a run (true: its true branch) drawn bold, the other grey.
    public string ToDot(IReadOnlyList<Fetch>? highlight, IEnumerable<Tensor>? feeds, IReadOnlyDictionary<Operation, bool> condsTaken) =>
        Execution.DotWriter.Write(this, highlight, feeds, condsTaken);
}
