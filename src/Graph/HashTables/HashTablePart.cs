using System.Runtime.InteropServices;

namespace ActorGraph.HashTables;

// One part of a hash-keyed table: an id -> slot map over chunked rows, each row with its optimizer slots and the
// step that last touched it. A row is created on first touch from (seed, id) alone. The clock counts the steps
// (distinct step ids) that looked up or updated this part; with eviction on, a step first drops the rows that none
// of the previous EvictAfterSteps steps touched. Not thread-safe: one owner (a shard actor, or a lock) uses it.
public sealed partial class HashTablePart
{
    private readonly Dictionary<long, int> _slotOf = [];
    private readonly List<long> _idAt = [];
    private readonly List<long> _touchedAt = [];
    private readonly Stack<int> _free = new();
    private readonly RowChunks _values;
    private readonly Dictionary<string, SlotColumn> _rowSlots = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NDArray> _scalarSlots = new(StringComparer.Ordinal);
    // (clock, id) per first touch in a step, oldest first: eviction pops stale ones without scanning the table.
    private readonly Queue<(long Clock, long Id)> _touches = new();
    private long _lastStep = long.MinValue;

    private sealed record SlotColumn(RowChunks Rows, double Init);

    public HashTablePart(HashTableSpec spec)
    {
        Spec = spec;
        if (spec.DType is not (DType.Float32 or DType.Float64))
            throw new InvalidArgumentException($"Hash table {spec.Table}: rows must be float32 or float64, got {spec.DType.PythonName()}.");
        _values = new RowChunks(spec.RowBytes);
    }

    public HashTableSpec Spec { get; }

    public long Clock { get; private set; }

    public int Rows => _slotOf.Count;

    // Bytes held for rows and their slots, allocated chunks included.
    public long Bytes => _values.AllocatedBytes + _rowSlots.Values.Sum(c => c.Rows.AllocatedBytes) + (long)_idAt.Count * 16;

    public bool Contains(long id) => _slotOf.ContainsKey(id);

    // The rows of `ids` (created where missing), shape ids.shape + [dimension].
    public NDArray Lookup(NDArray ids, long stepId)
    {
        var keys = ReadIds(ids, $"lookup in hash table {Spec.Table}");
        Advance(stepId);
        var result = NDArray.Zeros(Spec.DType, Shape.Own([.. ids.Shape.Dims, Spec.Dimension]));
        int rowBytes = Spec.RowBytes;
        for (int i = 0; i < keys.Length; i++)
        {
            int slot = SlotFor(keys[i]);
            _values.Row(slot).CopyTo(result.Bytes.Slice(i * rowBytes, rowBytes));
        }
        return result;
    }

    // A step that reaches the part: the first call with a new step id advances the clock and evicts.
    private void Advance(long stepId)
    {
        if (stepId == _lastStep) return;
        _lastStep = stepId;
        Clock++;
        if (Spec.EvictAfterSteps > 0) Evict(Clock - Spec.EvictAfterSteps);
    }

    // Drops the rows last touched before clock `oldestKept`.
    private void Evict(long oldestKept)
    {
        while (_touches.Count > 0 && _touches.Peek().Clock < oldestKept)
        {
            var (clock, id) = _touches.Dequeue();
            if (_slotOf.TryGetValue(id, out int slot) && _touchedAt[slot] == clock)
            {
                _slotOf.Remove(id);
                _touchedAt[slot] = -1;
                _free.Push(slot);
            }
        }
    }

    // The id's slot, its row created from the initializer (and its slots from theirs) when missing; touched now.
    private int SlotFor(long id)
    {
        if (!_slotOf.TryGetValue(id, out int slot))
        {
            if (_free.Count > 0)
            {
                slot = _free.Pop();
                _idAt[slot] = id;
            }
            else
            {
                slot = _idAt.Count;
                _idAt.Add(id);
                _touchedAt.Add(-1);
                _values.EnsureCapacity(slot + 1);
                foreach (var column in _rowSlots.Values) column.Rows.EnsureCapacity(slot + 1);
            }
            _slotOf.Add(id, slot);
            InitializeRow(_values.Row(slot), id);
            foreach (var column in _rowSlots.Values) FillConstant(column.Rows.Row(slot), column.Init);
        }
        Touch(slot, id);
        return slot;
    }

    private void Touch(int slot, long id)
    {
        if (_touchedAt[slot] == Clock) return;
        _touchedAt[slot] = Clock;
        if (Spec.EvictAfterSteps > 0) _touches.Enqueue((Clock, id));
    }

    private void InitializeRow(Span<byte> row, long id)
    {
        if (Spec.DType == DType.Float32) Spec.Init.Fill(MemoryMarshal.Cast<byte, float>(row), id);
        else Spec.Init.Fill(MemoryMarshal.Cast<byte, double>(row), id);
    }

    private void FillConstant(Span<byte> row, double value)
    {
        if (Spec.DType == DType.Float32) MemoryMarshal.Cast<byte, float>(row).Fill((float)value);
        else MemoryMarshal.Cast<byte, double>(row).Fill(value);
    }

    private static long[] ReadIds(NDArray ids, string what)
    {
        var keys = new long[ids.Length];
        switch (ids.DType)
        {
            case DType.Int64: ids.Span<long>().CopyTo(keys); break;
            case DType.Int32:
                var narrow = ids.Span<int>();
                for (int i = 0; i < keys.Length; i++) keys[i] = narrow[i];
                break;
            default: throw new InvalidArgumentException($"{what}: ids must be int32 or int64, got {ids.DType.PythonName()}.");
        }
        return keys;
    }
}
