using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using ActorGraph.Transport.Wire;

namespace ActorGraph.Transport;

// Puts frames on a socket. Headers, descriptors and small tensors are gathered in one pooled buffer (one
// syscall for a batch of small tensors); a large tensor's bytes go from its own array, uncopied.
internal sealed class FrameWriter(Socket socket) : IDisposable
{
    private const int StagingSize = 64 * 1024;
    private const int CopyBelow = 32 * 1024;
    private byte[]? _staging = ArrayPool<byte>.Shared.Rent(StagingSize);
    private int _used;

    public static long FrameSize(bool batch, IReadOnlyList<NDArray?> values)
    {
        long size = FrameHeader.Size;
        foreach (var value in values) size += (batch ? 4 : 0) + TensorEntry.DescriptorSize(value) + TensorEntry.DataSize(value);
        return size;
    }

    // edges: a Batch's per-entry edges; null for a Tensor frame (its edge is the header's key) or a frame without entries.
    public async ValueTask WriteAsync(FrameHeader header, IReadOnlyList<int>? edges, IReadOnlyList<NDArray?> values, CancellationToken ct)
    {
        _used = 0;
        header.Write(Take(FrameHeader.Size));
        for (int i = 0; i < values.Count; i++)
        {
            var value = values[i];
            int descriptor = (edges is null ? 0 : 4) + TensorEntry.DescriptorSize(value);
            if (Room < descriptor) await FlushAsync(ct).ConfigureAwait(false);
            var span = Take(descriptor);
            if (edges is not null)
            {
                BinaryPrimitives.WriteInt32LittleEndian(span, edges[i]);
                span = span[4..];
            }
            TensorEntry.WriteDescriptor(span, value);
            long data = TensorEntry.DataSize(value);
            if (value is null || data == 0) continue;
            if (data <= CopyBelow)
            {
                if (Room < data) await FlushAsync(ct).ConfigureAwait(false);
                value.Bytes.CopyTo(Take((int)data));
            }
            else
            {
                await FlushAsync(ct).ConfigureAwait(false);
                await SendAllAsync(ArrayBytes.Of(value), ct).ConfigureAwait(false);
            }
        }
        await FlushAsync(ct).ConfigureAwait(false);
    }

    private int Room => Staging.Length - _used;

    private Span<byte> Take(int n)
    {
        var span = Staging.AsSpan(_used, n);
        _used += n;
        return span;
    }

    private async ValueTask FlushAsync(CancellationToken ct)
    {
        if (_used == 0) return;
        await SendAllAsync(Staging.AsMemory(0, _used), ct).ConfigureAwait(false);
        _used = 0;
    }

    // A stream socket may take fewer bytes than offered; loop until the kernel has them all.
    private async ValueTask SendAllAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        while (bytes.Length > 0)
            bytes = bytes[await socket.SendAsync(bytes, SocketFlags.None, ct).ConfigureAwait(false)..];
    }

    private byte[] Staging => _staging ?? throw new ObjectDisposedException(nameof(FrameWriter));

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _staging, null) is { } staging) ArrayPool<byte>.Shared.Return(staging);
    }
}
