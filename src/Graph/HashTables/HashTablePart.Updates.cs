using ActorGraph.Execution;
using ActorGraph.Training;

namespace ActorGraph.HashTables;

// Sparse updates of a hash table: the rows the ids name (created if a step reaches them first here) are copied
// out with their slots into a small dense block, the sparse kind's own arithmetic runs on it, and they are copied
// back, so a hash table trains with exactly the numbers of a dense table holding the same rows.
public sealed partial class HashTablePart
{
    // slotNames/slotInits: one per slot of the rule, naming this optimizer's slot and its starting value.
    public void Apply(UpdateKind kind, string[] slotNames, double[] slotInits, NDArray[] operands, long stepId)
    {
        var rule = UpdateKinds.Find(kind) is { IsSparse: true } found ? found
            : throw new InvalidArgumentException($"Hash table {Spec.Table}: {kind} is not a sparse update; a hash table takes sparse updates only.");
        string what = $"{rule.OpType} of hash table {Spec.Table}";
        if (slotNames.Length != rule.Slots.Length || slotInits.Length != rule.Slots.Length)
            throw new InvalidArgumentException($"{what}: {slotNames.Length} slot names and {slotInits.Length} starting values for the {rule.Slots.Length} slots it has.");
        NDArray ids = operands[rule.Indices], values = operands[rule.Delta];
        var keys = ReadIds(ids, what);
        int dim = Spec.Dimension;
        if (values.DType != Spec.DType || !values.Shape.SameDims([.. ids.Shape.Dims, dim]))
            throw new InvalidArgumentException($"{what}: updates must be {Spec.DType.PythonName()} of shape ids.shape + [{dim}], got {values.DType.PythonName()} {values.Shape.ToBracketString()}.");
        Advance(stepId);
        int distinct = SparseRows.Merge(keys, values, dim, rule.SumsRepeatedIndices, out var merged);
        var at = new int[distinct];
        for (int i = 0; i < distinct; i++) at[i] = SlotFor(keys[i]);
        var block = Gather(_values, at);
        var slots = new NDArray?[rule.Slots.Length];
        var columns = new RowChunks?[rule.Slots.Length];
        for (int s = 0; s < slots.Length; s++)
        {
            if (rule.Slots[s].Scalar) slots[s] = ScalarSlot(slotNames[s], slotInits[s]);
            else slots[s] = Gather(columns[s] = RowSlot(slotNames[s], slotInits[s]), at);
        }
        var local = new long[distinct];
        for (int i = 0; i < distinct; i++) local[i] = i;
        var inputs = new SparseInputs(what, slots, operands, local, merged, dim);
        if (Spec.DType == DType.Float32) (rule.SparseFloat32 ?? throw Unsupported(what))(block.Span<float>(), inputs);
        else (rule.SparseFloat64 ?? throw Unsupported(what))(block.Span<double>(), inputs);
        Scatter(block, _values, at);
        for (int s = 0; s < slots.Length; s++)
            if (columns[s] is { } column) Scatter(slots[s]!, column, at);
    }

    private static InvalidArgumentException Unsupported(string what) => new($"{what}: this update does not apply to float rows.");

    private NDArray Gather(RowChunks from, int[] at)
    {
        var block = NDArray.Zeros(Spec.DType, Shape.Own([at.Length, Spec.Dimension]));
        int rowBytes = Spec.RowBytes;
        for (int i = 0; i < at.Length; i++) from.Row(at[i]).CopyTo(block.Bytes.Slice(i * rowBytes, rowBytes));
        return block;
    }

    private void Scatter(NDArray block, RowChunks to, int[] at)
    {
        int rowBytes = Spec.RowBytes;
        for (int i = 0; i < at.Length; i++) block.Bytes.Slice(i * rowBytes, rowBytes).CopyTo(to.Row(at[i]));
    }

    // A per-row slot, created with every existing row at its starting value (as a row created later gets it).
    private RowChunks RowSlot(string name, double init)
    {
        if (_rowSlots.TryGetValue(name, out var column)) return column.Rows;
        var rows = new RowChunks(Spec.RowBytes);
        rows.EnsureCapacity(_idAt.Count);
        foreach (int slot in _slotOf.Values) FillConstant(rows.Row(slot), init);
        _rowSlots.Add(name, new SlotColumn(rows, init));
        return rows;
    }

    // A per-part scalar slot (Adam's beta powers): live, the arithmetic updates it in place.
    private NDArray ScalarSlot(string name, double init)
    {
        if (_scalarSlots.TryGetValue(name, out var value)) return value;
        value = NDArray.Zeros(Spec.DType, Shape.Scalar);
        Kernels.Fill.Set(value, 0, init);
        _scalarSlots.Add(name, value);
        return value;
    }
}
