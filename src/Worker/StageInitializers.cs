using ActorGraph.Execution;
using ActorGraph.Wire;

namespace ActorGraph.Worker;

// A stage's ops as the worker compiles them: each Assign of a value drawn from nothing goes to the variable's shard as
// the generator's definition, and the shard draws the value (GeneratedInitialValues), unless the step keeps its
// updates' outputs (a value used inside the step).
internal static class StageInitializers
{
    public static (OperationDef[] Ops, string[] Roots) Of(PartitionStage stage, bool keepsUpdateOutputs)
    {
        if (keepsUpdateOutputs) return (stage.Ops, stage.Roots);
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in stage.Fetches) used.Add(f.Tensor);
        foreach (var s in stage.Sends) used.Add(s.Tensor);
        foreach (var f in stage.Feeds) used.Add(f.Tensor);
        foreach (var r in stage.Recvs) used.Add(r.Tensor);
        foreach (var l in stage.Lookups ?? []) used.Add(l.Ids);
        var ops = GeneratedInitialValues.Fold(stage.Ops, used);
        if (ops.Length == stage.Ops.Length) return (ops, stage.Roots);
        // The planner lists every op of the stage as a root: the folded generators are gone.
        var names = new HashSet<string>(ops.Select(o => o.Name), StringComparer.Ordinal);
        return (ops, Array.FindAll(stage.Roots, names.Contains));
    }
}
