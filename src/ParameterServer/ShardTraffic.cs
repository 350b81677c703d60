using ActorGraph.Execution;

namespace ActorGraph.ParameterServer;

// The tensor bytes a shard exchanges with its readers and writers (ShardStatus.BytesIn, BytesOut): what a row lookup
// saves over reading a whole table is measured here.
internal sealed class ShardTraffic
{
    public long BytesIn { get; private set; }
    public long BytesOut { get; private set; }

    public void Received(NDArray? value) => BytesIn += SizeOf(value);

    public void Received(WireUpdate[]? updates)
    {
        foreach (var update in updates ?? [])
            foreach (var operand in update?.Operands ?? []) Received(operand);
    }

    public void Sent(IEnumerable<NDArray?> values)
    {
        foreach (var value in values) BytesOut += SizeOf(value);
    }

    public void Sent(IShardReply reply)
    {
        switch (reply)
        {
            case VariablesRead read: Sent(read.Values); break;
            case UpdatesApplied applied: Sent(applied.Values); break;
            case VariablesPushed pushed: Sent(pushed.Values); break;
            case RowsLookedUp rows: Sent([rows.Rows]); break;
        }
    }

    private static long SizeOf(NDArray? value) => value is null || value.DType == DType.String ? 0 : (long)value.Length * value.DType.SizeInBytes();
}
