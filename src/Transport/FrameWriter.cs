using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using ActorGraph.Transport.Wire;
using ActorGraph.Wire;

namespace ActorGraph.Transport;

// Puts frames on a socket. Headers, descriptors and small tensors are gathered in one pooled buffer (one
// syscall for a batch of small tensors); a large tensor's bytes go from its own array, uncopied, or into
// the shared-memory lane where the frame's plan put them.
internal sealed class FrameWriter(Socket socket) : IDisposable
{
    private const int StagingSize = 64 * 1024;
    private const int CopyBelow = 32 * 1024;
    private byte[]? _staging = ArrayPool<byte>.Shared.Rent(StagingSize);
    private int _used;

    // lanePositions[i] >= 0: value i's bytes go in the lane there, not in the frame.
    public static long FrameSize(bool batch, IReadOnlyList<NDArray?> values, long[]? lanePositions = null)
    {
        long size = FrameHeader.Size;
        for (int i = 0; i < values.Count; i++)
        {
            bool inLane = lanePositions?[i] >= 0;
            size += (batch ? 4 : 0) + TensorEntry.DescriptorSize(values[i], inLane) + (inLane ? 0 : TensorEntry.DataSize(values[i]));
        }
        return size;
    }

    // edges: a Batch's per-entry edges; null for a Tensor frame (its edge is the header's key) or a frame without entries.
    // A tensor's bytes are in the lane before its descriptor can reach the socket (laneFilled: the caller put them there).
    public async ValueTask WriteAsync(FrameHeader header, IReadOnlyList<int>? edges, IReadOnlyList<NDArray?> values, CancellationToken ct,
        SharedLane? lane = null, long[]? lanePositions = null, bool laneFilled = false)
    {
        _used = 0;
        header.Write(Take(FrameHeader.Size));
        for (int i = 0; i < values.Count; i++)
        {
            var value = values[i];
            long position = lanePositions?[i] ?? -1;
            int descriptor = (edges is null ? 0 : 4) + TensorEntry.DescriptorSize(value, position >= 0);
            if (Room < descriptor) await FlushAsync(ct).ConfigureAwait(false);
            var span = Take(descriptor);
            if (edges is not null)
            {
                BinaryPrimitives.WriteInt32LittleEndian(span, edges[i]);
                span = span[4..];
            }
            TensorEntry.WriteDescriptor(span, value, position);
            long data = TensorEntry.DataSize(value);
            if (value is null || data == 0) continue;
            if (position >= 0)
            {
                if (!laneFilled) lane!.Write(position, value.Bytes);
                continue;
            }
            if (value.DType == DType.String)
            {
                await FlushAsync(ct).ConfigureAwait(false);
                await SendAllAsync(StringElements.Encode(value), ct).ConfigureAwait(false);
            }
            else if (data <= CopyBelow)
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

    // A frame whose payload is plain bytes (a LaneOffer).
    public async ValueTask WriteRawAsync(FrameHeader header, byte[] payload, CancellationToken ct)
    {
        _used = 0;
        header.Write(Take(FrameHeader.Size));
        payload.CopyTo(Take(payload.Length));
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
