using ActorGraph.Ops;

namespace ActorGraph.Coordinator;

// The Gathers a shard serves: along axis 0, of a variable's value, on a worker. The worker sends the ids to the
// variable's shard and gets only their rows back (LookupRows), so a table of millions of rows never travels and is
// never read whole at the step's start. Not when the Gather is ordered after a write of the table (InStepOrder serves
// such reads) or waited for by a control dependency: those run on the worker as any op.
internal static class ShardLookups
{
    public static HashSet<Operation> Find(IReadOnlyList<Operation> order, InStepOrder inStepOrder)
    {
        var found = new HashSet<Operation>(ReferenceEqualityComparer<Operation>.Instance);
        foreach (var op in order)
            if (op.Type == "GatherV2" && op.InputArray[0].Op.Def.IsVariable && op.Attr<int>("axis") == 0) found.Add(op);
            // A hash table's rows exist only on its shard.
            else if (op.Type == "HashLookup") found.Add(op);
        if (found.Count == 0) return found;
        foreach (var read in inStepOrder.Reads) found.Remove(read.Reader);
        foreach (var op in order)
            foreach (var c in op.ControlInputArray) found.Remove(c);
        return found;
    }
}
