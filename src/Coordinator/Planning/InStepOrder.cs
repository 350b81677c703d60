using ActorGraph.Ops;

namespace ActorGraph.Coordinator;

// TensorFlow 1 reads a variable where its value is used: an op that a control or data dependency orders after a
// write of a variable it uses sees the write. This finds those (write, read) pairs on a plan's path; the planner
// decides per pair who serves the read. Most steps have none, and then nothing changes. A Cond or WhileLoop reads and
// writes what its functions' ops do: it runs whole on one worker (ControlFlowOps).
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
        // By write: the variables it writes.
        var written = new Dictionary<Operation, HashSet<Operation>>(ReferenceEqualityComparer<Operation>.Instance);
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
            var body = ControlFlowOps.FunctionsOf(op).Length == 0 ? null : ControlFlowOps.BodyOps(op);
            var writesHere = VariablesWritten(op, body);
            if (upstream is not null)
            {
                foreach (var variable in VariablesRead(op, body) ?? [])
                    foreach (var write in upstream)
                        if (written[write].Contains(variable)) reads.Add(new OrderedRead(write, op, variable));
                foreach (var variable in writesHere ?? [])
                    foreach (var write in upstream)
                        if (written[write].Contains(variable)) writes.Add(new OrderedWrite(write, op, variable));
            }
            if (writesHere is not null)
            {
                written[op] = writesHere;
                (upstream ??= new(ReferenceEqualityComparer<Operation>.Instance)).Add(op);
            }
            if (upstream is not null) upstreamWrites[op] = upstream;
        }
        var found = new InStepOrder(reads, writes);
        foreach (var read in reads)
            if (!ComputedByWorker(read.Write)) found.ShardAppliedWrites.Add(read.Write);
        return found;
    }

    // The writes whose result a worker knows without the shard (WorkerStep.Provisional); a Cond or WhileLoop whose
    // functions write only so.
    public static bool ComputedByWorker(Operation write) => ControlFlowOps.FunctionsOf(write).Length == 0
        ? IsComputedWrite(write)
        : ControlFlowOps.BodyOps(write).TrueForAll(o => !o.Def.Traits.HasFlag(OpTraits.WritesVariable) || IsComputedWrite(o));

    private static bool IsComputedWrite(Operation write) => write.Type is "Assign" or "AssignAdd" or "AssignSub";

    // Reads its value: an input that is a variable, and the variable an AssignAdd or AssignSub adds to.
    private static HashSet<Operation>? VariablesRead(Operation op, List<Operation>? body)
    {
        HashSet<Operation>? read = null;
        if (body is null) AddReads(op, ref read);
        else
            foreach (var o in body) AddReads(o, ref read);
        return read;
    }

    private static void AddReads(Operation op, ref HashSet<Operation>? read)
    {
        var inputs = op.InputArray;
        for (int i = op.Def.RefInputs; i < inputs.Length; i++)
            if (inputs[i].Op.Def.IsVariable) (read ??= new(ReferenceEqualityComparer<Operation>.Instance)).Add(inputs[i].Op);
        if (op.Type is "AssignAdd" or "AssignSub") (read ??= new(ReferenceEqualityComparer<Operation>.Instance)).Add(op.RefInput(0));
    }

    // Null when it writes nothing.
    private static HashSet<Operation>? VariablesWritten(Operation op, List<Operation>? body)
    {
        HashSet<Operation>? written = null;
        if (body is null) AddWrites(op, ref written);
        else
            foreach (var o in body) AddWrites(o, ref written);
        return written;
    }

    private static void AddWrites(Operation op, ref HashSet<Operation>? written)
    {
        if (!op.Def.Traits.HasFlag(OpTraits.WritesVariable)) return;
        for (int r = 0; r < op.Def.RefInputs; r++) (written ??= new(ReferenceEqualityComparer<Operation>.Instance)).Add(op.RefInput(r));
    }
}

// Reader uses Variable's value, and a dependency orders it after Write, which writes Variable.
internal sealed record OrderedRead(Operation Write, Operation Reader, Operation Variable);

// Later writes Variable, and a dependency orders it after Earlier, which writes Variable too.
internal sealed record OrderedWrite(Operation Earlier, Operation Later, Operation Variable);
