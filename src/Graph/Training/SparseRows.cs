using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace ActorGraph.Training;

// Merges the rows of a sparse update that name the same index, so each touched row is updated once (TensorFlow's
// sparse optimizers sum duplicate indices first; a lazy Adam that met a row twice would otherwise move it twice).
public static class SparseRows
{
    // Rewrites `rows` to its distinct indices in order of first appearance and returns how many there are; `merged`
    // holds one value per distinct index: the sum of its rows, or its last row when `sum` is false. Without repeated
    // indices `merged` is `values` itself. `tableRows`, when known (rows then in [0, tableRows)), lets the common case
    // of no repeats be found without a hash map.
    public static int Merge(Span<long> rows, NDArray values, int rowLength, bool sum, out NDArray merged, long tableRows = -1)
    {
        if (tableRows is > 0 and <= DistinctRows.MaxTableRows && DistinctRows.AreDistinct(rows, tableRows))
        {
            merged = values;
            return rows.Length;
        }
        // The slots of a thread's last merge are kept: a hash table's updates come here every step.
        var first = t_firstSlot ??= new Ops.IdSlotMap();
        first.Start(rows.Length);
        var pooled = ArrayPool<int>.Shared.Rent(Math.Max(1, rows.Length));
        try
        {
            var slotOf = pooled.AsSpan(0, rows.Length);
            int distinct = 0;
            for (int i = 0; i < rows.Length; i++)
            {
                ref int slot = ref first.SlotOf(rows[i], out bool seen);
                if (!seen) slot = distinct++;
                slotOf[i] = slot;
            }
            if (distinct == rows.Length)
            {
                merged = values;
                return distinct;
            }
            merged = NDArray.Zeros(values.DType, Shape.Own([distinct, rowLength]));
            switch (values.DType)
            {
                case DType.Float32: Into<float>(values.Span<float>(), slotOf, rowLength, sum, merged.Span<float>()); break;
                case DType.Float64: Into<double>(values.Span<double>(), slotOf, rowLength, sum, merged.Span<double>()); break;
                case DType.Int32: Into<int>(values.Span<int>(), slotOf, rowLength, sum, merged.Span<int>()); break;
                case DType.Int64: Into<long>(values.Span<long>(), slotOf, rowLength, sum, merged.Span<long>()); break;
                default: throw new ArgumentException($"Sparse rows of {values.DType.PythonName()} cannot be merged.", nameof(values));
            }
            // A slot is never past its row's position, so the rows before position i are written only once read.
            for (int i = 0; i < rows.Length; i++) rows[slotOf[i]] = rows[i];
            return distinct;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(pooled);
        }
    }

    [ThreadStatic] private static Ops.IdSlotMap? t_firstSlot;

    private static void Into<T>(ReadOnlySpan<T> values, ReadOnlySpan<int> slotOf, int rowLength, bool sum, Span<T> merged) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < slotOf.Length; i++)
        {
            var target = merged.Slice(slotOf[i] * rowLength, rowLength);
            var row = values.Slice(i * rowLength, rowLength);
            if (sum) TensorPrimitives.Add<T>(target, row, target);
            else row.CopyTo(target);
        }
    }
}
