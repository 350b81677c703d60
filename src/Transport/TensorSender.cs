using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorGraph.Transport.Wire;

namespace ActorGraph.Transport;

// One authenticated connection to a peer's TensorListener, carrying tensors one way. Sends may overlap:
// frames go out whole, one after another, without waiting for the peer (pipelined). A send completes
// when the kernel has the frame's bytes, so the caller may then reuse the NDArray; it does not mean the
// peer has read it. Any failure closes the channel and every later send throws UnavailableException.
public sealed class TensorSender : IAsyncDisposable
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    private readonly Socket _socket;
    private readonly SocketReader _reader;
    private readonly FrameWriter _writer;
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly Task _watch;
    private readonly TaskCompletionSource<UnavailableException> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private UnavailableException? _fault;
    private int _disposed;

    public Peer Peer { get; }
    public int PeerMaxFrameBytes { get; }
    public bool IsClosed => _fault is not null;

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
            return new TensorSender(socket, reader, handshake);
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

    public ValueTask SendAsync(long stepId, int edge, NDArray? value, CancellationToken ct = default) =>
        WriteAsync(FrameKind.Tensor, stepId, edge, null, [value], ct);

    // A step's tensors for this peer in one frame; it arrives as one TensorFrame.
    public ValueTask SendAsync(long stepId, IReadOnlyList<int> edges, IReadOnlyList<NDArray?> values, CancellationToken ct = default)
    {
        if (edges.Count != values.Count) throw new ArgumentException($"{edges.Count} edges but {values.Count} values.");
        return WriteAsync(FrameKind.Batch, stepId, edges.Count, edges, values, ct);
    }

    private async ValueTask WriteAsync(FrameKind kind, long stepId, int key, IReadOnlyList<int>? edges, IReadOnlyList<NDArray?> values, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        long size = FrameWriter.FrameSize(edges is not null, values);
        if (size > PeerMaxFrameBytes)
            throw new InvalidArgumentException($"A frame of {size} bytes (step {stepId}) exceeds {Peer}'s maximum of {PeerMaxFrameBytes} bytes; send its tensors in smaller batches.");
        ThrowIfClosed();
        await _turn.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ThrowIfClosed();
            await _writer.WriteAsync(new FrameHeader(kind, stepId, key, (int)(size - FrameHeader.Size)), edges, values, ct).ConfigureAwait(false);
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

    // The listener never writes after the handshake but to refuse us; reading also notices a vanished peer at once.
    private async Task WatchAsync()
    {
        try
        {
            if (!await _reader.WaitForDataAsync(CancellationToken.None).ConfigureAwait(false))
            {
                Close($"{Peer} closed the channel", null);
                return;
            }
            var bytes = new byte[FrameHeader.Size];
            await _reader.ReadExactlyAsync(bytes, CancellationToken.None).ConfigureAwait(false);
            var header = FrameHeader.Parse(bytes, FrameHeader.Size + FrameHeader.MaxRefusalBytes);
            if (header.Kind != FrameKind.Refused) throw new ChannelProtocolException($"a listener sent a {header.Kind} frame");
            var reason = new byte[header.PayloadLength];
            await _reader.ReadExactlyAsync(reason, CancellationToken.None).ConfigureAwait(false);
            Close($"{Peer} refused the channel: {Encoding.UTF8.GetString(reason)}", null);
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
        // Pending reads and writes fail at once instead of hanging on a dead peer.
        try { _socket.Shutdown(SocketShutdown.Both); } catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        _socket.Dispose();
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
            if (ours || await _turn.WaitAsync(CloseTimeout).ConfigureAwait(false)) _writer.Dispose();
        }
    }
}
