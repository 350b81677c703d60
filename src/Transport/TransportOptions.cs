using System.Net;
using System.Text;

namespace ActorGraph.Transport;

// What both ends of a tensor channel must agree on (cluster name, shared secret) and this end's limits.
public sealed record TransportOptions
{
    public const int MinSecretBytes = 16;
    public const int MaxNameBytes = 255;

    // The cluster's system name; a peer of another cluster is refused in the handshake.
    public required string ClusterName { get; init; }

    // Both ends prove they hold it (HMAC-SHA256 over each side's nonce); it never crosses the wire.
    public required byte[] SharedSecret { get; init; }

    // How this node introduces itself to peers (an actor system address, "worker-1"): names it in their errors.
    public string NodeName { get; init; } = Dns.GetHostName();

    // Where a listener binds: loopback unless a deployment says otherwise.
    public IPAddress BindAddress { get; init; } = IPAddress.Loopback;

    // A frame above this is refused before anything is allocated for it; senders learn the limit in the handshake.
    public int MaxFrameBytes { get; init; } = 256 << 20;

    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    // SO_SNDBUF / SO_RCVBUF; null leaves Linux's autotuning, which measured as fast here (see docs/performance.md, "Tensor transport").
    public int? SocketBufferBytes { get; init; }

    // A sender offers a peer on this machine a ring of this many bytes in /dev/shm for its large tensors
    // (SharedLane); 0: every byte goes through the socket.
    public int SharedMemoryLaneBytes { get; init; }

    internal void Validate()
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Tensor frames carry raw little-endian element bytes.");
        if (string.IsNullOrEmpty(ClusterName) || Encoding.UTF8.GetByteCount(ClusterName) > MaxNameBytes)
            throw new ArgumentException($"TransportOptions.ClusterName must be 1 to {MaxNameBytes} UTF-8 bytes, not '{ClusterName}'.");
        if (string.IsNullOrEmpty(NodeName) || Encoding.UTF8.GetByteCount(NodeName) > MaxNameBytes)
            throw new ArgumentException($"TransportOptions.NodeName must be 1 to {MaxNameBytes} UTF-8 bytes, not '{NodeName}'.");
        if (SharedSecret is null || SharedSecret.Length < MinSecretBytes)
            throw new ArgumentException($"TransportOptions.SharedSecret must hold at least {MinSecretBytes} bytes (it has {SharedSecret?.Length ?? 0}).");
        if (MaxFrameBytes < Wire.FrameHeader.Size)
            throw new ArgumentException($"TransportOptions.MaxFrameBytes is {MaxFrameBytes}; give at least {Wire.FrameHeader.Size}.");
        if (HandshakeTimeout <= TimeSpan.Zero)
            throw new ArgumentException($"TransportOptions.HandshakeTimeout is {HandshakeTimeout}; give a positive time.");
        if (SharedMemoryLaneBytes is < 0 or (> 0 and < TensorSender.LaneMinBytes))
            throw new ArgumentException($"TransportOptions.SharedMemoryLaneBytes is {SharedMemoryLaneBytes}; give 0 (no lane) or at least {TensorSender.LaneMinBytes}.");
        if (SocketBufferBytes is <= 0)
            throw new ArgumentException($"TransportOptions.SocketBufferBytes is {SocketBufferBytes}; give a positive size or null.");
    }
}
