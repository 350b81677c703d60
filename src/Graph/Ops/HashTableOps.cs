using ActorGraph.Execution;
using ActorGraph.HashTables;

namespace ActorGraph.Ops;

// The ops of hash-keyed embedding tables: a part (the state, read only through a reference input), the routing of
// raw int64 ids to the parts by their hash, the lookup that creates missing rows, and the sparse update of the rows
// a gradient names. The rows go back into the ids' order through EmbeddingStitch, as a partitioned table's do.
internal static class HashTableOps
{
    public static IEnumerable<OpDef> Defs =>
    [
        new()
        {
            // attrs: table, part, parts, dim, dtype, init, init_a, init_b, seed, evict_after_steps (HashTableSpec).
            Type = "HashTable", Traits = OpTraits.Stateful | OpTraits.NoGradient,
            Infer = ctx => [new(ctx.Attr<DType>("dtype"), Shape.Own([-1, ctx.Attr<int>("dim")]))],
            Kernel = ctx => throw new InvalidArgumentException(
                $"Hash table part '{ctx.Op.Name}' has no dense value (its rows are created as ids are looked up); read rows with TF.EmbeddingLookup(table, ids)."),
        },
        new()
        {
            // (ids), attr "parts": per part its unique ids (int64) in order of first appearance, then per part the
            // positions in the flattened ids routed to it, then per part each position's index among its unique ids.
            Type = "HashPartition", Infer = InferPartition, Kernel = Partition, Traits = OpTraits.NoGradient,
        },
        new()
        {
            // (part, ids): the part's rows at ids, shape ids.shape + [dim], created from the initializer where missing.
            Type = "HashLookup", RefInputs = 1, Traits = OpTraits.Stateful | OpTraits.NoGradient,
            Infer = ctx =>
            {
                ctx.ExpectInputs(2);
                if (ctx.Input(0).Op.Type != "HashTable") throw ctx.Error($"input 0 ('{ctx.Input(0).Name}') must be a hash table part");
                ctx.ExpectDType(1, d => d.IsInteger(), "int32 or int64 ids");
                var ids = ctx.Input(1).Shape;
                var part = ctx.Input(0);
                return [new(part.DType, ids.IsUnknownRank ? Shape.Unknown : Shape.Own([.. ids.Dims, part.Shape[1]]))];
            },
            // Where the tables live elsewhere the runtime serves the lookup instead (the parameter server's shard).
            Kernel = ctx => ctx.SetOutput(0, Store(ctx).Lookup(HashTableSpec.Of(ctx.Op.RefInput(0)), ctx.Input(1), ctx.Step.StepId)),
        },
        new()
        {
            // (part, operands in the sparse kind's order), attrs "kind" (the sparse kind's op type), "slot_names"
            // (comma-separated, one per slot of the kind) and "slot_inits" (float64, their starting values).
            Type = "HashSparseApply", RefInputs = 1, Traits = OpTraits.WritesVariable | OpTraits.NoGradient,
            Infer = InferApply,
            Kernel = ctx =>
            {
                var (kind, names, inits) = UpdateOf(ctx.Op);
                if (ctx.Step.HashTables is { } store) store.Apply(HashTableSpec.Of(ctx.Op.RefInput(0)), kind, names, inits, ctx.Inputs[1..], ctx.Step.StepId);
                // A worker: one more update for the part's parameter server, which holds the rows and their slots.
                else ctx.Step.Variables.Update(new VariableUpdate(kind, ctx.Op.RefInput(0), [], ctx.Inputs[1..]) { HashSlots = new(names, inits) });
            },
        },
    ];

    internal static (UpdateKind Kind, string[] SlotNames, double[] SlotInits) UpdateOf(Operation op)
    {
        var kind = Training.UpdateKinds.All.First(r => r.OpType == op.Attr<string>("kind")).Kind;
        string names = op.Attr<string>("slot_names");
        return (kind, names.Length == 0 ? [] : names.Split(','), op.Attr<NDArray>("slot_inits").Span<double>().ToArray());
    }

    private static HashTableStore Store(KernelContext ctx) => ctx.Step.HashTables
        ?? throw new InternalException($"{ctx.Op.Type} (op '{ctx.Op.Name}'): this runtime holds no hash tables, and the lookup was not served by the part's parameter server (a lookup whose rows are used on another worker, or ordered by a control dependency, is not).");

    private static TensorSpec[] InferApply(InferContext ctx)
    {
        var rule = Training.UpdateKinds.All.FirstOrDefault(r => r.IsSparse && r.OpType == ctx.Attr<string>("kind") && r.Family == Training.UpdateFamily.Training)
            ?? throw ctx.Error($"kind \"{ctx.Attr<string>("kind")}\" is not a sparse training update");
        ctx.ExpectInputs(1 + rule.Operands.Length);
        if (ctx.Input(0).Op.Type != "HashTable") throw ctx.Error($"input 0 ('{ctx.Input(0).Name}') must be a hash table part");
        int slots = ctx.Attr<string>("slot_names") is { Length: > 0 } names ? names.Split(',').Length : 0;
        if (slots != rule.Slots.Length || ctx.Attr<NDArray>("slot_inits").Length != slots)
            throw ctx.Error($"{rule.OpType} has {rule.Slots.Length} slots; slot_names and slot_inits must name and start each");
        ctx.ExpectDType(1 + rule.Indices, d => d.IsInteger(), "int32 or int64 ids");
        return [];
    }

    private static TensorSpec[] InferPartition(InferContext ctx)
    {
        ctx.ExpectInputs(1);
        ctx.ExpectDType(0, d => d.IsInteger(), "int32 or int64 ids");
        int parts = ctx.Attr<int>("parts");
        if (parts < 1) throw ctx.Error($"parts must be at least 1, got {parts}");
        return [.. Enumerable.Repeat(new TensorSpec(DType.Int64, new Shape(-1)), parts), .. Enumerable.Repeat(new TensorSpec(DType.Int32, new Shape(-1)), 2 * parts)];
    }

    private static void Partition(KernelContext ctx)
    {
        var ids = ctx.Input(0);
        int parts = ctx.Op.Attr<int>("parts");
        var scratch = PartitionScratch.Of(ctx);
        var router = new HashRouter(parts);
        var (counts, uniqueCounts) = ids.DType == DType.Int32
            ? scratch.Route(ids.Span<int>(), router, parts)
            : scratch.Route(ids.Span<long>(), router, parts);
        var uniqueOut = new long[parts][];
        var positionOut = new int[parts][];
        var slotOut = new int[parts][];
        for (int p = 0; p < parts; p++)
        {
            uniqueOut[p] = (long[])ctx.Allocate(p, DType.Int64, new Shape(uniqueCounts[p])).RawArray;
            positionOut[p] = (int[])ctx.Allocate(parts + p, DType.Int32, new Shape(counts[p])).RawArray;
            slotOut[p] = (int[])ctx.Allocate(2 * parts + p, DType.Int32, new Shape(counts[p])).RawArray;
        }
        // Each part's unique ids in order of first appearance: the order of their slots.
        var filled = new int[parts];
        foreach (long id in scratch.FirstSeen)
        {
            int p = IdHash.PartOf(id, parts);
            uniqueOut[p][filled[p]++] = id;
        }
        scratch.WritePositions(ids.Length, positionOut, slotOut);
    }

    private readonly struct HashRouter(int parts) : IPartRouter
    {
        public int PartOf(long id, int position) => IdHash.PartOf(id, parts);
    }
}
