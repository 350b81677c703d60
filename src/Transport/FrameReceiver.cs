using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using ActorGraph.Transport.Wire;
using ActorGraph.Wire;

namespace ActorGraph.Transport;

// One accepted, authenticated connection: reads frames until the peer says goodbye, vanishes or breaks the
// protocol, and hands each frame's tensors to the sink. Every length is checked before it is allocated.
internal sealed class FrameReceiver(Socket socket, SocketReader reader, Peer peer, ITensorSink sink, int maxFrameBytes)
{
    private static readonly TimeSpan DrainTime = TimeSpan.FromSeconds(1);
    private const int MaxDrainBytes = 16 << 20;

    private readonly byte[] _scratch = new byte[FrameHeader.Size + 4 + 4 * TensorEntry.MaxRank];
    private FrameHeader _frame;
    private long _frameStart;
    private SharedLane? _lane;
    private bool _laneOffered;

    public Peer Peer => peer;

    // Returns null for a goodbye, else why the connection ended; the caller reports it and closes the socket.
    public async Task<Exception?> RunAsync(CancellationToken ct)
    {
        try
        {
            while (true)
            {
                if (!await reader.WaitForDataAsync(ct).ConfigureAwait(false))
                    return Lost($"{peer} closed the connection without a goodbye", null);
                _frameStart = reader.Consumed;
                _frame = default;
                await reader.ReadExactlyAsync(_scratch.AsMemory(0, FrameHeader.Size), ct).ConfigureAwait(false);
                _frame = FrameHeader.Parse(_scratch, maxFrameBytes);
                switch (_frame.Kind)
                {
                    case FrameKind.Goodbye:
                        return null;
                    case FrameKind.Tensor:
                        sink.Received(peer, await ReadTensorAsync(ct).ConfigureAwait(false));
                        break;
                    case FrameKind.Batch:
                        sink.Received(peer, await ReadBatchAsync(ct).ConfigureAwait(false));
                        break;
                    case FrameKind.LaneOffer:
                        await AnswerLaneAsync(ct).ConfigureAwait(false);
                        break;
                    default:
                        throw new ChannelProtocolException($"a sender may not send a {_frame.Kind} frame");
                }
            }
        }
        catch (ChannelProtocolException e)
        {
            await RefuseAsync(e.Message).ConfigureAwait(false);
            return new UnavailableException($"The tensor channel from {peer} was closed: it sent a frame this node refuses ({e.Message}).", e);
        }
        catch (Exception e) when (e is EndOfStreamException or SocketException or IOException)
        {
            if (reader.Consumed > _frameStart)
            {
                long total = _frame.Kind == 0 ? FrameHeader.Size : FrameHeader.Size + (long)_frame.PayloadLength;
                return Lost($"{peer} vanished mid-frame, {reader.Consumed - _frameStart} bytes into a frame of {total} (step {_frame.StepId}): {TensorSender.Describe(e)}", e);
            }
            return Lost($"the connection from {peer} was lost: {TensorSender.Describe(e)}", e);
        }
        finally
        {
            _lane?.Dispose();
        }
    }

    // Opens the sender's shared-memory lane if this machine has it (same file, same token), and says so
    // either way: a declined lane only means the tensors keep coming inline.
    private async Task AnswerLaneAsync(CancellationToken ct)
    {
        if (_laneOffered) throw new ChannelProtocolException("a second lane offer");
        _laneOffered = true;
        var payload = new byte[_frame.PayloadLength];
        await reader.ReadExactlyAsync(payload, ct).ConfigureAwait(false);
        var (token, capacity, path) = SharedLane.ParseOffer(payload);
        try
        {
            _lane = SharedLane.Open(path, token, capacity);
        }
        catch (ChannelProtocolException)
        {
            throw;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Another machine's path, or a file this user may not open.
        }
        var answer = new byte[FrameHeader.Size + SharedLane.TokenSize];
        new FrameHeader(FrameKind.LaneAnswer, 0, _lane is null ? 0 : 1, SharedLane.TokenSize).Write(answer);
        token.CopyTo(answer, FrameHeader.Size);
        for (int sent = 0; sent < answer.Length;)
            sent += await socket.SendAsync(answer.AsMemory(sent), SocketFlags.None, ct).ConfigureAwait(false);
    }

    private static UnavailableException Lost(string why, Exception? cause) => new($"The tensor channel was lost: {why}.", cause);

    private async Task<TensorFrame> ReadTensorAsync(CancellationToken ct)
    {
        var (value, used) = await ReadEntryAsync(_frame.Key, _frame.PayloadLength, ct).ConfigureAwait(false);
        if (used != _frame.PayloadLength)
            throw new ChannelProtocolException($"the header says {_frame.PayloadLength} payload bytes, the tensor holds {used}");
        return new TensorFrame(_frame.StepId, [_frame.Key], [value]);
    }

    private async Task<TensorFrame> ReadBatchAsync(CancellationToken ct)
    {
        int count = _frame.Key;
        var edges = new int[count];
        var values = new NDArray?[count];
        long left = _frame.PayloadLength;
        for (int i = 0; i < count; i++)
        {
            if (left < TensorEntry.MinBatchEntryBytes) throw new ChannelProtocolException($"the batch ends at entry {i} of {count}");
            await reader.ReadExactlyAsync(_scratch.AsMemory(0, 4), ct).ConfigureAwait(false);
            edges[i] = BinaryPrimitives.ReadInt32LittleEndian(_scratch);
            var (value, used) = await ReadEntryAsync(edges[i], left - 4, ct).ConfigureAwait(false);
            values[i] = value;
            left -= 4 + used;
        }
        if (left != 0) throw new ChannelProtocolException($"the header says {_frame.PayloadLength} payload bytes, the batch's {count} entries hold {_frame.PayloadLength - left}");
        return new TensorFrame(_frame.StepId, edges, values);
    }

    // Straight into the destination array: the only copy of the payload is the kernel's.
    private async Task<(NDArray? Value, long Used)> ReadEntryAsync(int edge, long left, CancellationToken ct)
    {
        if (left < TensorEntry.PrefixSize) throw new ChannelProtocolException("a tensor entry is cut short");
        await reader.ReadExactlyAsync(_scratch.AsMemory(0, TensorEntry.PrefixSize), ct).ConfigureAwait(false);
        int rank = TensorEntry.ParsePrefix(_scratch, out var dtype, out bool inLane);
        if (rank < 0) return (null, TensorEntry.PrefixSize);
        if (inLane && _lane is null) throw new ChannelProtocolException("a tensor entry names the shared-memory lane, but none was set up");
        long described = TensorEntry.PrefixSize + 4L * rank + (inLane ? TensorEntry.LanePositionSize : 0);
        if (left < described) throw new ChannelProtocolException($"a rank-{rank} tensor's dims do not fit in the {left} bytes left");
        await reader.ReadExactlyAsync(_scratch.AsMemory(0, (int)(described - TensorEntry.PrefixSize)), ct).ConfigureAwait(false);
        var dims = TensorEntry.ParseDims(_scratch, rank, dtype, inLane ? _lane!.Capacity : left - described, out long dataBytes);
        var shape = Shape.Own(dims);
        if (dtype == DType.String)
        {
            var (strings, used) = await ReadStringsAsync(shape, inLane, left - described, ct).ConfigureAwait(false);
            return (strings, described + used);
        }
        var value = sink.Destination(peer, _frame.StepId, edge, dtype, shape);
        if (value is null || value.DType != dtype || !value.Shape.Equals(shape)) value = NDArray.Uninitialized(dtype, shape);
        if (inLane)
        {
            _lane!.Read(BinaryPrimitives.ReadInt64LittleEndian(_scratch.AsSpan(4 * rank)), value.Bytes);
            dataBytes = 0;   // none of them in the frame
        }
        else if (dataBytes > 0) await reader.ReadExactlyAsync(ArrayBytes.Of(value), ct).ConfigureAwait(false);
        if (dtype == DType.Bool && value.Bytes.IndexOfAnyExcept((byte)0, (byte)1) >= 0)
            throw new ChannelProtocolException("a bool element is neither 0 nor 1");
        return (value, described + dataBytes);
    }

    // A string tensor: its length table, then as many bytes as the table says, checked against the frame.
    private async Task<(NDArray, long)> ReadStringsAsync(Shape shape, bool inLane, long left, CancellationToken ct)
    {
        if (inLane) throw new ChannelProtocolException("a string tensor's entry names the shared-memory lane; strings travel inline");
        var lengths = new byte[4 * shape.ElementCount];
        await reader.ReadExactlyAsync(lengths, ct).ConfigureAwait(false);
        long dataBytes = StringElements.DataSize(lengths, shape.ElementCount, left - lengths.Length);
        if (dataBytes < 0) throw new ChannelProtocolException($"a string tensor of shape {shape} says its elements need more than the {left - lengths.Length} bytes the frame has left");
        var data = new byte[dataBytes];
        await reader.ReadExactlyAsync(data, ct).ConfigureAwait(false);
        return (StringElements.Decode(lengths, data, shape), lengths.Length + dataBytes);
    }

    // Tell the sender why before closing, then drain a little: closing with unread bytes would reset the
    // connection and could destroy the refusal before the sender reads it.
    private async Task RefuseAsync(string why)
    {
        try
        {
            var reason = Encoding.UTF8.GetBytes(why.Length > 300 ? why[..300] : why);
            var frame = new byte[FrameHeader.Size + reason.Length];
            new FrameHeader(FrameKind.Refused, 0, 0, reason.Length).Write(frame);
            reason.CopyTo(frame, FrameHeader.Size);
            using var timeout = new CancellationTokenSource(DrainTime);
            await socket.SendAsync(frame, SocketFlags.None, timeout.Token).ConfigureAwait(false);
            socket.Shutdown(SocketShutdown.Send);
            var discard = new byte[64 * 1024];
            for (long drained = 0; drained < MaxDrainBytes;)
            {
                int n = await socket.ReceiveAsync(discard, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                if (n == 0) break;
                drained += n;
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The sender is gone or keeps writing: close regardless.
        }
    }
}
