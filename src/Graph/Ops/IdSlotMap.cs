namespace ActorGraph.Ops;

// Each id of a batch to its slot among the batch's distinct ids, kept between steps by the op that routes a lookup's
// ids (13k ids a step for a click model). Open addressing over a power-of-two table whose entries carry the batch's
// generation, so a new batch starts without clearing anything; several times faster than a Dictionary per id.
internal sealed class IdSlotMap
{
    private struct Entry
    {
        public long Id;
        public int Slot;
        public int Generation;
    }

    private Entry[] _entries = [];
    private int _mask, _generation;

    // Forgets the last batch, with room for `ids` distinct ids at most half the table full.
    public void Start(int ids)
    {
        int size = 16;
        while (size < 2 * ids) size <<= 1;
        if (_entries.Length < size)
        {
            _entries = new Entry[size];
            _generation = 0;
        }
        _mask = _entries.Length - 1;
        if (++_generation == int.MaxValue)
        {
            Array.Clear(_entries);
            _generation = 1;
        }
    }

    // The slot of `id` in this batch, to be set by the caller when `seen` is false (the id's first time).
    public ref int SlotOf(long id, out bool seen)
    {
        // Fibonacci hashing: consecutive ids (a table's rows) spread over the whole table.
        int i = (int)((ulong)(id * -7046029254386353131L) >> 40) & _mask;
        while (true)
        {
            ref Entry entry = ref _entries[i];
            if (entry.Generation != _generation)
            {
                entry.Generation = _generation;
                entry.Id = id;
                seen = false;
                return ref entry.Slot;
            }
            if (entry.Id == id)
            {
                seen = true;
                return ref entry.Slot;
            }
            i = (i + 1) & _mask;
        }
    }
}
