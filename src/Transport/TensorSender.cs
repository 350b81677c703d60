using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorGraph.Transport.Wire;

namespace ActorGraph.Transport;

// One authenticated connection to a peer's TensorListener, carrying tensors one way. Sends may overlap:
// frames go out whole, one after another, without waiting for the peer (pipelined). A send completes
// when the kernel has the frame's bytes, so the caller may then reuse the NDArray; it does not mean the
// peer has read it. Any failure closes the channel and every later send throws UnavailableException.
// To a peer on this machine it offers a shared-memory lane (TransportOptions.SharedMemoryLaneBytes): once
// the peer has opened it, tensors of LaneMinBytes or more travel through it, their frames on the socket.
public sealed class TensorSender : IAsyncDisposable
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);
    // Below this a tensor rides in the frame's own bytes. The same threshold as the tensors a message carries
    // beside its payload: TrySendCopied must find every one of those big enough for the lane.
    public const int LaneMinBytes = ActorGraph.Wire.OutOfBandTensors.MinBytes;

    private readonly Socket _socket;
    private readonly SocketReader _reader;
    private readonly FrameWriter _writer;
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly Task _watch;
    private readonly TaskCompletionSource<UnavailableException> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private UnavailableException? _fault;
    private int _disposed;
    private SharedLane? _offered;           // offered, not answered yet
    private volatile bool _offeredLane;
    private volatile SharedLane? _lane;     // open at both ends
    private long _laneBytes;

    public Peer Peer { get; }
    public int PeerMaxFrameBytes { get; }
    public bool IsClosed => _fault is not null;

    // Whether the peer took the shared-memory lane, and how many tensor bytes went through it.
    public bool UsesSharedMemory => _lane is not null;
    public long SharedMemoryBytes => Interlocked.Read(ref _laneBytes);

    // Completes, with the reason, when the channel closes for any cause: a place to hang reconnects on.
    public Task<UnavailableException> Closed => _closed.Task;

    private TensorSender(Socket socket, SocketReader reader, Handshake.Result handshake)
    {
        (_socket, _reader, Peer, PeerMaxFrameBytes) = (socket, reader, handshake.Peer, handshake.PeerMaxFrameBytes);
        _writer = new FrameWriter(socket);
        _watch = Task.Run(WatchAsync);
    }

    public static async Task<TensorSender> ConnectAsync(EndPoint listener, TransportOptions options, CancellationToken ct = default)
    {
        options.Validate();
        var socket = new Socket(listener.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        var reader = new SocketReader(socket);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.HandshakeTimeout);
        try
        {
            SocketSetup.Configure(socket, options);
            await socket.ConnectAsync(listener, timeout.Token).ConfigureAwait(false);
            var handshake = await Handshake.ConnectAsync(socket, reader, options, timeout.Token).ConfigureAwait(false);
            var sender = new TensorSender(socket, reader, handshake);
            // Offered beside the first frames, not before them: making the ring takes milliseconds, and the
            // channel is usable without it.
            if (options.SharedMemoryLaneBytes > 0 && OnThisMachine(socket)) _ = Task.Run(() => sender.OfferLaneAsync(options.SharedMemoryLaneBytes));
            return sender;
        }
        catch (Exception e)
        {
            reader.Dispose();
            socket.Dispose();
            if (e is OperationCanceledException && !ct.IsCancellationRequested)
                throw new UnavailableException($"Connecting to the tensor listener at {listener} timed out after {options.HandshakeTimeout.TotalSeconds:0.#} s.", e);
            if (e is SocketException or IOException)
                throw new UnavailableException($"Could not connect to the tensor listener at {listener}: {e.Message}", e);
            throw;
        }
    }

    // A peer reached over loopback, or at this end's own address.
    private static bool OnThisMachine(Socket socket) =>
        socket.RemoteEndPoint is IPEndPoint remote && socket.LocalEndPoint is IPEndPoint local
        && (IPAddress.IsLoopback(remote.Address) || remote.Address.Equals(local.Address));

    // Tensors go inline until the peer answers (WatchAsync). A channel closed meanwhile drops the ring (Close).
    private async Task OfferLaneAsync(int bytes)
    {
        if (SharedLane.Create(bytes) is not { } lane) return;
        _offeredLane = true;
        _offered = lane;
        if (_fault is not null && Interlocked.Exchange(ref _offered, null) is { } closed)
        {
            closed.Unlink();
            closed.Dispose();
            return;
        }
        var offer = lane.Offer();
        // A channel that closes keeps its turn: then the offer is moot.
        if (!await _turn.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false)) return;
        try
        {
            if (_fault is null) await _writer.WriteRawAsync(new FrameHeader(FrameKind.LaneOffer, 0, 0, offer.Length), offer, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
        {
            Close($"offering {Peer} a shared-memory lane failed: {e.Message}", e);
        }
        finally
        {
            _turn.Release();
        }
    }

    public ValueTask SendAsync(long stepId, int edge, NDArray? value, CancellationToken ct = default) =>
        WriteAsync(FrameKind.Tensor, stepId, edge, null, [value], ct);

    // A step's tensors for this peer in one frame; it arrives as one TensorFrame.
    public ValueTask SendAsync(long stepId, IReadOnlyList<int> edges, IReadOnlyList<NDArray?> values, CancellationToken ct = default)
    {
        if (edges.Count != values.Count) throw new ArgumentException($"{edges.Count} edges but {values.Count} values.");
        return WriteAsync(FrameKind.Batch, stepId, edges.Count, edges, values, ct);
    }

    // For a batch whose large tensors change as soon as this returns (a shard's live arrays): when the lane
    // is open and free, takes the channel's turn at once, copies every tensor of LaneMinBytes or more into the
    // lane before returning true, and writes the rest of the frame in `sent` (smaller values must stay as they
    // are until it completes). False: nothing was sent, and the caller copies the values some other way.
    public bool TrySendCopied(long stepId, IReadOnlyList<int> edges, IReadOnlyList<NDArray?> values, out ValueTask sent)
    {
        sent = default;
        if (_disposed != 0 || _fault is not null || _lane is null || edges.Count != values.Count) return false;
        if (FrameWriter.FrameSize(true, values) > PeerMaxFrameBytes || !_turn.Wait(0)) return false;
        long[]? positions;
        // Read again under the turn: a closed channel drops its ring under it (DropLaneAsync).
        var lane = _fault is null ? _lane : null;
        if (lane is null)
        {
            _turn.Release();
            return false;
        }
        try
        {
            var mark = lane.Mark();
            positions = PlanLane(lane, values, all: true);
            if (positions is null)
            {
                lane.Rewind(mark);
                _turn.Release();
                return false;
            }
            for (int i = 0; i < values.Count; i++)
                if (positions[i] >= 0) lane.Write(positions[i], values[i]!.Bytes);
        }
        catch
        {
            _turn.Release();
            throw;
        }
        sent = WriteTurnHeldAsync(FrameKind.Batch, stepId, edges.Count, edges, values, lane, positions, laneFilled: true, default);
        return true;
    }

    private async ValueTask WriteAsync(FrameKind kind, long stepId, int key, IReadOnlyList<int>? edges, IReadOnlyList<NDArray?> values, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        long size = FrameWriter.FrameSize(edges is not null, values);
        if (size > PeerMaxFrameBytes)
            throw new InvalidArgumentException($"A frame of {size} bytes (step {stepId}) exceeds {Peer}'s maximum of {PeerMaxFrameBytes} bytes; send its tensors in smaller batches.");
        ThrowIfClosed();
        await _turn.WaitAsync(ct).ConfigureAwait(false);
        var lane = _fault is null ? _lane : null;
        var positions = lane is null ? null : PlanLane(lane, values, all: false);
        await WriteTurnHeldAsync(kind, stepId, key, edges, values, positions is null ? null : lane, positions, laneFilled: false, ct).ConfigureAwait(false);
    }

    // Writes a frame while holding the turn, and gives the turn back. positions: where PlanLane put its large tensors in lane.
    private async ValueTask WriteTurnHeldAsync(FrameKind kind, long stepId, int key, IReadOnlyList<int>? edges, IReadOnlyList<NDArray?> values,
        SharedLane? lane, long[]? positions, bool laneFilled, CancellationToken ct)
    {
        try
        {
            ThrowIfClosed();
            long size = FrameWriter.FrameSize(edges is not null, values, positions);
            await _writer.WriteAsync(new FrameHeader(kind, stepId, key, (int)(size - FrameHeader.Size)), edges, values, ct,
                lane, positions, laneFilled).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not UnavailableException)
        {
            // A frame cut short leaves the stream unframed: nothing more can go on this connection.
            if (e is OperationCanceledException)
            {
                Close($"a send to {Peer} was cancelled mid-frame, which leaves the channel unusable", e);
                throw;
            }
            // The watcher usually knows why better (the peer refused us, or closed): give it a moment to say.
            await Task.WhenAny(_watch, Task.Delay(500, CancellationToken.None)).ConfigureAwait(false);
            Close($"sending to {Peer} failed: {e.Message}", e);
            ThrowIfClosed();
        }
        finally
        {
            _turn.Release();
        }
    }

    // Positions in the lane for the frame's large tensors, or null when none goes there (all: when any
    // cannot). Under the turn: frames reserve in the order they are written, the order the receiver reads them.
    private long[]? PlanLane(SharedLane lane, IReadOnlyList<NDArray?> values, bool all)
    {
        long[]? positions = null;
        long laned = 0;
        for (int i = 0; i < values.Count; i++)
        {
            long bytes = TensorEntry.DataSize(values[i]);
            // A string tensor's bytes are encoded on the way out: they always go inline.
            if (bytes < LaneMinBytes || values[i]!.DType == DType.String) continue;
            if (lane.Reserve(bytes) is not { } position)
            {
                if (all) return null;
                continue;
            }
            positions ??= Enumerable.Repeat(-1L, values.Count).ToArray();
            positions[i] = position;
            laned += bytes;
        }
        Interlocked.Add(ref _laneBytes, laned);
        return positions;
    }

    // The listener writes after the handshake only to answer a lane offer or to refuse us; reading also
    // notices a vanished peer at once.
    private async Task WatchAsync()
    {
        try
        {
            var bytes = new byte[FrameHeader.Size];
            while (true)
            {
                if (!await _reader.WaitForDataAsync(CancellationToken.None).ConfigureAwait(false))
                {
                    Close($"{Peer} closed the channel", null);
                    return;
                }
                await _reader.ReadExactlyAsync(bytes, CancellationToken.None).ConfigureAwait(false);
                var header = FrameHeader.Parse(bytes, FrameHeader.Size + FrameHeader.MaxRefusalBytes);
                var payload = new byte[header.PayloadLength];
                await _reader.ReadExactlyAsync(payload, CancellationToken.None).ConfigureAwait(false);
                switch (header.Kind)
                {
                    case FrameKind.Refused:
                        Close($"{Peer} refused the channel: {Encoding.UTF8.GetString(payload)}", null);
                        return;
                    case FrameKind.LaneAnswer when _offeredLane:
                        // No offer left here: this end closed meanwhile and dropped the lane itself.
                        if (_offered is not { } pending || !payload.AsSpan().SequenceEqual(pending.Token)
                            || Interlocked.CompareExchange(ref _offered, null, pending) != pending) break;
                        pending.Unlink();
                        if (header.Key != 1)
                        {
                            pending.Dispose();
                            break;
                        }
                        _lane = pending;
                        // Closed between the two lines above: Close found no ring to drop.
                        if (_fault is not null) _ = DropLaneAsync();
                        break;
                    default:
                        throw new ChannelProtocolException($"a listener sent a {header.Kind} frame unasked");
                }
            }
        }
        catch (Exception e)
        {
            Close($"the channel to {Peer} was lost: {Describe(e)}", e);
        }
        finally
        {
            _reader.Dispose();
        }
    }

    private void Close(string why, Exception? cause)
    {
        var fault = new UnavailableException($"The tensor channel is closed: {why}.", cause);
        if (Interlocked.CompareExchange(ref _fault, fault, null) is not null) return;
        _closed.TrySetResult(fault);
        // An offer never answered (a peer that refused it, or vanished) leaves no file behind.
        if (Interlocked.Exchange(ref _offered, null) is { } offered)
        {
            offered.Unlink();
            offered.Dispose();
        }
        // Pending reads and writes fail at once instead of hanging on a dead peer.
        try { _socket.Shutdown(SocketShutdown.Both); } catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        _socket.Dispose();
        if (_lane is not null) _ = DropLaneAsync();
    }

    // A closed channel's ring is unmapped (its memory freed) once no frame can be copying into it: under the
    // turn, which every use of the ring holds. A DisposeAsync that keeps the turn drops the ring itself.
    private async Task DropLaneAsync()
    {
        if (!await _turn.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false)) return;
        try
        {
            Interlocked.Exchange(ref _lane, null)?.Dispose();
        }
        finally
        {
            _turn.Release();
        }
    }

    private void ThrowIfClosed()
    {
        if (_fault is { } fault) throw new UnavailableException(fault.Message, fault.InnerException);
    }

    internal static string Describe(Exception e) => e switch
    {
        EndOfStreamException => "the connection ended",
        SocketException s => $"{s.SocketErrorCode} ({s.Message})",
        _ => e.Message,
    };

    // Says goodbye after the frames in flight, so the peer can tell a clean close from a crash.
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        bool ours = await _turn.WaitAsync(CloseTimeout).ConfigureAwait(false);
        try
        {
            if (ours && _fault is null)
            {
                using var timeout = new CancellationTokenSource(CloseTimeout);
                await _writer.WriteAsync(new FrameHeader(FrameKind.Goodbye, 0, 0, 0), null, [], timeout.Token).ConfigureAwait(false);
                _socket.Shutdown(SocketShutdown.Send);
                await _watch.WaitAsync(CloseTimeout).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or TimeoutException or ObjectDisposedException)
        {
            // Closing anyway; the peer sees the connection end without a goodbye.
        }
        finally
        {
            Close($"{Peer}'s channel was closed by this node", null);
            await _watch.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (ours || await _turn.WaitAsync(CloseTimeout).ConfigureAwait(false))
            {
                _writer.Dispose();
                // Unmapped only when no frame can be copying into it any more.
                Interlocked.Exchange(ref _lane, null)?.Dispose();
            }
        }
    }
}
