using System.Buffers;
using ActorGraph.Wire;

namespace ActorGraph.ParameterServer;

// Row lookups: a query like Read, so they change nothing and make no events; the rows are copies.
public sealed partial class ShardState
{
    public IShardReply Lookup(LookupRows command)
    {
        if (string.IsNullOrEmpty(command.Variable) || command.Ids is null)
            return Invalid(command.StepId, "LookupRows names no variable or carries no ids.");
        if (command.Hash is { } spec) return LookupHash(command, spec);
        if (ValueOf(command.Variable) is not { } table) return Uninitialized(command.StepId, command.Variable);
        var ids = command.Ids;
        if (ids.DType is not (DType.Int32 or DType.Int64))
            return Invalid(command.StepId, $"Gather of {command.Variable}: indices must be int32 or int64, got {ids.DType.PythonName()}.");
        if (table.Shape.Rank < 1 || table.DType == DType.String)
            return Invalid(command.StepId, $"Gather of {command.Variable}: params must be a numeric tensor of at least 1 dimension, got {table.DType.PythonName()} {table.Shape.ToBracketString()}.");
        int size = table.Shape[0];
        int rowBytes = size == 0 ? 0 : table.Bytes.Length / size;
        // Every byte is a gathered row's.
        var rows = NDArray.Uninitialized(table.DType, Shape.Own([.. ids.Shape.Dims, .. table.Shape.Dims[1..]]));
        var buffer = ArrayPool<long>.Shared.Rent(Math.Max(1, ids.Length));
        try
        {
            var indices = buffer.AsSpan(0, ids.Length);
            if (Kernels.Gather.ReadIndices(ids, size, indices) is var (position, id))
                return Invalid(command.StepId, $"Gather of {command.Variable}: indices[{position}] = {id} is not in [0, {size}) (the table has {size} rows).");
            Kernels.Gather.Rows(table.Bytes, 1, size, rowBytes, indices, rows.Bytes);
        }
        finally
        {
            ArrayPool<long>.Shared.Return(buffer);
        }
        return new RowsLookedUp(command.StepId, command.Request, rows);
    }
}
