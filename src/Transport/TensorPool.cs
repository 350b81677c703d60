using System.Collections.Concurrent;

namespace ActorGraph.Transport;

// Receive buffers to reuse. A fresh array per received tensor costs more than the socket does: a 1 MiB
// array lands on the large-object heap, and the LOH budget runs out every ~15 of them, each time a
// gen2 collection (docs/performance.md has the figures). Rent gives an array of the same dtype and length
// back when one was returned; Return only a tensor nothing references any more, or its bytes change under you.
public sealed class TensorPool(long maxRetainedBytes = 256L << 20)
{
    // Smaller ones are cheap gen0 allocations: pooling them would only add contention.
    public const int MinPooledBytes = 64 * 1024;

    private readonly ConcurrentDictionary<(DType, int), ConcurrentBag<Array>> _free = new();
    private long _retained;

    public long RetainedBytes => Interlocked.Read(ref _retained);

    public NDArray Rent(DType dtype, Shape shape)
    {
        int length = shape.ElementCount;
        if ((long)length * dtype.SizeInBytes() >= MinPooledBytes && _free.TryGetValue((dtype, length), out var bag) && bag.TryTake(out var array))
        {
            Interlocked.Add(ref _retained, -(long)length * dtype.SizeInBytes());
            return new NDArray(dtype, shape, array);
        }
        return NDArray.Uninitialized(dtype, shape);
    }

    public void Return(NDArray? value)
    {
        if (value is null || value.DType == DType.String) return;
        var array = value.RawArray;
        long bytes = (long)array.Length * value.DType.SizeInBytes();
        if (bytes < MinPooledBytes || array.Length != value.Length) return;
        if (Interlocked.Add(ref _retained, bytes) > maxRetainedBytes)
        {
            Interlocked.Add(ref _retained, -bytes);
            return;
        }
        _free.GetOrAdd((value.DType, array.Length), _ => []).Add(array);
    }
}
