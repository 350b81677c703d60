using System.Buffers;
using ActorGraph.Execution;

namespace ActorGraph.Training;

// A sparse update: every index checked before any row changes, repeated indices merged (summed, or the last one
// kept by ScatterUpdate), then the kind's arithmetic over the distinct rows.
public static partial class UpdateRules
{
    private static NDArray ApplySparse(UpdateRule rule, string variable, NDArray current, NDArray?[] slots, NDArray[] operands)
    {
        string what = $"{rule.OpType} of variable {variable}";
        NDArray indices = operands[rule.Indices], values = operands[rule.Delta];
        int rowLength = CheckSparse(what, current, indices, values);
        var buffer = ArrayPool<long>.Shared.Rent(indices.Length);
        try
        {
            var rows = buffer.AsSpan(0, indices.Length);
            if (Kernels.Gather.ReadIndices(indices, current.Shape[0], rows) is var (position, index))
                throw new InvalidArgumentException($"{what}: indices[{position}] = {index} is not in [0, {current.Shape[0]}); nothing was changed.");
            int distinct = SparseRows.Merge(rows, values, rowLength, rule.SumsRepeatedIndices, out var merged, current.Shape[0]);
            if (!HasSparseArithmetic(rule, current.DType))
                throw new InvalidArgumentException($"{what}: {current.DType.PythonName()} variables cannot take this update.");
            // Distinct rows share no memory, so halves of them can change at once; a scalar slot (Adam's beta powers)
            // advances once per update, so such a kind runs whole.
            if (distinct < ParallelRows || Kernels.ComputeThreads.Helpers == 0 || rule.HasScalarSlot)
            {
                ApplyRows(rule, variable, current, slots, operands, buffer, 0, distinct, merged, rowLength);
                return current;
            }
            int half = distinct / 2;
            Kernels.ComputeThreads.For(2, part => ApplyRows(rule, variable, current, slots, operands, buffer,
                part == 0 ? 0 : half, part == 0 ? half : distinct - half, merged, rowLength));
            return current;
        }
        finally
        {
            ArrayPool<long>.Shared.Return(buffer);
        }
    }

    // Rows a sparse update must touch before its arithmetic is split over the compute threads: each row of a large
    // table is a cache miss, and two cores wait on two at once.
    private const int ParallelRows = 1024;

    private static bool HasSparseArithmetic(UpdateRule rule, DType dtype) => dtype switch
    {
        DType.Float32 => rule.SparseFloat32 is not null,
        DType.Float64 => rule.SparseFloat64 is not null,
        DType.Int32 => rule.SparseInt32 is not null,
        DType.Int64 => rule.SparseInt64 is not null,
        _ => false,
    };

    // The kind's arithmetic over `count` of the distinct rows from `first` (rows and their merged values alike).
    private static void ApplyRows(UpdateRule rule, string variable, NDArray current, NDArray?[] slots, NDArray[] operands, long[] rows,
        int first, int count, NDArray merged, int rowLength)
    {
        var inputs = new SparseInputs(variable, slots, operands, rows.AsSpan(first, count), merged, rowLength, first);
        switch (current.DType)
        {
            case DType.Float32: rule.SparseFloat32!(current.Span<float>(), inputs); break;
            case DType.Float64: rule.SparseFloat64!(current.Span<double>(), inputs); break;
            case DType.Int32: rule.SparseInt32!(current.Span<int>(), inputs); break;
            case DType.Int64: rule.SparseInt64!(current.Span<long>(), inputs); break;
        }
    }

    // The row length; throws when the indices are not integers or the values are not one row of the variable per index.
    private static int CheckSparse(string what, NDArray current, NDArray indices, NDArray values)
    {
        if (current.Shape.Rank < 1)
            throw new InvalidArgumentException($"{what}: the variable is a scalar; a sparse update needs at least one axis of rows.");
        if (indices.DType is not (DType.Int32 or DType.Int64))
            throw new InvalidArgumentException($"{what}: indices must be int32 or int64, got {indices.DType.PythonName()}.");
        if (values.DType != current.DType)
            throw new InvalidArgumentException($"{what}: the updates are {values.DType.PythonName()} but the variable is {current.DType.PythonName()}.");
        var rowDims = current.Shape.Dims[1..];
        int[] expected = [.. indices.Shape.Dims, .. rowDims];
        if (!values.Shape.SameDims(expected))
            throw new InvalidArgumentException($"{what}: updates must have shape indices.shape + variable.shape[1:] = {new Shape(expected).ToBracketString()}, got {values.Shape.ToBracketString()}.");
        return rowDims.Aggregate(1, (p, d) => p * d);
    }
}
