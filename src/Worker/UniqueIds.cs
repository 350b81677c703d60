using System.Runtime.InteropServices;

namespace ActorGraph.Worker;

// A lookup's ids with each id once, as EmbeddingPartition routes a partitioned table's: the shard gathers and sends
// each row once, and the worker puts it back at every position that asked for it. Slots is null when no id repeats:
// the rows then come back in the ids' own shape and are used as they are.
internal sealed record UniqueIds(NDArray Ids, int[]? Slots, Shape AskedShape)
{
    public static UniqueIds Of(NDArray ids)
    {
        int n = ids.Length;
        var slots = new int[n];
        var firstSlot = new Dictionary<long, int>(n);
        var distinct = new long[n];
        int count = 0;
        for (int i = 0; i < n; i++)
        {
            long id = ids.DType == DType.Int32 ? ids.Span<int>()[i] : ids.Span<long>()[i];
            ref int slot = ref CollectionsMarshal.GetValueRefOrAddDefault(firstSlot, id, out bool seen);
            if (!seen)
            {
                slot = count;
                distinct[count++] = id;
            }
            slots[i] = slot;
        }
        // A copy either way: the ids are a stage's kernel buffer.
        if (count == n) return new(ids.Copy(), null, ids.Shape);
        var unique = NDArray.Uninitialized(ids.DType, new Shape(count));
        for (int u = 0; u < count; u++)
        {
            if (ids.DType == DType.Int32) unique.Span<int>()[u] = (int)distinct[u];
            else unique.Span<long>()[u] = distinct[u];
        }
        return new(unique, slots, ids.Shape);
    }

    // The shard's rows (one per unique id) at every position asked: shape AskedShape + a row's shape.
    public NDArray Expand(NDArray rows)
    {
        if (Slots is null) return rows;
        int unique = Ids.Length;
        if (rows.Shape.Rank < 1 || rows.Shape[0] != unique)
            throw new InternalException($"a lookup of {unique} unique ids got rows of shape {rows.Shape.ToBracketString()} back.");
        var result = NDArray.Uninitialized(rows.DType, Shape.Own([.. AskedShape.Dims, .. rows.Shape.Dims[1..]]));
        int rowBytes = unique == 0 ? 0 : rows.Bytes.Length / unique;
        ReadOnlySpan<byte> from = rows.Bytes;
        var to = result.Bytes;
        for (int i = 0; i < Slots.Length; i++) from.Slice(Slots[i] * rowBytes, rowBytes).CopyTo(to.Slice(i * rowBytes, rowBytes));
        return result;
    }
}
