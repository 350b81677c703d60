using System.Runtime.CompilerServices;
using ActorGraph.Ops;
using ActorGraph.Wire;
using ActorGraph.Worker;

namespace ActorGraph.Coordinator;

// One stage of one worker while a plan is being cut: its ops, the endpoints it gains where it
// meets feeds and other stages, and the names its ops' inputs take inside it.
internal sealed class PartitionUnit(int task, int stage)
{
    public int Task { get; } = task;
    public int Stage { get; } = stage;
    // The stage's place among its worker's stages: names say "w1s1" for the second stage of worker 1.
    public int Index { get; set; }
    public string Label => Index == 0 ? $"w{Task}" : $"w{Task}s{Index}";

    public List<Operation> Ops { get; } = [];
    public HashSet<Operation> Members { get; } = new(ReferenceEqualityComparer<Operation>.Instance);
    public List<Operation> Variables { get; } = [];
    // Variables read from their shard once the stage's inputs are in: reads ordered after a write applied there.
    public List<Operation> LateReads { get; } = [];
    // The stage writes what a read elsewhere is ordered after: its updates reach the shards before its tensors leave.
    public bool AppliesUpdates { get; set; }
    // Gathers the shard serves: the ids' tensor in the stage, the table, the edges its rows go to, the fetches they are.
    public List<(Operation Gather, string Ids, string Table, List<int> Edges, List<int> Fetches)> Lookups { get; } = [];
    public List<OperationDef> Endpoints { get; } = [];
    public List<OperationDef> Sends { get; } = [];
    public Dictionary<string, string> Local { get; } = new(StringComparer.Ordinal);

    public List<string> FeedTensors { get; } = [];
    public List<int> FeedClientIndices { get; } = [];
    public List<string> RecvTensors { get; } = [];
    public List<int> RecvEdges { get; } = [];
    public List<string> SendTensors { get; } = [];
    public List<int> SendEdges { get; } = [];
    public List<int> SendTasks { get; } = [];
    public List<string> FetchTensors { get; } = [];
    public List<int> FetchIndices { get; } = [];

    public void Use(Operation variable)
    {
        if (!Variables.Contains(variable)) Variables.Add(variable);
    }

    // A per-op pass of planning, optimized from its first call: it runs once per plan, so tiered compilation would
    // leave it unoptimized in a process that keeps making graphs or sessions.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public PartitionStage ToStage(Func<int, int> feedSlotOf, Func<int, int> workerIndexOf)
    {
        var ops = new List<OperationDef>();
        foreach (var v in Variables.OrderBy(v => v.Id)) ops.Add(OperationDef.From(v));
        ops.AddRange(Endpoints);
        var shipped = new HashSet<string>(StringComparer.Ordinal);
        foreach (var op in Ops)
        {
            // A Cond's or WhileLoop's functions travel with it: closed subgraphs its kernel compiles on the worker.
            foreach (var inner in ControlFlowOps.BodyOps(op))
                if (shipped.Add(inner.Name)) ops.Add(OperationDef.From(inner));
            ops.Add(Rewire(OperationDef.From(op)));
        }
        ops.AddRange(Sends);
        var roots = Ops.Select(o => o.Name).Concat(Variables.Where(Members.Contains).Select(v => v.Name)).Concat(Sends.Select(s => s.Name));
        return new PartitionStage(ops.ToArray(), roots.ToArray(),
            FeedTensors.Select((t, i) => new StageFeed(t, feedSlotOf(FeedClientIndices[i]))).ToArray(),
            RecvTensors.Select((t, i) => new StageRecv(t, RecvEdges[i])).ToArray(),
            SendTensors.Select((t, i) => new StageSend(t, SendEdges[i], workerIndexOf(SendTasks[i]))).ToArray(),
            FetchTensors.Select((t, i) => new StageFetch(t, FetchIndices[i])).ToArray(),
            LateReads.Count == 0 ? null : LateReads.Select(v => v.Name).ToArray(), AppliesUpdates,
            Lookups.Count == 0 ? null : Lookups.Select(l => new StageLookup(l.Ids, l.Table, [.. l.Edges], l.Fetches.Count == 0 ? null : [.. l.Fetches],
                l.Gather.Type == "HashLookup" ? HashTables.HashTableSpec.Of(l.Gather.RefInput(0)) : null,
                l.Gather.InputArray[1].Op.Type is "EmbeddingPartition" or "HashPartition")).ToArray());
    }

    // Inputs from outside the stage now come from its _Recv/_Feed endpoints; a control input
    // mapped to "" is dropped (one on a variable: a variable has nothing to wait for).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private OperationDef Rewire(OperationDef def)
    {
        var inputs = Array.ConvertAll(def.Inputs, n => Local.GetValueOrDefault(n, n));
        var control = def.ControlInputs.Select(n => Local.GetValueOrDefault("^" + n, n)).Where(n => n.Length > 0).ToArray();
        return def with { Inputs = inputs, ControlInputs = control };
    }
}
