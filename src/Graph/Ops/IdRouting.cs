using System.Numerics;

namespace ActorGraph.Ops;

// Which part holds an id, for the ops that route a lookup's ids to a table's parts; position is the id's place in the
// batch, for an error that names it.
internal interface IPartRouter
{
    int PartOf(long id, int position);
}

// The working arrays of an op that routes a lookup's ids to a table's parts (EmbeddingPartition, HashPartition), kept
// between steps: a batch's ids are many (26 fields × 512), and new arrays for them each step would be garbage each
// step. One map over all ids (an id lives in one part) gives each its slot among its part's unique ids.
internal sealed class PartitionScratch
{
    private int[] _parts = [], _slots = [];
    private long[] _firstSeen = [];
    private readonly IdSlotMap _slotOf = new();
    // The last batch's distinct ids: the next batch's are likely as many.
    private int _lastDistinct;

    public static PartitionScratch Of(Ops.KernelContext ctx) => ctx.State as PartitionScratch ?? (PartitionScratch)(ctx.State = new PartitionScratch());

    // The batch's distinct ids in order of first appearance.
    public ReadOnlySpan<long> FirstSeen => _firstSeen.AsSpan(0, _lastDistinct);

    // Routes the batch: each id's part and slot, and per part how many ids and how many distinct ones it has.
    // Generic over the ids' width and the router: a width test per id made the loop 1.6x slower.
    public (int[] Counts, int[] UniqueCounts) Route<TId, TRouter>(ReadOnlySpan<TId> ids, TRouter router, int partCount)
        where TId : unmanaged, IBinaryInteger<TId> where TRouter : struct, IPartRouter
    {
        if (_parts.Length < ids.Length) (_parts, _slots, _firstSeen) = (new int[ids.Length], new int[ids.Length], new long[ids.Length]);
        var counts = new int[partCount];
        var uniqueCounts = new int[partCount];
        var (parts, slots, firstSeen, slotOf) = (_parts, _slots, _firstSeen, _slotOf);
        slotOf.Start(_lastDistinct);
        int distinct = 0;
        for (int i = 0; i < ids.Length; i++)
        {
            long id = long.CreateTruncating(ids[i]);
            int part = parts[i] = router.PartOf(id, i);
            ref int slot = ref slotOf.SlotOf(id, out bool seen);
            if (!seen)
            {
                slot = uniqueCounts[part]++;
                firstSeen[distinct++] = id;
            }
            slots[i] = slot;
            counts[part]++;
        }
        _lastDistinct = distinct;
        return (counts, uniqueCounts);
    }

    // Each part's positions in the batch and their slots, in the batch's order (arrays of at least Counts[p] each).
    public void WritePositions(int ids, int[][] positions, int[][] slots)
    {
        var filled = new int[positions.Length];
        for (int i = 0; i < ids; i++)
        {
            int p = _parts[i], at = filled[p]++;
            positions[p][at] = i;
            slots[p][at] = _slots[i];
        }
    }
}
