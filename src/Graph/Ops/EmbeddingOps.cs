using System.Buffers;
using System.Runtime.InteropServices;
using ActorGraph.Kernels;

namespace ActorGraph.Ops;

// The ops of sparse lookups and their gradients: an IndexedSlices' dense value, and the routing of a lookup's ids
// to the parts of a partitioned table and of the parts' rows back into the ids' order. Each part's rows come from
// a Gather on that part's variable alone, once per unique id (tf.unique), so a row looked up many times in a step
// travels once each way: out as one row, back as one gradient row holding the sum of its ids' gradients.
internal static class EmbeddingOps
{
    public static IEnumerable<OpDef> Defs =>
    [
        new()
        {
            // (values [n, …], indices [n][, shape source]), attr "dense_shape": zeros with values' rows added at indices.
            Type = "IndexedSlicesToDense", Infer = InferDense, Kernel = Densify, Traits = OpTraits.DensifiesSlices,
            Gradient = g => g.Op.Inputs.Count > 2 ? [TF.Gather(g.Grad, g.Input(1)), null, null] : [TF.Gather(g.Grad, g.Input(1)), null],
        },
        new()
        {
            // (ids), attrs "strategy" ("mod" or "div") and "part_rows": per part, its unique local row numbers in order
            // of first appearance (ids' dtype); then per part, the positions in the flattened ids routed to it (int32);
            // then per part, for each of those positions, the index of its row among the part's unique rows (int32).
            Type = "EmbeddingPartition", Infer = InferPartition, Kernel = Partition, Traits = OpTraits.NoGradient,
        },
        new()
        {
            // (ids, positions × N, slots × N, rows × N), attr "N": shape ids.shape + rows.shape[1:], with
            // rows[p][slots[p][i]] at flat position positions[p][i].
            Type = "EmbeddingStitch", Infer = InferStitch, Kernel = Stitch,
            Gradient = g =>
            {
                int parts = g.Attr<int>("N");
                var flat = TF.Reshape(g.Grad, Shape.Own([-1, .. g.Input(1 + 2 * parts).Shape.Dims[1..]]));
                // A unique row's gradient is the sum of its positions' gradients, summed here so one row travels.
                return [null, .. Enumerable.Repeat<Tensor?>(null, 2 * parts), .. Enumerable.Range(0, parts).Select(p => (Tensor?)SumBySlot(flat, g.Input(1 + p), g.Input(1 + parts + p), g.Input(1 + 2 * parts + p)))];
            },
        },
    ];

    // The rows' gradient: the positions' gradient rows added up per slot, as many rows as the part's unique rows.
    private static Tensor SumBySlot(Tensor flatGrad, Tensor positions, Tensor slots, Tensor rows) =>
        TF.MakeIndexedSlices(TF.Gather(flatGrad, positions), slots, rows.Shape, rows);

    private static TensorSpec[] InferDense(InferContext ctx)
    {
        if (ctx.Inputs.Length is not (2 or 3)) throw ctx.Error($"expects 2 or 3 input(s), got {ctx.Inputs.Length}");
        ctx.ExpectDType(1, d => d.IsInteger(), "int32 or int64 indices");
        Tensor values = ctx.Input(0), indices = ctx.Input(1);
        if (!indices.Shape.IsUnknownRank && indices.Shape.Rank != 1) throw ctx.Error($"indices must be a vector, got shape {indices.Shape}");
        var shape = ctx.Inputs.Length == 3 ? ctx.Input(2).Shape : ctx.Attr<Shape>("dense_shape");
        if (ctx.Inputs.Length == 2 && !shape.IsFullyDefined) throw ctx.Error($"dense_shape {shape} must be fully defined without a shape source");
        if (shape.Rank == 0) throw ctx.Error("the dense tensor must have at least one axis of rows");
        if (!values.Shape.IsUnknownRank && !shape.IsUnknownRank && !values.Shape.IsCompatibleWith(Shape.Own([-1, .. shape.Dims[1..]])))
            throw ctx.Error($"values must have shape [n] + dense_shape[1:] = {Shape.Own([-1, .. shape.Dims[1..]])}, got {values.Shape}");
        return [new(values.DType, shape)];
    }

    private static void Densify(KernelContext ctx)
    {
        NDArray values = ctx.Input(0), indices = ctx.Input(1);
        var shape = ctx.Inputs.Length == 3 ? ctx.Input(2).Shape : ctx.Op.Attr<Shape>("dense_shape");
        var dims = shape.Dims;
        if (indices.Shape.Rank != 1 || !values.Shape.SameDims([indices.Length, .. dims[1..]]))
            throw AxisRules.RunError(ctx, $"values of shape {values.Shape.ToBracketString()} must hold one row of {shape.ToBracketString()} per index, for indices of shape {indices.Shape.ToBracketString()}");
        int size = dims[0], inner = dims[1..].Aggregate(1, (p, d) => p * d);
        var result = ctx.Allocate(0, values.DType, shape);
        var pooled = ArrayPool<long>.Shared.Rent(Math.Max(1, indices.Length));
        try
        {
            var rows = pooled.AsSpan(0, indices.Length);
            if (Kernels.Gather.ReadIndices(indices, size, rows) is var (position, value))
                throw AxisRules.RunError(ctx, $"indices[{position}] = {value} is not in [0, {size})");
            switch (values.DType)
            {
                case DType.Float32: Kernels.Gather.AddRows<float>(values.Span<float>(), 1, size, inner, rows, result.Span<float>()); break;
                case DType.Float64: Kernels.Gather.AddRows<double>(values.Span<double>(), 1, size, inner, rows, result.Span<double>()); break;
                case DType.Int32: Kernels.Gather.AddRows<int>(values.Span<int>(), 1, size, inner, rows, result.Span<int>()); break;
                case DType.Int64: Kernels.Gather.AddRows<long>(values.Span<long>(), 1, size, inner, rows, result.Span<long>()); break;
                default: throw ElementwiseLoops.Unsupported(ctx, values.DType);
            }
        }
        finally
        {
            ArrayPool<long>.Shared.Return(pooled);
        }
    }

    private static TensorSpec[] InferPartition(InferContext ctx)
    {
        ctx.ExpectInputs(1);
        ctx.ExpectDType(0, d => d.IsInteger(), "int32 or int64 ids");
        var strategy = ctx.Attr<string>("strategy");
        if (strategy is not ("mod" or "div")) throw ctx.Error($"partition strategy must be \"mod\" or \"div\", got \"{strategy}\"");
        var partRows = ctx.Attr<int[]>("part_rows");
        if (partRows.Length == 0 || partRows.Any(r => r < 0)) throw ctx.Error($"part_rows must list at least one part, none negative; got [{string.Join(", ", partRows)}]");
        var ids = ctx.Input(0).DType;
        return [.. partRows.Select(_ => new TensorSpec(ids, new Shape(-1))), .. partRows.Select(_ => new TensorSpec(DType.Int32, new Shape(-1))),
            .. partRows.Select(_ => new TensorSpec(DType.Int32, new Shape(-1)))];
    }

    private static void Partition(KernelContext ctx)
    {
        var ids = ctx.Input(0);
        var partRows = ctx.Op.Attr<int[]>("part_rows");
        var route = EmbeddingRoutes.Of(ctx.Op.Attr<string>("strategy"), partRows);
        int partCount = partRows.Length;
        var scratch = PartitionScratch.Of(ctx);
        var router = new TableRouter(ctx, route);
        var (counts, uniqueCounts) = ids.DType == DType.Int32
            ? scratch.Route(ids.Span<int>(), router, partCount)
            : scratch.Route(ids.Span<long>(), router, partCount);
        var localOut = new NDArray[partCount];
        var positionOut = new int[partCount][];
        var slotOut = new int[partCount][];
        for (int p = 0; p < partCount; p++)
        {
            localOut[p] = ctx.Allocate(p, ids.DType, new Shape(uniqueCounts[p]));
            positionOut[p] = (int[])ctx.Allocate(partCount + p, DType.Int32, new Shape(counts[p])).RawArray;
            slotOut[p] = (int[])ctx.Allocate(2 * partCount + p, DType.Int32, new Shape(counts[p])).RawArray;
        }
        // The unique ids in order of first appearance: each part's in its slots' order, as the part's local rows.
        var filled = new int[partCount];
        bool narrow = ids.DType == DType.Int32;
        foreach (long id in scratch.FirstSeen)
        {
            var (part, local) = route.Locate(id);
            if (narrow) localOut[part].Span<int>()[filled[part]++] = (int)local;
            else localOut[part].Span<long>()[filled[part]++] = local;
        }
        scratch.WritePositions(ids.Length, positionOut, slotOut);
    }

    // A partitioned table's routing ("mod" or "div"), refusing an id outside the table.
    private readonly struct TableRouter(KernelContext ctx, EmbeddingRoutes route) : IPartRouter
    {
        private readonly long _totalRows = route.TotalRows;

        public int PartOf(long id, int position) =>
            (ulong)id < (ulong)_totalRows ? route.PartOf(id) : throw OutOfRange(ctx, id, position, _totalRows);
    }

    private static InvalidArgumentException OutOfRange(KernelContext ctx, long id, int position, long totalRows) =>
        new($"embedding_lookup (op '{ctx.Op.Name}'): id {id} (ids[{position}]) is out of range for a table of {totalRows} rows; ids must be in [0, {totalRows}).");

    private static TensorSpec[] InferStitch(InferContext ctx)
    {
        int parts = ctx.Attr<int>("N");
        ctx.ExpectInputs(1 + 3 * parts);
        var ids = ctx.Input(0);
        var rows = ctx.Inputs[(1 + 2 * parts)..];
        for (int p = 0; p < 2 * parts; p++)
            ctx.ExpectDType(1 + p, d => d == DType.Int32, "int32 positions and slots");
        var first = rows[0];
        foreach (var r in rows)
        {
            if (r.DType != first.DType) throw ctx.Error($"every part's rows must have one dtype, got {ctx.Describe()}");
            if (r.Shape.IsUnknownRank || r.Shape.Rank < 1 || !r.Shape.Dims[1..].SequenceEqual(first.Shape.Dims[1..]) || r.Shape.Dims[1..].Any(d => d < 0))
                throw ctx.Error($"every part's rows must have one known row shape, got {ctx.Describe()}");
        }
        return [new(first.DType, ids.Shape.IsUnknownRank ? Shape.Unknown : Shape.Own([.. ids.Shape.Dims, .. first.Shape.Dims[1..]]))];
    }

    private static void Stitch(KernelContext ctx)
    {
        int parts = ctx.Op.Attr<int>("N");
        var ids = ctx.Input(0);
        var first = ctx.Input(1 + 2 * parts);
        var rowDims = first.Shape.Dims[1..];
        int rowBytes = rowDims.Aggregate(1, (p, d) => p * d) * first.DType.SizeInBytes();
        var result = ctx.Allocate(0, first.DType, Shape.Own([.. ids.Shape.Dims, .. rowDims]));
        for (int p = 0; p < parts; p++)
        {
            NDArray positions = ctx.Input(1 + p), slots = ctx.Input(1 + parts + p), rows = ctx.Input(1 + 2 * parts + p);
            if (slots.Length != positions.Length)
                throw AxisRules.RunError(ctx, $"part {p} has {slots.Length} slots for {positions.Length} positions");
            ReadOnlySpan<int> at = positions.Span<int>(), slot = slots.Span<int>();
            int rowCount = rows.Shape[0];
            for (int i = 0; i < at.Length; i++)
            {
                if ((uint)at[i] >= (uint)ids.Length) throw AxisRules.RunError(ctx, $"positions[{p}][{i}] = {at[i]} is not in [0, {ids.Length})");
                if ((uint)slot[i] >= (uint)rowCount) throw AxisRules.RunError(ctx, $"slots[{p}][{i}] = {slot[i]} is not in [0, {rowCount}): part {p} has {rowCount} rows");
            }
            // Rows of one 4-byte element (a wide model's per-id weights) are most of a click batch's: no copy call each.
            if (rowBytes == sizeof(float)) Scatter(MemoryMarshal.Cast<byte, int>(rows.Bytes), slot, at, MemoryMarshal.Cast<byte, int>(result.Bytes));
            else if (rowBytes == sizeof(double)) Scatter(MemoryMarshal.Cast<byte, long>(rows.Bytes), slot, at, MemoryMarshal.Cast<byte, long>(result.Bytes));
            else
            {
                ReadOnlySpan<byte> from = rows.Bytes;
                var to = result.Bytes;
                for (int i = 0; i < at.Length; i++) from.Slice(slot[i] * rowBytes, rowBytes).CopyTo(to.Slice(at[i] * rowBytes, rowBytes));
            }
        }
    }

    // to[at[i]] = from[slot[i]], for indices checked already.
    private static void Scatter<T>(ReadOnlySpan<T> from, ReadOnlySpan<int> slot, ReadOnlySpan<int> at, Span<T> to) where T : unmanaged
    {
        for (int i = 0; i < at.Length; i++) to[at[i]] = from[slot[i]];
    }
}

// Where an id of a partitioned table lives, as tf.nn.embedding_lookup routes it: "mod" sends id to part id % P at
// row id / P; "div" gives each part a contiguous range, the parts' rows in order.
internal sealed class EmbeddingRoutes
{
    private readonly bool _mod;
    private readonly long[] _starts;

    private EmbeddingRoutes(bool mod, int[] partRows)
    {
        _mod = mod;
        _starts = new long[partRows.Length + 1];
        for (int p = 0; p < partRows.Length; p++) _starts[p + 1] = _starts[p] + partRows[p];
    }

    public static EmbeddingRoutes Of(string strategy, int[] partRows) => new(strategy == "mod", partRows);

    public long TotalRows => _starts[^1];

    public int PartOf(long id) => _mod ? (int)(id % (_starts.Length - 1)) : Locate(id).Part;

    public (int Part, long Row) Locate(long id)
    {
        int parts = _starts.Length - 1;
        if (_mod) return ((int)(id % parts), id / parts);
        int part = Array.BinarySearch(_starts, id);
        part = part >= 0 ? part : ~part - 1;
        while (part + 1 < parts && _starts[part + 1] <= id) part++;
        return (part, id - _starts[part]);
    }
}
