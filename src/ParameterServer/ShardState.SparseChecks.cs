using System.Buffers;
using ActorGraph.Execution;
using ActorGraph.Training;

namespace ActorGraph.ParameterServer;

// Decide's checks of a sparse update (indices and one row per index): what UpdateRules would refuse mid-batch is
// refused before any event exists, an index out of range included, so the batch changes nothing.
public sealed partial class ShardState
{
    private static string? CheckSparse(WireUpdate u, UpdateRule rule, (DType DType, Shape Shape) variable, string what)
    {
        if (variable.Shape.Rank < 1) return $"{what}: the variable is a scalar; a sparse update needs at least one axis of rows.";
        var indices = u.Operands[rule.Indices];
        if (indices.DType is not (DType.Int32 or DType.Int64))
            return $"{what}: indices must be int32 or int64, got {indices.DType.PythonName()}.";
        int[] rowShape = [.. indices.Shape.Dims, .. variable.Shape.Dims[1..]];
        for (int i = 0; i < rule.Operands.Length; i++)
        {
            var input = rule.Operands[i];
            var operand = u.Operands[i];
            if (input.Form == OperandForm.Indices) continue;
            if (operand.DType != variable.DType)
                return $"{what}: {input.Name} is {operand.DType.PythonName()} but the variable is {variable.DType.PythonName()}.";
            if (input.Form == OperandForm.Scalar && operand.Shape.Size != 1)
                return $"{input.Name} is not a scalar: {operand.Shape.ToBracketString()} ({what})";
            if (input.Form == OperandForm.Rows && !operand.Shape.SameDims(rowShape))
                return $"{what}: {input.Name} must have shape indices.shape + variable.shape[1:] = {new Shape(rowShape).ToBracketString()}, got {operand.Shape.ToBracketString()}.";
            if (input.Form == OperandForm.LikeVariable && !operand.Shape.Equals(variable.Shape))
                return $"var and {input.Name} do not have the same shape{variable.Shape.ToBracketString()} {operand.Shape.ToBracketString()} ({what})";
        }
        return OutOfRange(indices, variable.Shape[0]) is var (position, index)
            ? $"{what}: indices[{position}] = {index} is not in [0, {variable.Shape[0]}); nothing was changed."
            : null;
    }

    private static (int Position, long Value)? OutOfRange(NDArray indices, int rows)
    {
        var buffer = ArrayPool<long>.Shared.Rent(Math.Max(1, indices.Length));
        try
        {
            return Kernels.Gather.ReadIndices(indices, rows, buffer.AsSpan(0, indices.Length));
        }
        finally
        {
            ArrayPool<long>.Shared.Return(buffer);
        }
    }
}
