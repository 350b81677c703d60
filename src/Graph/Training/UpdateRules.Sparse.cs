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
            var inputs = new SparseInputs(variable, slots, operands, rows[..distinct], merged, rowLength);
            switch (current.DType)
            {
                case DType.Float32 when rule.SparseFloat32 is { } arithmetic: arithmetic(current.Span<float>(), inputs); break;
                case DType.Float64 when rule.SparseFloat64 is { } arithmetic: arithmetic(current.Span<double>(), inputs); break;
                case DType.Int32 when rule.SparseInt32 is { } arithmetic: arithmetic(current.Span<int>(), inputs); break;
                case DType.Int64 when rule.SparseInt64 is { } arithmetic: arithmetic(current.Span<long>(), inputs); break;
                default: throw new InvalidArgumentException($"{what}: {current.DType.PythonName()} variables cannot take this update.");
            }
            return current;
        }
        finally
        {
            ArrayPool<long>.Shared.Return(buffer);
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
