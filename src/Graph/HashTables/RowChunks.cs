namespace ActorGraph.HashTables;

// Growable row storage in fixed chunks: growing adds a chunk and never copies the rows already there.
public sealed class RowChunks(int rowBytes)
{
    private const int RowsPerChunk = 4096;
    private readonly List<byte[]> _chunks = [];

    public int RowBytes { get; } = rowBytes;

    public int Capacity => _chunks.Count * RowsPerChunk;

    public long AllocatedBytes => (long)_chunks.Count * RowsPerChunk * RowBytes;

    public Span<byte> Row(int slot) => _chunks[slot / RowsPerChunk].AsSpan(slot % RowsPerChunk * RowBytes, RowBytes);

    public void EnsureCapacity(int rows)
    {
        while (Capacity < rows) _chunks.Add(new byte[RowsPerChunk * RowBytes]);
    }
}
