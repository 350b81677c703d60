using ActorGraph.Execution;
using ActorGraph.Training;

namespace ActorGraph.ParameterServer;

// The tensor bytes a shard exchanges with its readers and writers (ShardStatus.BytesIn, BytesOut): what a row lookup
// saves over reading a whole table is measured here. RowBytes is their part that is a table's rows: lookups' ids and
// rows, and sparse updates' operands (what a lookup's bound counts); the rest is whole variables read and updated.
// LentBytes is the part of BytesOut that a reader in this process borrowed (ReadLeases): counted, but never copied.
internal sealed class ShardTraffic
{
    public long BytesIn { get; private set; }
    public long BytesOut { get; private set; }
    public long RowBytes { get; private set; }
    public long LentBytes { get; private set; }

    public void Received(NDArray? value) => BytesIn += SizeOf(value);

    public void Received(WireUpdate[]? updates)
    {
        foreach (var update in updates ?? [])
        {
            if (update is null) continue;
            long before = BytesIn;
            foreach (var operand in update.Operands ?? []) Received(operand);
            if (UpdateKinds.Of(update.Kind).IsSparse) RowBytes += BytesIn - before;
        }
    }

    public void ReceivedIds(NDArray? ids)
    {
        Received(ids);
        RowBytes += SizeOf(ids);
    }

    public void Sent(IEnumerable<NDArray?> values)
    {
        foreach (var value in values) BytesOut += SizeOf(value);
    }

    public void Sent(IShardReply reply)
    {
        switch (reply)
        {
            case VariablesRead read:
                Sent(read.Values);
                // A lending read lends the values worth it (ShardState.Read) and copies the small ones.
                if (read.Lent)
                    foreach (var value in read.Values)
                        if (value is not null && ReadLeases<object>.Worth(value)) LentBytes += SizeOf(value);
                break;
            case UpdatesApplied applied: Sent(applied.Values); break;
            case VariablesPushed pushed: Sent(pushed.Values); break;
            case RowsLookedUp rows:
                Sent([rows.Rows]);
                RowBytes += SizeOf(rows.Rows);
                break;
        }
    }

    private static long SizeOf(NDArray? value) => value is null || value.DType == DType.String ? 0 : (long)value.Length * value.DType.SizeInBytes();
}
