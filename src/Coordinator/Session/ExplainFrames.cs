using ActorGraph.Ops;

namespace ActorGraph;

// Explain's view of conditionals and loops: the ops of a Cond's or WhileLoop's functions, listed once after
// their op (not once per iteration), each with its frame (the name of the innermost Cond or loop it runs in)
// and the placement of that op, since a function runs whole on its op's worker.
internal static class ExplainFrames
{
    public static ExecutionPlan Add(Graph graph, ExecutionPlan plan)
    {
        var operations = new List<string>(plan.Operations.Count);
        var placement = new Dictionary<string, string>(plan.Placement, StringComparer.Ordinal);
        var frames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in plan.Operations)
        {
            operations.Add(name);
            if (graph.TryGetOperation(name, out var op)) AddFunctions(op, op, operations, placement, frames, plan.Placement.GetValueOrDefault(name));
        }
        return frames.Count == 0 ? plan : new ExecutionPlan(operations, placement, frames);
    }

    private static void AddFunctions(Operation op, Operation top, List<string> operations, Dictionary<string, string> placement,
        Dictionary<string, string> frames, string? device)
    {
        foreach (var f in ControlFlowOps.FunctionsOf(op))
            foreach (var name in ControlFlowOps.Names(op.Attr<string>(f + "_ops")))
            {
                if (frames.ContainsKey(name)) continue;
                operations.Add(name);
                frames[name] = op.Name;
                if (device is not null) placement[name] = device;
                AddFunctions(op.Graph.GetOperation(name), top, operations, placement, frames, device);
            }
    }
}
