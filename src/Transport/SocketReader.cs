using System.Buffers;
using System.Net.Sockets;

namespace ActorGraph.Transport;

// Reads exact byte counts from a socket however the peer dribbles them. Headers and small tensors come
// through a pooled buffer (one syscall for many small frames); a large payload is read straight into
// its destination, so bulk bytes are copied once, by the kernel.
internal sealed class SocketReader(Socket socket) : IDisposable
{
    private const int BufferSize = 64 * 1024;
    private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _start, _end;

    public long Consumed { get; private set; }

    // False when the peer closed cleanly with nothing left unread: the end of a stream between frames.
    public async ValueTask<bool> WaitForDataAsync(CancellationToken ct)
    {
        if (_end > _start) return true;
        return await FillAsync(ct) > 0;
    }

    public async ValueTask ReadExactlyAsync(Memory<byte> destination, CancellationToken ct)
    {
        while (destination.Length > 0)
        {
            int buffered = _end - _start;
            if (buffered > 0)
            {
                int n = Math.Min(buffered, destination.Length);
                Buffer.AsSpan(_start, n).CopyTo(destination.Span);
                _start += n;
                Consumed += n;
                destination = destination[n..];
            }
            else if (destination.Length >= BufferSize / 2)
            {
                int n = await socket.ReceiveAsync(destination, SocketFlags.None, ct).ConfigureAwait(false);
                if (n == 0) throw new EndOfStreamException();
                Consumed += n;
                destination = destination[n..];
            }
            else if (await FillAsync(ct) == 0) throw new EndOfStreamException();
        }
    }

    private async ValueTask<int> FillAsync(CancellationToken ct)
    {
        _start = _end = 0;
        _end = await socket.ReceiveAsync(Buffer.AsMemory(), SocketFlags.None, ct).ConfigureAwait(false);
        return _end;
    }

    private byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(SocketReader));

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer) ArrayPool<byte>.Shared.Return(buffer);
    }
}
