using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace ActorGraph.Transport;

// Accepts tensor channels from peers: each connection must pass the handshake within the options'
// timeout (or is refused before any frame is read), then its frames go to the sink until it ends.
public sealed class TensorListener : IAsyncDisposable
{
    // Unauthenticated connections each hold a socket for up to the handshake timeout: bound them.
    private const int MaxPendingHandshakes = 64;

    private readonly Socket _socket;
    private readonly TransportOptions _options;
    private readonly ITensorSink _sink;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Socket, Task?> _connections = new();
    private readonly Task _accepting;
    private int _handshaking;

    public IPEndPoint EndPoint { get; }

    private TensorListener(Socket socket, TransportOptions options, ITensorSink sink)
    {
        (_socket, _options, _sink) = (socket, options, sink);
        EndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _accepting = Task.Run(AcceptAsync);
    }

    // port 0 picks a free one; EndPoint says which.
    public static TensorListener Start(TransportOptions options, ITensorSink sink, int port = 0)
    {
        options.Validate();
        var socket = new Socket(options.BindAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(options.BindAddress, port));
            socket.Listen(128);
            return new TensorListener(socket, options, sink);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _socket.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested) return;
                continue;
            }
            if (Interlocked.Increment(ref _handshaking) > MaxPendingHandshakes)
            {
                Interlocked.Decrement(ref _handshaking);
                _sink.Refused(connection.RemoteEndPoint!, new System.Security.Authentication.AuthenticationException(
                    $"{connection.RemoteEndPoint} refused: {MaxPendingHandshakes} handshakes are already pending."));
                connection.Dispose();
                continue;
            }
            // Registered before it runs, so a connection that ends at once is not left behind in the table.
            _connections.TryAdd(connection, null);
            _connections.TryUpdate(connection, Task.Run(() => ServeAsync(connection)), null);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        var reader = new SocketReader(socket);
        EndPoint address = new IPEndPoint(IPAddress.None, 0);
        Peer peer;
        try
        {
            try
            {
                address = socket.RemoteEndPoint!;
                SocketSetup.Configure(socket, _options);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(_options.HandshakeTimeout);
                peer = (await Handshake.AcceptAsync(socket, reader, _options, timeout.Token).ConfigureAwait(false)).Peer;
            }
            catch (Exception e) when (!_stop.IsCancellationRequested)
            {
                _sink.Refused(address, e is OperationCanceledException
                    ? new System.Security.Authentication.AuthenticationException($"{address} did not complete the handshake within {_options.HandshakeTimeout.TotalSeconds:0.#} s; refused.", e)
                    : e);
                return;
            }
            finally
            {
                Interlocked.Decrement(ref _handshaking);
            }
            _sink.Connected(peer);
            var receiver = new FrameReceiver(socket, reader, peer, _sink, _options.MaxFrameBytes);
            Exception? error;
            try
            {
                error = await receiver.RunAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                error = new UnavailableException($"The tensor channel from {peer} failed: {e.Message}", e);
            }
            if (!_stop.IsCancellationRequested) _sink.Disconnected(peer, error);
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            // This listener is closing: its owner is not told about connections it closes itself.
        }
        finally
        {
            socket.Dispose();
            reader.Dispose();
            _connections.TryRemove(socket, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        _socket.Dispose();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var connection in _connections.Keys) connection.Dispose();
        await Task.WhenAll(_connections.Values.OfType<Task>()).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}
