using System.Text;
using ActorGraph.Ops;

namespace ActorGraph.Execution;

// The ops a Cond's or WhileLoop's functions own, for drawing: one DOT cluster per function ("cond: then",
// "while: body"), nested as the functions are. On a highlighted path a loop's functions run with it, and a
// cond's branch runs when a run said it was taken; within a function, what its results need.
internal sealed class FunctionClusters
{
    private readonly Dictionary<Operation, List<(string Function, List<Operation> Ops)>> _functions = new(ReferenceEqualityComparer<Operation>.Instance);
    private readonly HashSet<Operation> _owned = new(ReferenceEqualityComparer<Operation>.Instance);
    private readonly HashSet<(Operation, string)> _ran = [];

    public FunctionClusters(Graph graph)
    {
        // In creation order: an inner function's op comes before the outer one, which leaves it its own ops.
        foreach (var op in graph.Operations)
            foreach (var f in ControlFlowOps.FunctionsOf(op))
            {
                var ops = new List<Operation>();
                foreach (var name in ControlFlowOps.Names(op.Attr<string>(f + "_ops")))
                    if (_owned.Add(graph.GetOperation(name))) ops.Add(graph.GetOperation(name));
                if (!_functions.TryGetValue(op, out var list)) _functions[op] = list = [];
                list.Add((f, ops));
            }
    }

    public bool IsOwned(Operation op) => _owned.Contains(op);

    // Adds to path the ops that run inside the functions of the If and While ops on it.
    public void ExtendPath(HashSet<Operation> path, IReadOnlyDictionary<Operation, bool>? taken)
    {
        var pending = new Stack<Operation>(path.Where(_functions.ContainsKey));
        while (pending.Count > 0)
        {
            var op = pending.Pop();
            foreach (var (f, _) in _functions[op])
            {
                bool runs = op.Type == "While" || taken is not null && taken.TryGetValue(op, out bool then) && (f == "then") == then;
                if (!runs || !_ran.Add((op, f))) continue;
                var inputs = ControlFlowOps.Tensors(op.Graph, op.Attr<string>(f + "_inputs"));
                var outputs = ControlFlowOps.Tensors(op.Graph, op.Attr<string>(f + "_outputs"));
                var fed = new HashSet<Tensor>(inputs, ReferenceEqualityComparer<Tensor>.Instance);
                foreach (var inner in Pruning.ComputationPath(Pruning.Roots(outputs.Select(t => new Fetch(t)), fed), fed))
                    if (path.Add(inner) && _functions.ContainsKey(inner)) pending.Push(inner);
            }
        }
    }

    // The op's node, then a cluster per function it owns, holding that function's ops (and theirs, nested).
    public void Write(StringBuilder sb, Operation op, string indent, HashSet<Operation>? path, Action<Operation, string> writeNode)
    {
        writeNode(op, indent);
        if (!_functions.TryGetValue(op, out var functions)) return;
        foreach (var (f, ops) in functions)
        {
            sb.AppendLine($"{indent}subgraph {DotWriter.Quote($"cluster_{op.Name}_{f}")} {{");
            string style = path is null ? "" : _ran.Contains((op, f)) ? " penwidth=2;" : " color=\"gray60\"; fontcolor=\"gray60\";";
            sb.AppendLine($"{indent}  label={DotWriter.Quote($"{op.Name}: {f}")}; style=\"rounded,dashed\";{style}");
            foreach (var inner in ops) Write(sb, inner, indent + "  ", path, writeNode);
            sb.AppendLine($"{indent}}}");
        }
    }
}
