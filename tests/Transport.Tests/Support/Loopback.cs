using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace ActorGraph.Transport.Tests.Support;

internal static class Loopback
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    public static readonly byte[] Secret = RandomNumberGenerator.GetBytes(32);

    public static TransportOptions Options(string node, byte[]? secret = null, string cluster = "actorgraph") => new()
    {
        ClusterName = cluster,
        SharedSecret = secret ?? Secret,
        NodeName = node,
        HandshakeTimeout = TimeSpan.FromSeconds(3),
    };

    public static Task<T> Within<T>(this Task<T> task) => task.WaitAsync(Wait);
    public static Task Within(this Task task) => task.WaitAsync(Wait);
    public static Task Within(this ValueTask task) => task.AsTask().WaitAsync(Wait);

    public static async Task<Socket> ConnectRawAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint).WaitAsync(Wait);
        return socket;
    }

    // A connection through a correct handshake, for a test that then writes bytes no TensorSender would.
    public static async Task<(Socket Socket, SocketReader Reader)> HandshakenAsync(IPEndPoint endPoint, string node)
    {
        var socket = await ConnectRawAsync(endPoint);
        var reader = new SocketReader(socket);
        await Handshake.ConnectAsync(socket, reader, Options(node), CancellationToken.None).Within();
        return (socket, reader);
    }

    public static async Task SendAllAsync(this Socket socket, ReadOnlyMemory<byte> bytes)
    {
        while (bytes.Length > 0) bytes = bytes[await socket.SendAsync(bytes).AsTask().WaitAsync(Wait)..];
    }

    // Whatever the peer writes until it closes (a refusal, say), within the wait.
    public static async Task<byte[]> ReadToEndAsync(this Socket socket)
    {
        var all = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = await socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None).AsTask().WaitAsync(Wait)) > 0) all.Write(buffer, 0, n);
        }
        catch (SocketException)
        {
            // A reset after the refusal: what came before it is what matters.
        }
        return all.ToArray();
    }
}

// Records everything a listener reports, with awaitable firsts.
public sealed class RecordingSink : ITensorSink
{
    public ConcurrentQueue<(Peer Peer, TensorFrame Frame)> Frames { get; } = new();
    public TaskCompletionSource<(Peer Peer, Exception? Error)> Disconnection { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource<(EndPoint Address, Exception Error)> Refusal { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource<Peer> Connection { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public int Destinations;

    public void Received(Peer from, TensorFrame frame) => Frames.Enqueue((from, frame));
    public void Disconnected(Peer peer, Exception? error) => Disconnection.TrySetResult((peer, error));
    public void Connected(Peer peer) => Connection.TrySetResult(peer);
    public void Refused(EndPoint address, Exception error) => Refusal.TrySetResult((address, error));

    public NDArray? Destination(Peer from, long stepId, int edge, DType dtype, Shape shape)
    {
        Interlocked.Increment(ref Destinations);
        return null;
    }
}
