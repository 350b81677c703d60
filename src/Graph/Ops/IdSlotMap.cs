namespace ActorGraph.Ops;

// Each id of a batch to its slot among the batch's distinct ids, kept between steps by the op that routes a lookup's
// ids (13k ids a step for a click model). Open addressing over a power-of-two table whose entries carry the batch's
// generation, so a new batch starts without clearing anything; several times faster than a Dictionary per id. The
// table is sized for the batch's distinct ids, not its ids, and grows when they are more: a step's other work evicts a
// larger table from the cache between steps, and each id would then wait on a miss.
internal sealed class IdSlotMap
{
    private struct Entry
    {
        public long Id;
        public int Slot;
        public int Generation;
    }

    private Entry[] _entries = [];
    private int _mask, _generation, _count;

    // Forgets the last batch, with room for about `expectedDistinct` ids before the table grows.
    public void Start(int expectedDistinct)
    {
        int size = SizeFor(expectedDistinct);
        if (_entries.Length < size || _entries.Length > 4 * size) Allocate(size);
        else if (++_generation == int.MaxValue) Allocate(_entries.Length);
        _count = 0;
    }

    // The slot of `id` in this batch, to be set by the caller when `seen` is false (the id's first time).
    public ref int SlotOf(long id, out bool seen)
    {
        int i = Home(id);
        while (true)
        {
            ref Entry entry = ref _entries[i];
            if (entry.Generation != _generation)
            {
                if (2 * (_count + 1) > _entries.Length)
                {
                    Grow();
                    return ref SlotOf(id, out seen);
                }
                _count++;
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

    // Fibonacci hashing: consecutive ids (a table's rows) spread over the whole table.
    private int Home(long id) => (int)((ulong)(id * -7046029254386353131L) >> 40) & _mask;

    private static int SizeFor(int distinct)
    {
        int size = 16;
        while (size < 2 * distinct) size <<= 1;
        return size;
    }

    private void Allocate(int size)
    {
        _entries = new Entry[size];
        _mask = size - 1;
        _generation = 1;
    }

    // Twice the room, this batch's entries moved over.
    private void Grow()
    {
        var old = _entries;
        int generation = _generation;
        Allocate(old.Length * 2);
        foreach (var entry in old)
        {
            if (entry.Generation != generation) continue;
            int i = Home(entry.Id);
            while (_entries[i].Generation == _generation) i = (i + 1) & _mask;
            _entries[i] = entry with { Generation = _generation };
        }
    }
}
