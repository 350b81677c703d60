using ActorGraph.Execution;
using ActorGraph.Wire;

namespace ActorGraph.Worker;

// A stage's ops as the worker compiles them: each Assign of a value drawn from nothing goes to the variable's shard as
// the generator's definition, and the shard draws the value (GeneratedInitialValues), unless the step keeps its
// updates' outputs (a value used inside the step).
internal static class StageInitializers
{
    public static OperationDef[] OpsOf(PartitionStage stage, bool keepsUpdateOutputs)
    {
        if (keepsUpdateOutputs) return stage.Ops;
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in stage.Fetches) used.Add(f.Tensor);
        foreach (var s in stage.Sends) used.Add(s.Tensor);
        foreach (var f in stage.Feeds) used.Add(f.Tensor);
        foreach (var r in stage.Recvs) used.Add(r.Tensor);
        foreach (var l in stage.Lookups ?? []) used.Add(l.Ids);
        foreach (var root in stage.Roots) used.Add(root);
        return GeneratedInitialValues.Fold(stage.Ops, used);
    }
}
