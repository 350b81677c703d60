namespace ActorGraph.HashTables;

// Saved parts of one table put onto the graph's parts. The same number of parts go back as they are; another number
// re-hashes every row onto the part IdHash.PartOf names (the function lookups use), so each id lands where it is looked up.
public static class HashPartRehash
{
    // saved: every saved part of the table; target: the graph's part specs, by part number.
    public static HashPartContents[] Onto(IReadOnlyList<HashPartContents> saved, IReadOnlyList<HashTableSpec> target, string checkpointId)
    {
        var table = target[0].Table;
        foreach (var part in saved)
        {
            if (part.Spec.Dimension != target[0].Dimension || part.Spec.DType != target[0].DType)
                throw new InvalidArgumentException($"Hash table {table}: checkpoint {checkpointId} holds {part.Spec.Dimension}-wide rows of {part.Spec.DType.PythonName()}, " +
                    $"the graph has {target[0].Dimension}-wide rows of {target[0].DType.PythonName()}; nothing was restored.");
        }
        var ordered = saved.OrderBy(p => p.Spec.Part).ToArray();
        for (int i = 0; i < ordered.Length; i++)
            if (ordered[i].Spec.Part != i || ordered[i].Spec.Parts != ordered.Length)
                throw new DataLossException($"Checkpoint {checkpointId} holds parts {string.Join(", ", ordered.Select(p => p.Spec.Part))} of hash table {table}, " +
                    $"saved as {ordered[0].Spec.Parts} parts; part {i} is missing, so the table cannot be put together.");
        if (ordered.Length == target.Count)
            return [.. ordered.Select((p, i) => p with { Spec = target[i] })];
        return Merged(ordered, target);
    }

    // Each row keeps its age (steps since its last touch) against the newest part's step counter, so eviction drops the
    // same rows it would have; the scalar slots are that part's.
    private static HashPartContents[] Merged(HashPartContents[] saved, IReadOnlyList<HashTableSpec> target)
    {
        var newest = saved.MaxBy(p => p.Clock)!;
        var slotInits = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var part in saved)
            foreach (var (name, slot) in part.RowSlots) slotInits.TryAdd(name, slot.Init);
        var rowsOf = target.Select(_ => new List<(HashPartContents From, int Row)>()).ToArray();
        foreach (var part in saved)
            for (int i = 0; i < part.Ids.Length; i++)
                rowsOf[IdHash.PartOf(part.Ids[i], target.Count)].Add((part, i));
        var result = new HashPartContents[target.Count];
        for (int p = 0; p < target.Count; p++)
        {
            var spec = target[p];
            var rows = rowsOf[p];
            int rowBytes = spec.RowBytes;
            var values = NDArray.Zeros(spec.DType, Shape.Own([rows.Count, spec.Dimension]));
            var slots = slotInits.ToDictionary(s => s.Key, s => new HashSlotRows(NDArray.Zeros(spec.DType, Shape.Own([rows.Count, spec.Dimension])), s.Value), StringComparer.Ordinal);
            var ids = new long[rows.Count];
            var touched = new long[rows.Count];
            for (int r = 0; r < rows.Count; r++)
            {
                var (from, i) = rows[r];
                ids[r] = from.Ids[i];
                touched[r] = newest.Clock - (from.Clock - from.Touched[i]);
                from.Rows.Bytes.Slice(i * rowBytes, rowBytes).CopyTo(values.Bytes.Slice(r * rowBytes, rowBytes));
                foreach (var (name, slot) in slots)
                {
                    var into = slot.Rows.Bytes.Slice(r * rowBytes, rowBytes);
                    if (from.RowSlots.TryGetValue(name, out var source)) source.Rows.Bytes.Slice(i * rowBytes, rowBytes).CopyTo(into);
                    else
                        for (int d = 0; d < spec.Dimension; d++) Kernels.Fill.Set(slot.Rows, r * spec.Dimension + d, slot.Init);
                }
            }
            result[p] = new HashPartContents(spec, newest.Clock, ids, touched, values, slots,
                newest.Scalars.ToDictionary(s => s.Key, s => s.Value.Copy(), StringComparer.Ordinal));
        }
        return result;
    }
}
