namespace ActorGraph.HashTables;

// A part's rows as plain arrays (what a checkpoint stores) and a part rebuilt from them.
public sealed partial class HashTablePart
{
    // Copies of the live rows, slots and touch steps, in slot order; free slots are left out.
    public HashPartContents Contents()
    {
        int n = _slotOf.Count, rowBytes = Spec.RowBytes;
        var ids = new long[n];
        var touched = new long[n];
        var rows = NDArray.Zeros(Spec.DType, Shape.Own([n, Spec.Dimension]));
        var slotRows = _rowSlots.ToDictionary(c => c.Key, c => NDArray.Zeros(Spec.DType, Shape.Own([n, Spec.Dimension])), StringComparer.Ordinal);
        int i = 0;
        for (int slot = 0; slot < _idAt.Count; slot++)
        {
            if (_touchedAt[slot] < 0) continue;
            ids[i] = _idAt[slot];
            touched[i] = _touchedAt[slot];
            _values.Row(slot).CopyTo(rows.Bytes.Slice(i * rowBytes, rowBytes));
            foreach (var (name, column) in _rowSlots) column.Rows.Row(slot).CopyTo(slotRows[name].Bytes.Slice(i * rowBytes, rowBytes));
            i++;
        }
        return new HashPartContents(Spec, Clock, ids, touched, rows,
            _rowSlots.ToDictionary(c => c.Key, c => new HashSlotRows(slotRows[c.Key], c.Value.Init), StringComparer.Ordinal),
            _scalarSlots.ToDictionary(s => s.Key, s => s.Value.Copy(), StringComparer.Ordinal));
    }

    // The part as `contents` hold it; the next step advances its clock as any new step does.
    public static HashTablePart FromContents(HashPartContents contents)
    {
        var part = new HashTablePart(contents.Spec) { Clock = contents.Clock };
        int n = contents.Ids.Length, rowBytes = contents.Spec.RowBytes;
        part._values.EnsureCapacity(n);
        foreach (var (name, slot) in contents.RowSlots)
        {
            var rows = new RowChunks(rowBytes);
            rows.EnsureCapacity(n);
            for (int i = 0; i < n; i++) slot.Rows.Bytes.Slice(i * rowBytes, rowBytes).CopyTo(rows.Row(i));
            part._rowSlots.Add(name, new SlotColumn(rows, slot.Init));
        }
        for (int i = 0; i < n; i++)
        {
            if (!part._slotOf.TryAdd(contents.Ids[i], i))
                throw new DataLossException($"Hash table part {contents.Spec.PartName} holds id {contents.Ids[i]} twice.");
            part._idAt.Add(contents.Ids[i]);
            part._touchedAt.Add(contents.Touched[i]);
            contents.Rows.Bytes.Slice(i * rowBytes, rowBytes).CopyTo(part._values.Row(i));
        }
        foreach (var (name, value) in contents.Scalars) part._scalarSlots.Add(name, value.Copy());
        // Eviction pops touches oldest first.
        if (contents.Spec.EvictAfterSteps > 0)
            foreach (int i in Enumerable.Range(0, n).OrderBy(i => contents.Touched[i]))
                part._touches.Enqueue((contents.Touched[i], contents.Ids[i]));
        return part;
    }
}

// A part's rows, per-row slots and touch steps (row i is id i's), its scalar slots (Adam's beta powers) and step counter.
public sealed record HashPartContents(
    HashTableSpec Spec,
    long Clock,
    long[] Ids,
    long[] Touched,
    NDArray Rows,
    IReadOnlyDictionary<string, HashSlotRows> RowSlots,
    IReadOnlyDictionary<string, NDArray> Scalars);

// One per-row slot of a part: its rows (in the part's row order) and the value a new row starts with.
public sealed record HashSlotRows(NDArray Rows, double Init);
