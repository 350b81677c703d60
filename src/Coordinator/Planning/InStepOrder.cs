using ActorGraph.Ops;

namespace ActorGraph.Coordinator;

// TensorFlow 1 reads a variable where its value is used: an op that a control or data dependency orders after a
// write of a variable it uses sees the write. This finds those (write, read) pairs on a plan's path; the planner
// decides per pair who serves the read. Most steps have none, and then nothing changes.
internal sealed class InStepOrder
{
    private InStepOrder(List<OrderedRead> reads, List<OrderedWrite> writes)
    {
        Reads = reads;
        Writes = writes;
    }

    public List<OrderedRead> Reads { get; }

    // Writes ordered after another write of the same variable: the shard must apply the two in that order. A later
    // AssignAdd or AssignSub is in Reads too, as its reader: its worker works its value out from the one before.
    public List<OrderedWrite> Writes { get; }

    // Writes whose value a worker cannot work out by itself (an optimizer's step, whose slots live on the shard):
    // a read ordered after one is served by the shard, in a later stage of its worker.
    public HashSet<Operation> ShardAppliedWrites { get; } = new(ReferenceEqualityComparer<Operation>.Instance);

    public bool IsEmpty => Reads.Count == 0 && Writes.Count == 0;

    public static InStepOrder Of(IReadOnlyList<Operation> order)
    {
        var upstreamWrites = new Dictionary<Operation, HashSet<Operation>>(ReferenceEqualityComparer<Operation>.Instance);
        var reads = new List<OrderedRead>();
        var writes = new List<OrderedWrite>();
        foreach (var op in order)
        {
            HashSet<Operation>? upstream = null;
            void Merge(Operation from)
            {
                if (upstreamWrites.TryGetValue(from, out var set)) (upstream ??= new(ReferenceEqualityComparer<Operation>.Instance)).UnionWith(set);
            }
            var inputs = op.InputArray;
            for (int i = op.Def.RefInputs; i < inputs.Length; i++) Merge(inputs[i].Op);
            foreach (var c in op.ControlInputArray) Merge(c);
            if (upstream is not null)
                for (int i = op.Def.RefInputs; i < inputs.Length; i++)
                    if (inputs[i].Op.Def.IsVariable)
                        foreach (var write in upstream)
                            if (IsWriteOf(write, inputs[i].Op)) reads.Add(new OrderedRead(write, op, inputs[i].Op));
            if (upstream is not null && op.Def.Traits.HasFlag(OpTraits.WritesVariable) && op.Def.RefInputs > 0)
                foreach (var write in upstream)
                    if (IsWriteOf(write, op.RefInput(0)))
                    {
                        writes.Add(new OrderedWrite(write, op, op.RefInput(0)));
                        if (op.Type is "AssignAdd" or "AssignSub") reads.Add(new OrderedRead(write, op, op.RefInput(0)));
                    }
            if (op.Def.Traits.HasFlag(OpTraits.WritesVariable)) (upstream ??= new(ReferenceEqualityComparer<Operation>.Instance)).Add(op);
            if (upstream is not null) upstreamWrites[op] = upstream;
        }
        var found = new InStepOrder(reads, writes);
        foreach (var read in reads)
            if (!ComputedByWorker(read.Write)) found.ShardAppliedWrites.Add(read.Write);
        return found;
    }

    // The writes whose result a worker knows without the shard (WorkerStep.Provisional).
    public static bool ComputedByWorker(Operation write) => write.Type is "Assign" or "AssignAdd" or "AssignSub";

    private static bool IsWriteOf(Operation write, Operation variable)
    {
        for (int r = 0; r < write.Def.RefInputs; r++)
            if (ReferenceEquals(write.RefInput(r), variable)) return true;
        return false;
    }
}

// Reader uses Variable's value, and a dependency orders it after Write, which writes Variable.
internal sealed record OrderedRead(Operation Write, Operation Reader, Operation Variable);

// Later writes Variable, and a dependency orders it after Earlier, which writes Variable too.
internal sealed record OrderedWrite(Operation Earlier, Operation Later, Operation Variable);
